using SrganWorkbench.Imaging;
using SrganWorkbench.Losses;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Losses;

/// <summary>The chroma loss sees colour only: zero for a grey residual, the Cb/Cr of MATLAB's rgb2ycbcr otherwise.</summary>
public class ChromaLossTests
{
    [Fact]
    public void A_grey_residual_costs_nothing_and_colour_costs_its_cb_and_cr_squared()
    {
        using var scope = NewDisposeScope();
        // A real image (Set5 bird, [-1,1]) as HR; SR = HR + the same offset in R, G and B: no colour change, no loss.
        var hr = ImageTensor.ToTensor(ImageFile.Read(SharedData.Path_("Set5", "HR", "bird.png"))).unsqueeze(0).mul(2).sub(1);
        var grey = hr.add(rand_like(hr.narrow(1, 0, 1)).mul(0.3)); // one random value per pixel, added to all three channels
        Assert.True(ChromaLoss.Compute(grey, hr).item<float>() < 1e-10);
        Assert.True(PixelLoss.Compute(grey, hr).item<float>() > 1e-3); // while the pixel MSE sees it
        // A pure red offset of 0.1 everywhere: Cb = -37.797/255 x 0.1, Cr = 112/255 x 0.1, the loss their mean square.
        var red = hr.clone();
        red.narrow(1, 0, 1).add_(0.1);
        double cb = -37.797 / 255 * 0.1, cr = 112.0 / 255 * 0.1;
        Assert.Equal((cb * cb + cr * cr) / 2, ChromaLoss.Compute(red, hr).item<float>(), 6);
        // Colour speckle (independent noise per channel) is seen.
        var speckle = hr.add(randn_like(hr).mul(0.05));
        Assert.True(ChromaLoss.Compute(speckle, hr).item<float>() > 1e-4);
    }

    [Fact]
    public void Its_gradient_moves_colour_and_never_a_pixels_grey_level()
    {
        using var scope = NewDisposeScope();
        var hr = ImageTensor.ToTensor(ImageFile.Read(SharedData.Path_("Set5", "HR", "baby.png"))).unsqueeze(0).mul(2).sub(1).narrow(2, 0, 64).narrow(3, 0, 64);
        var sr = hr.add(randn_like(hr).mul(0.05)).detach().requires_grad_(true);
        ChromaLoss.Compute(sr, hr).backward();
        // Cb and Cr vanish on grey (R = G = B), so the gradient is orthogonal to it: R + G + B of the gradient is 0 at
        // every pixel, while the gradient itself is not.
        var g = sr.grad!;
        double largest = g.abs().max().item<float>(), greyPart = g.sum(1).abs().max().item<float>();
        Assert.True(largest > 0);
        Assert.True(greyPart < 1e-5 * largest, $"grey part of the gradient {greyPart} (gradient up to {largest})");
    }
}
