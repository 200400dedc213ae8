using static TorchSharp.torch;

namespace SrganWorkbench.Losses;

/// <summary>
/// The grid a 4x sub-pixel generator paints when a perceptual loss rewards high frequencies (issue 14,
/// results/srgan-vgg22-cpu/README.md): the same offset at the same place in every 4x4 cell. This loss is the pixel
/// MSE restricted to that pattern: in each <c>window</c> x <c>window</c> tile, SR - HR averaged over the tile's cells at each of
/// the period x period phases, less the tile's mean, squared and averaged. It is zero for any residual without a
/// phase-locked part (HR's own fine texture is not phase-locked to the LR grid, so real texture costs nothing here),
/// and it sees period 2 as well (those patterns are period 4 too). On a 96 px crop: 36 tiles x 16 phases x 3 channels.
/// </summary>
public static class GridLoss
{
    public static Tensor Compute(Tensor sr, Tensor hr, int period = 4, int window = 16)
    {
        long n = sr.shape[0], c = sr.shape[1], h = sr.shape[2], w = sr.shape[3];
        if (h % window != 0 || w % window != 0 || window % period != 0)
            throw new ArgumentException($"GridLoss: a {h}x{w} image does not split into {window} px tiles of {period} px cells.");
        using var scope = NewDisposeScope();
        var residual = sr.sub(hr).contiguous(); // channels-last SR would not view as tiles
        var cells = residual.view(n, c, h / window, window / period, period, w / window, window / period, period);
        var phases = cells.mean([3, 6]);                         // [n, c, tilesY, period, tilesX, period]
        var pattern = phases.sub(phases.mean([3, 5], keepdim: true));
        return pattern.mul(pattern).mean().MoveToOuterDisposeScope();
    }
}
