using static TorchSharp.torch;

namespace SrganWorkbench.Speed;

/// <summary>
/// A 9x9 convolution of PixelShuffle(2)'s output equals a 5x5 convolution of its input to four times
/// the maps, followed by PixelShuffle(2). For output pixel (2y+p, 2x+q) and tap dy, p + dy = 2m + i
/// picks low-resolution row y+m and sub-row i, so
/// <c>W'[4o+2p+q, 4c+2i+j, m+2, n+2] = W[o, c, 2m+i-p+4, 2n+j-q+4]</c> where that tap exists, else 0;
/// zero padding 4 at the high resolution is zero padding 2 at the low one.
///
/// Why: SRResNet's output convolution has 3 maps, which oneDNN runs at ~50 GFLOP/s on this CPU
/// (vectorised over output maps); the fused one has 12 maps and 4x the input maps and runs at ~160
/// (in equivalent work), and the 64-map full-resolution tensor before it is never made. The
/// construction is an index_select, so it is differentiable: training uses it too.
/// </summary>
public static class SubPixelFusion
{
    /// <summary>The output convolution's kernel size this construction is for (the paper's 9x9).</summary>
    public const int Kernel = 9;
    const int K = Kernel, FusedK = 5;

    /// <summary>[O, C, 9, 9] -> [4O, 4C, 5, 5], differentiable in <paramref name="weight"/>.</summary>
    public static Tensor Weight(Tensor weight)
    {
        if (weight.dim() != 4 || weight.shape[2] != K || weight.shape[3] != K)
            throw new ArgumentException($"expected a 9x9 convolution weight, got [{string.Join(", ", weight.shape)}]");
        using var scope = NewDisposeScope();
        long o = weight.shape[0], c = weight.shape[1];
        // The 81 taps, then one zero for the positions no tap reaches.
        var taps = cat([weight.reshape(o, c, K * K), zeros(o, c, 1, dtype: weight.dtype, device: weight.device)], 2);
        var picked = taps.index_select(2, Taps(weight.device));   // [O, C, (p,q), (i,j), m, n] flattened
        return ChannelsLast.Of(picked.view(o, c, 4, 4, FusedK, FusedK).permute(0, 2, 1, 3, 4, 5).reshape(4 * o, 4 * c, FusedK, FusedK))
            .MoveToOuterDisposeScope();
    }

    /// <summary>Each output map's bias, for its four sub-pixels.</summary>
    public static Tensor Bias(Tensor bias) => bias.repeat_interleave(4);

    /// <summary>PReLU slopes moved before PixelShuffle: a per-map slope goes to the 4 maps interleaved into that map.</summary>
    public static Tensor Slope(Tensor slope) => slope.numel() == 1 ? slope : slope.repeat_interleave(4);

    /// <summary>For each (p,q), (i,j), m, n: the 9x9 tap index, or 81 (the zero) where there is none.</summary>
    static Tensor Taps(Device device)
    {
        var index = new long[4 * 4 * FusedK * FusedK];
        int at = 0;
        for (int p = 0; p < 2; p++)
        for (int q = 0; q < 2; q++)
        for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
        for (int m = -2; m <= 2; m++)
        for (int n = -2; n <= 2; n++)
        {
            int ky = 2 * m + i - p + 4, kx = 2 * n + j - q + 4;
            index[at++] = ky is >= 0 and < K && kx is >= 0 and < K ? ky * K + kx : K * K;
        }
        return tensor(index, device: device);
    }
}
