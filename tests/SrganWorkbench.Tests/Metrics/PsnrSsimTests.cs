using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;
using SrganWorkbench.Tests.Imaging;

namespace SrganWorkbench.Tests.Metrics;

public class PsnrSsimTests
{
    static readonly MetricOptions Rgb = new() { Channel = MetricChannel.Rgb, CropBorder = 0 };

    [Fact]
    public void Psnr_of_a_known_error()
    {
        var a = TestImagesFor.Flat(20, 20, 100);
        var b = TestImagesFor.Flat(20, 20, 102);
        Assert.Equal(10 * Math.Log10(255.0 * 255 / 4), Psnr.Compute(a, b, Rgb), 10);
        Assert.Equal(double.PositiveInfinity, Psnr.Compute(a, a.Clone(), Rgb));
    }

    [Fact]
    public void Border_is_removed_before_scoring()
    {
        var a = TestImagesFor.Flat(20, 20, 100);
        var b = a.Clone();
        b[0, 0, 0] = 0; // an error in the border only
        Assert.Equal(double.PositiveInfinity, Psnr.Compute(a, b, Rgb with { CropBorder = 4 }));
        Assert.True(double.IsFinite(Psnr.Compute(a, b, Rgb)));
    }

    [Fact]
    public void Y_channel_uses_matlab_luma()
    {
        // Grey 100 vs grey 110: Y differs by round(16 + 0.859*110) - round(16 + 0.859*100).
        var a = TestImagesFor.Flat(20, 20, 100);
        var b = TestImagesFor.Flat(20, 20, 110);
        double dy = ColorSpace.Luma(b)[0] - ColorSpace.Luma(a)[0];
        Assert.Equal(10 * Math.Log10(255.0 * 255 / (dy * dy)), Psnr.Compute(a, b, MetricOptions.Paper()), 10);
    }

    [Fact]
    public void Ssim_equals_a_direct_two_dimensional_computation()
    {
        var a = TestImages.Pattern(40, 33, seed: 3);
        var b = TestImages.Pattern(40, 33, seed: 4);
        var pa = Plane.FromImage(a, MetricOptions.Paper())[0];
        var pb = Plane.FromImage(b, MetricOptions.Paper())[0];
        Assert.Equal(DirectSsim(pa, pb), Ssim.Compute(pa, pb), 12);
    }

    [Fact]
    public void Ssim_is_one_for_identical_images_symmetric_and_falls_with_noise()
    {
        var hr = ImageFile.Read(Path.Combine(SharedData.Set("Set5"), "butterfly.png"));
        Assert.Equal(1.0, Ssim.Compute(hr, hr.Clone()), 12);
        var blurred = MatlabResize.Resize(MatlabResize.Resize(hr, 0.5), 2);
        var worse = MatlabResize.Resize(MatlabResize.Resize(hr, 0.25), 4);
        double s1 = Ssim.Compute(blurred, hr), s2 = Ssim.Compute(worse, hr);
        Assert.Equal(s1, Ssim.Compute(hr, blurred), 12);
        Assert.True(1 > s1 && s1 > s2, $"SSIM should fall with more degradation: {s1} vs {s2}");
    }

    [Fact]
    public void Size_mismatch_and_tiny_images_are_refused()
    {
        Assert.Contains("differ in size", Assert.Throws<ArgumentException>(() => Psnr.Compute(TestImagesFor.Flat(10, 10, 0), TestImagesFor.Flat(12, 10, 0))).Message);
        Assert.Contains("too small", Assert.Throws<ArgumentException>(() => Psnr.Compute(TestImagesFor.Flat(8, 8, 0), TestImagesFor.Flat(8, 8, 0))).Message);
        Assert.Contains("at least 11x11", Assert.Throws<ArgumentException>(() => Ssim.Compute(TestImagesFor.Flat(16, 16, 0), TestImagesFor.Flat(16, 16, 0))).Message);
    }

    /// <summary>Wang et al.'s formula, written out with a full 2-D window and no shortcuts.</summary>
    static double DirectSsim(Plane x, Plane y)
    {
        var w = new double[11, 11];
        double total = 0;
        for (int i = 0; i < 11; i++)
            for (int j = 0; j < 11; j++) total += w[i, j] = Math.Exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5));
        double c1 = Math.Pow(0.01 * 255, 2), c2 = Math.Pow(0.03 * 255, 2), sum = 0;
        int n = 0;
        for (int r = 0; r + 11 <= x.Height; r++)
            for (int c = 0; c + 11 <= x.Width; c++)
            {
                double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
                for (int i = 0; i < 11; i++)
                    for (int j = 0; j < 11; j++)
                    {
                        double k = w[i, j] / total, a = x[r + i, c + j], b = y[r + i, c + j];
                        mx += k * a; my += k * b; sxx += k * a * a; syy += k * b * b; sxy += k * a * b;
                    }
                sxx -= mx * mx; syy -= my * my; sxy -= mx * my;
                sum += (2 * mx * my + c1) * (2 * sxy + c2) / ((mx * mx + my * my + c1) * (sxx + syy + c2));
                n++;
            }
        return sum / n;
    }
}

static class TestImagesFor
{
    public static RgbImage Flat(int w, int h, byte value)
    {
        var image = new RgbImage(w, h);
        Array.Fill(image.Pixels, value);
        return image;
    }
}
