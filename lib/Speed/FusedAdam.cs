using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Speed;

/// <summary>
/// Adam's update in one pass over memory: libtorch's own fused kernel (<c>torch._fused_adam_</c>, on the CPU since
/// PyTorch 2.4), reached through a two-line TorchScript function because TorchSharp has no binding for it. The
/// written-out update (<see cref="Training.Adam"/>) makes eight passes over each parameter, its gradient and both moments
/// (scale m, add g, scale v, add g^2, sqrt, divide, add eps, step): for SRGAN's discriminator, 23.6 M parameters, that
/// is ~2 GB of memory traffic per step. What it buys is small: 0-3% of the SRGAN step in the speed benchmark (runs 13-14
/// in results/bench/speed.md), more when something else competes for memory bandwidth (`AdamTests` checks the two
/// agree). The formula is PyTorch's: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
/// p -= lr / (1-b1^t) * m / (sqrt(v) / sqrt(1-b2^t) + eps); only the rounding order inside the kernel differs.
/// Set SRGAN_FUSED_ADAM=0 to use the written-out update (the benchmark's comparison does).
/// </summary>
public static class FusedAdam
{
    /// <summary>Whether <see cref="Training.Adam"/> uses the fused kernel by default (on unless SRGAN_FUSED_ADAM=0).</summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("SRGAN_FUSED_ADAM") != "0";

    // TorchScript's parser wants the function to end with a newline.
    const string Script =
        "def adam(params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor], exp_avg_sqs: List[Tensor], steps: List[Tensor],\n" +
        "         lr: float, beta1: float, beta2: float, eps: float):\n" +
        "    torch._fused_adam_(params, grads, exp_avgs, exp_avg_sqs, [], steps, lr=lr, beta1=beta1, beta2=beta2,\n" +
        "                       weight_decay=0.0, eps=eps, amsgrad=False, maximize=False)\n";

    static readonly Lazy<jit.CompilationUnit> Unit = new(() => jit.compile(Script));

    /// <summary>
    /// One Adam step, in place, on every parameter of the lists (each parameter's gradient and moments alike laid
    /// out, as <c>zeros_like</c> and autograd make them); <paramref name="step"/> is t, counted from 1.
    /// </summary>
    public static void Step(Tensor[] parameters, Tensor[] grads, Tensor[] expAvgs, Tensor[] expAvgSqs, long step,
        double learningRate, double beta1, double beta2, double epsilon)
    {
        if (parameters.Length == 0) return;
        using var _ = no_grad();
        // The kernel reads t from one tensor per parameter (PyTorch keeps a step count per parameter); ours is shared.
        using var t = tensor((float)step, device: parameters[0].device);
        var steps = Enumerable.Repeat(t, parameters.Length).ToArray();
        // Scalars this method owns, not doubles: TorchSharp 0.107 turns a double argument into a temporary Scalar and
        // keeps only its native handle, so a garbage collection before the call can finalize it and free what the call
        // then reads ("Expected false to be true" from c10::Scalar::toLong, seen once in CI on a notebook's training cell).
        using var lr = learningRate.ToScalar();
        using var b1 = beta1.ToScalar();
        using var b2 = beta2.ToScalar();
        using var eps = epsilon.ToScalar();
        Unit.Value.invoke("adam", parameters, grads, expAvgs, expAvgSqs, steps, lr, b1, b2, eps);
    }
}
