using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Imaging;

/// <summary>Our imresize against independent data: the MATLAB-made 4x LR images of Set5 and Set14.</summary>
public class MatlabResizeTests(ITestOutputHelper output)
{
    static IEnumerable<(string Set, string Hr, string MatlabLr)> Pairs() =>
        new[] { "Set5", "Set14" }.SelectMany(set =>
            Directory.GetFiles(SharedData.Set(set), "*.png").OrderBy(f => f).Select(f =>
                (set, f, SharedData.Path_("extra", "matlab_bicubic_x4", set, Path.GetFileName(f)))));

    static (int Max, double Mean) Difference(RgbImage a, RgbImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        int max = 0;
        long sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++)
        {
            int d = Math.Abs(a.Pixels[i] - b.Pixels[i]);
            max = Math.Max(max, d);
            sum += d;
        }
        return (max, (double)sum / a.Pixels.Length);
    }

    [Fact]
    public void Bicubic_downscale_matches_the_matlab_files_bit_for_bit()
    {
        int images = 0;
        foreach (var (set, hrPath, lrPath) in Pairs())
        {
            var hr = ImageFile.Read(hrPath).ModCrop(4);
            var ours = MatlabResize.Resize(hr, 0.25);
            var (max, mean) = Difference(ours, ImageFile.Read(lrPath));
            output.WriteLine($"{set}/{Path.GetFileName(hrPath)}: max |diff| {max}, mean |diff| {mean:F6}");
            Assert.Equal(0, max);
            images++;
        }
        Assert.Equal(19, images);
    }

    [Fact]
    public void The_matlab_conventions_matter()
    {
        // Each convention we follow is visible in the data: change one and the files no longer match.
        var (_, hrPath, lrPath) = Pairs().First(p => p.Hr.EndsWith("baby.png"));
        var hr = ImageFile.Read(hrPath).ModCrop(4);
        var matlab = ImageFile.Read(lrPath);
        var symmetric = Difference(MatlabResize.Resize(hr, 0.25, ResizeKernel.Bicubic, ResizeBorder.Symmetric), matlab);
        var unrounded = Difference(MatlabResize.ResizeWithoutIntermediateRounding(hr, 0.25, ResizeKernel.Bicubic, ResizeBorder.Replicate), matlab);
        output.WriteLine($"symmetric borders: max {symmetric.Max}, mean {symmetric.Mean:F4}; no rounding between passes: max {unrounded.Max}, mean {unrounded.Mean:F4}");
        Assert.True(symmetric.Max > 0);
        Assert.True(unrounded.Max > 0);
    }

    [Fact]
    public void Upscaling_matlab_lr_and_our_lr_gives_the_same_psnr()
    {
        foreach (var set in new[] { "Set5", "Set14" })
        {
            var pairs = Pairs().Where(p => p.Set == set).ToList();
            double ours = pairs.Average(p =>
            {
                var hr = ImageFile.Read(p.Hr).ModCrop(4);
                return Psnr.Compute(MatlabResize.Resize(MatlabResize.Resize(hr, 0.25), 4), hr);
            });
            double theirs = pairs.Average(p =>
            {
                var hr = ImageFile.Read(p.Hr).ModCrop(4);
                return Psnr.Compute(MatlabResize.Resize(ImageFile.Read(p.MatlabLr), 4), hr);
            });
            output.WriteLine($"{set}: bicubic PSNR from our LR {ours:F4} dB, from MATLAB's LR {theirs:F4} dB");
            Assert.InRange(Math.Abs(ours - theirs), 0, 0.01);
        }
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(4.0)]
    [InlineData(1.0 / 3)]
    public void Weights_of_every_output_sample_sum_to_one(double scale)
    {
        int inLength = 37;
        var c = MatlabResize.GetContributions(inLength, MatlabResize.OutputLength(inLength, scale), scale, ResizeKernel.Bicubic);
        for (int i = 0; i < c.OutLength; i++)
        {
            double sum = 0;
            for (int t = 0; t < c.Taps; t++)
            {
                sum += c.Weights[i * c.Taps + t];
                Assert.InRange(c.Indices[i * c.Taps + t], 0, inLength - 1);
            }
            Assert.Equal(1.0, sum, 12);
        }
    }

    [Fact]
    public void Cubic_kernel_is_keys_with_a_minus_half()
    {
        Assert.Equal(1.0, MatlabResize.Cubic(0));
        Assert.Equal(0.0, MatlabResize.Cubic(1));
        Assert.Equal(0.0, MatlabResize.Cubic(2));
        Assert.Equal(0.0, MatlabResize.Cubic(2.5));
        Assert.Equal(-0.0625, MatlabResize.Cubic(1.5), 12); // -0.5*3.375 + 2.5*2.25 - 4*1.5 + 2
        Assert.Equal(0.5625, MatlabResize.Cubic(-0.5), 12);  // 1.5*0.125 - 2.5*0.25 + 1
    }

    [Fact]
    public void Nearest_upscale_repeats_each_pixel()
    {
        var lr = TestImages.Pattern(7, 5);
        var up = MatlabResize.Resize(lr, 4, ResizeKernel.Nearest);
        Assert.Equal((28, 20), (up.Width, up.Height));
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 28; x++)
                for (int c = 0; c < 3; c++) Assert.Equal(lr[y / 4, x / 4, c], up[y, x, c]);
    }

    [Theory]
    [InlineData(0.25, 3, 5, 8, 6)]
    [InlineData(0.25, 0, 0, 24, 24)]
    [InlineData(0.25, 16, 10, 8, 12)]
    [InlineData(4.0, 30, 2, 20, 17)]
    public void A_region_equals_the_same_crop_of_the_whole_resize(double scale, int x, int y, int w, int h)
    {
        var image = ImageFile.Read(Path.Combine(SharedData.Set("Set5"), "bird.png")).Crop(40, 60, 96, 112);
        var whole = MatlabResize.Resize(image, scale);
        var region = MatlabResize.ResizeRegion(image, scale, x, y, w, h);
        Assert.Equal(whole.Crop(x, y, w, h).Pixels, region.Pixels);
    }

    [Fact]
    public void Non_square_scales_follow_matlab_order_and_sizes()
    {
        var image = TestImages.Pattern(30, 20);
        var resized = MatlabResize.Resize(image, 45, 10);
        Assert.Equal((45, 10), (resized.Width, resized.Height));
        Assert.Equal((8, 5), (MatlabResize.Resize(image, 0.25).Width, MatlabResize.Resize(image, 0.25).Height)); // ceil(7.5), ceil(5)
    }

    [Fact]
    public void Float_resize_does_not_round()
    {
        var samples = new double[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8 };
        var half = MatlabResize.Resize(samples, 8, 1, 1, 0.5);
        Assert.Equal(4, half.Length);
        Assert.Contains(half, v => Math.Abs(v * 255 - Math.Round(v * 255)) > 1e-6);
    }
}
