using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Models;

/// <summary>
/// Re-initialises a module's convolution and linear layers as PyTorch does by default
/// (weights and biases uniform in +-1/sqrt(fan_in), fan_in = size(1) x kernel area), drawing
/// from a private generator seeded by the run: the initial weights depend on the seed alone,
/// not on whatever else in the process has used torch's global random generator. Batch norm
/// (1, 0) and PReLU (0.25) keep their constant defaults.
/// </summary>
public static class ModelInit
{
    public static void Reset(nn.Module module, long seed)
    {
        using var _ = no_grad();
        using var generator = new Generator((ulong)seed);
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!name.EndsWith(".weight", StringComparison.Ordinal) || p.dim() < 2) continue;
            double fanIn = p.shape[1] * p.shape.Skip(2).Aggregate(1L, (a, b) => a * b);
            double bound = 1 / Math.Sqrt(fanIn);
            using (var u = rand(p.shape, generator: generator)) p.copy_(u.mul(2 * bound).sub(bound));
            string biasName = name[..^".weight".Length] + ".bias";
            if (parameters.TryGetValue(biasName, out var bias))
                using (var u = rand(bias.shape, generator: generator)) bias.copy_(u.mul(2 * bound).sub(bound));
        }
    }
}
