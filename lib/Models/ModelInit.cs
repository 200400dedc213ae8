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

    /// <summary>
    /// ICNR (Aitken et al. 2017, "Checkerboard artifact free sub-pixel convolution"): each sub-pixel conv's 4C output
    /// maps are set so that the four maps PixelShuffle(2) interleaves into one output channel (c*4 .. c*4+3) share
    /// one kernel, drawn as PyTorch's default for a C-map conv. The stage then starts as nearest-neighbour upsampling
    /// followed by a conv, with no phase-dependent (checkerboard) pattern; training may still separate the phases.
    /// </summary>
    public static void Icnr(SRResNet g, long seed)
    {
        using var _ = no_grad();
        using var generator = new Generator((ulong)seed);
        foreach (var stage in g.Upsample)
        {
            var conv = (TorchSharp.Modules.Conv2d)stage.Conv;
            var w = conv.weight!;
            long outMaps = w.shape[0], inMaps = w.shape[1], k = w.shape[2];
            if (outMaps % 4 != 0) throw new ArgumentException($"ICNR needs a sub-pixel conv with 4x its output channels; this one has {outMaps}.");
            double bound = 1 / Math.Sqrt(inMaps * k * k);
            using var kernel = rand([outMaps / 4, inMaps, k, k], generator: generator).mul_(2 * bound).sub_(bound);
            using var repeated = kernel.repeat_interleave(4, 0);
            w.copy_(repeated);
            if (conv.bias is { } b)
            {
                using var bias = rand([outMaps / 4], generator: generator).mul_(2 * bound).sub_(bound);
                using var rb = bias.repeat_interleave(4, 0);
                b.copy_(rb);
            }
        }
    }
}
