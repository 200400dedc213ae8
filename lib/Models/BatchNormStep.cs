using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SrganWorkbench.Models;

/// <summary>
/// A batch norm layer's forward pass, the same computation as TorchSharp's <c>BatchNorm.forward</c> (the same native
/// <c>batch_norm</c> call with the same arguments), without the temporary <see cref="Scalar"/> that method makes every
/// training step to count batches (<c>num_batches_tracked.add_(1)</c>). TorchSharp 0.107 hands a temporary Scalar's
/// native handle to libtorch and keeps nothing alive, so a garbage collection started by another thread (the data
/// prefetcher allocates) can free it mid-call: seen in CI as "For integral input tensors, argument alpha must not be a
/// floating point number" inside a discriminator's batch norm (as fbd59ef saw it in fused Adam). The Scalar used here
/// lives as long as the process. The networks call this instead of <c>bn.forward</c>; a test checks it is bit-equal.
/// </summary>
public static class BatchNormStep
{
    static readonly Scalar One = 1.ToScalar(); // never collected: a static field

    public static Tensor Forward(BatchNorm2d bn, Tensor x)
    {
        double factor = bn.momentum ?? 0.0;
        if (bn.training && bn.track_running_stats && bn.num_batches_tracked is { } count)
        {
            using (no_grad()) count.add_(One, One);
            if (bn.momentum is null) factor = 1.0 / count.item<long>(); // a cumulative average, as PyTorch's momentum=None
        }
        bool haveStatistics = bn.running_mean is not null && bn.running_var is not null;
        bool passStatistics = !bn.training || bn.track_running_stats;
        return nn.functional.batch_norm(x, passStatistics ? bn.running_mean : null, passStatistics ? bn.running_var : null,
            bn.weight, bn.bias, bn.training || !haveStatistics, factor, bn.eps);
    }
}
