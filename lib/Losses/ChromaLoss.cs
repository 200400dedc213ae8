using SrganWorkbench.Imaging;
using SrganWorkbench.Speed;
using static TorchSharp.torch;

namespace SrganWorkbench.Losses;

/// <summary>
/// The pixel MSE of the colour alone: SR - HR taken to Cb and Cr (MATLAB's rgb2ycbcr rows, BT.601; no offset, on the
/// images' own scale), squared and averaged. Luma is left to the other terms. Why: a perceptual loss that rewards high
/// frequencies gets them most cheaply as single red, green and blue pixels, colour speckle that no photograph has
/// (issue 14: on Set14's grey bridge and coastguard's water it is most of the gap in LPIPS to the TensorLayer peer).
/// People see colour at far lower resolution than brightness, so pulling colour toward HR costs the texture nothing
/// that shows, while the VGG and adversarial terms keep working on luma. Zero for a residual without colour (equal R, G, B).
/// </summary>
public static class ChromaLoss
{
    public static Tensor Compute(Tensor sr, Tensor hr)
    {
        using var scope = NewDisposeScope();
        var rows = ColorSpace.ChromaRows;
        using var weight = tensor(new float[] { (float)rows[0, 0], (float)rows[0, 1], (float)rows[0, 2], (float)rows[1, 0], (float)rows[1, 1], (float)rows[1, 2] },
            [2, 3, 1, 1], dtype: sr.dtype, device: sr.device);
        // [n, 2, h, w]: Cb and Cr of the residual, channels-last (2 output channels: wrong gradients NCHW on some CPUs, ChannelsLast.cs)
        var chroma = nn.functional.conv2d(ChannelsLast.Of(sr.sub(hr)), weight);
        return chroma.square().mean().MoveToOuterDisposeScope();
    }
}
