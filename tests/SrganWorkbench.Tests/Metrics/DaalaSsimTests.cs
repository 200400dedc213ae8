using System.Security.Cryptography;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;

namespace SrganWorkbench.Tests.Metrics;

/// <summary>
/// <see cref="DaalaSsim"/> against xiph/daala's own tools at commit 8d03668, built here
/// (<c>gcc -O2 -o png2y4m png2y4m.c kiss99.c -lpng</c>; <c>gcc -O2 -o dump_ssim dump_ssim.c vidinput.c y4m_input.c -lm -logg</c>).
/// The reference numbers below were made by: HR modcropped to 4 then a 4-px border cut (SR: the border cut) and
/// written as PNG; <c>png2y4m -o x.y4m x.png</c> for both; <c>dump_ssim -r -s sr.y4m hr.y4m</c>, which prints
/// "Total: combined (Y': y  Cb: cb  Cr: cr)" to 6 significant digits. SR: our nearest/bicubic of the
/// MATLAB-exact bicubic LR (what <c>srgan eval --save-images</c> writes).
/// </summary>
public class DaalaSsimTests
{
    static RgbImage Hr(string set, string name) => ImageFile.Read(Path.Combine(SharedData.Set(set), name)).ModCrop(4);

    static RgbImage Sr(RgbImage hr, ResizeKernel kernel) =>
        new InterpolationUpscaler(kernel).Upscale(Degradation.Parse("bicubic", 4).Apply(hr));

    [Fact]
    public void Y_and_chroma_planes_equal_png2y4m_byte_for_byte()
    {
        // baby.png, modcropped, 4-px border cut (504x504): sha256 and sum of the Y4M's Y' and Cb planes.
        var hr = Hr("Set5", "baby.png");
        var planes = DaalaYCbCr.FromRgb(hr.Crop(4, 4, hr.Width - 8, hr.Height - 8));
        Assert.Equal(34289288, planes.Y.Sum(v => (long)v));
        Assert.Equal("92c344f61291219a970a0a43908ea4d290d6cfc658c115b96aaeb5d9c5779d6b", Convert.ToHexStringLower(SHA256.HashData(planes.Y)));
        Assert.Equal(7209723, planes.Cb.Sum(v => (long)v));
        Assert.Equal("f1f507fe96faa24a0f03b755f5e09ad4882054349218d523a8252c7d733ba3b0", Convert.ToHexStringLower(SHA256.HashData(planes.Cb)));
    }

    [Theory]
    // image, kernel, dump_ssim's Y', Cb, Cr
    [InlineData("Set5", "baby.png", ResizeKernel.Nearest, 0.853308, 0.977146, 0.979739)]
    [InlineData("Set5", "butterfly.png", ResizeKernel.Nearest, 0.632659, 0.920633, 0.947192)]
    [InlineData("Set5", "baby.png", ResizeKernel.Bicubic, 0.893794, 0.985607, 0.988484)]
    [InlineData("Set5", "butterfly.png", ResizeKernel.Bicubic, 0.728009, 0.976549, 0.971032)]
    [InlineData("Set14", "bridge.png", ResizeKernel.Bicubic, 0.662537, 1, 1)] // the 1-channel grey file
    public void Equals_dump_ssim_on_images(string set, string name, ResizeKernel kernel, double y, double cb, double cr)
    {
        var hr = Hr(set, name);
        var s = DaalaSsim.ComputePlanes(Sr(hr, kernel), hr, cropBorder: 4);
        Assert.Equal(y, s.Y, 6);
        Assert.Equal(cb, s.Cb, 6);
        Assert.Equal(cr, s.Cr, 6);
        Assert.Equal(s.Y, DaalaSsim.Compute(Sr(hr, kernel), hr));
    }

    /// <summary>Set14's 1-channel bridge.png scored on its raw grey values (a Y4M whose Y' is the grey value, made by a
    /// 20-line libpng program; <c>dump_ssim -r -s -y</c>): 0.612259 nearest, 0.648125 bicubic, against 0.627168 and
    /// 0.662537 through png2y4m. That would put Set14 at 0.6989 / 0.7476, off the paper's 0.7100 / 0.7486, which
    /// the png2y4m path gives exactly: for SSIM the paper converted the grey file like the colour ones.</summary>
    [Theory]
    [InlineData(ResizeKernel.Nearest, 0.612259)]
    [InlineData(ResizeKernel.Bicubic, 0.648125)]
    public void Bridge_on_raw_grey_values_equals_dump_ssim(ResizeKernel kernel, double expected)
    {
        var hr = Hr("Set14", "bridge.png");
        var sr = Sr(hr, kernel);
        int w = hr.Width - 8, h = hr.Height - 8;
        byte[] Grey(RgbImage image) => [.. Enumerable.Range(0, w * h).Select(i => image[4 + i / w, 4 + i % w, 0])];
        Assert.Equal(expected, DaalaSsim.Compute(Grey(sr), Grey(hr), w, h), 6);
    }

    [Fact]
    public void Identical_images_score_one_and_the_window_grows_with_the_height()
    {
        var hr = Hr("Set5", "bird.png");
        Assert.Equal(1.0, DaalaSsim.Compute(hr, hr.Clone()), 12);
        // sigma 1.5 (a 256-line plane): taps to +-4, summing to 256; sigma 3 (512 lines): +-8.
        var k = DaalaSsim.Kernel(1.5, 256);
        Assert.Equal(9, k.Length);
        Assert.Equal(256, k.Sum());
        Assert.Equal(k, k.Reverse());
        Assert.Equal(17, DaalaSsim.Kernel(3, 512).Length);
        Assert.Equal(5, DaalaSsim.Kernel(3, 3).Length); // at most min(W, H) - 1 either side
    }
}
