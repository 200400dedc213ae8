using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;
using SrganWorkbench.Metrics;
using SrganWorkbench.Models;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Inference;

public class UpscalerTests(ITestOutputHelper output)
{
    static string PeerWeights => Path.Combine(SharedData.Root, "..", "weights", "leftthomas-srgan-x4", "netG_epoch_4_100.safetensors");
    static RgbImage Baby => ImageFile.Read(SharedData.Path_("extra", "matlab_bicubic_x4", "Set5", "baby.png"));

    [Fact]
    public void Tiles_blend_into_the_whole_image_result_without_seams()
    {
        var model = PeerModels.LoadLeftThomas(PeerWeights);
        var whole = new ModelUpscaler(model, "whole").Upscale(Baby);
        var tiled = new ModelUpscaler(model, "tiled", tiles: new TileOptions(48, 16)).Upscale(Baby);
        Assert.Equal((512, 512), (tiled.Width, tiled.Height));
        double psnr = Psnr.Compute(tiled, whole, new MetricOptions { Channel = MetricChannel.Rgb, CropBorder = 0 });
        int max = tiled.Pixels.Zip(whole.Pixels, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"tiled (48 px, overlap 16) vs whole: PSNR {psnr:F1} dB, max |diff| {max}");
        Assert.True(psnr > 50, $"tiled output should equal the whole-image output up to rounding near seams: {psnr:F1} dB");

        // Without overlap, the seams show: the blend is what removes them.
        var hard = new ModelUpscaler(model, "hard", tiles: new TileOptions(48, 0)).Upscale(Baby);
        Assert.True(Psnr.Compute(hard, whole, new MetricOptions { Channel = MetricChannel.Rgb, CropBorder = 0 }) < psnr);
    }

    [Fact]
    public void Bad_tiles_and_tiny_images_are_refused()
    {
        var model = new SRResNet(new GeneratorOptions { Blocks = 1, Channels = 8 });
        Assert.Contains("twice --overlap", Assert.Throws<ArgumentException>(() => new ModelUpscaler(model, "m", tiles: new TileOptions(32, 16)).Upscale(Baby)).Message);
        Assert.Contains("too small", Assert.Throws<ArgumentException>(() => new ModelUpscaler(model, "m").Upscale(new RgbImage(4, 30))).Message);
        // An image smaller than the tile is simply processed whole.
        Assert.Equal((40, 32), (new ModelUpscaler(model, "m", tiles: new TileOptions(64, 8)).Upscale(new RgbImage(10, 8)) is var r ? (r.Width, r.Height) : default));
    }

    [Fact]
    public void Histogram_matching_maps_onto_the_reference_distribution()
    {
        var image = TestImagesForInference.Gradient(64, 48, 0);
        Assert.Equal(image.Pixels, HistogramMatch.ToReference(image, image).Pixels);
        var brighter = TestImagesForInference.Gradient(64, 48, 40);
        var matched = HistogramMatch.ToReference(image, brighter);
        double Mean(RgbImage x) => x.Pixels.Average(v => (double)v);
        Assert.Equal(Mean(brighter), Mean(matched), 0);
    }
}

static class TestImagesForInference
{
    public static RgbImage Gradient(int w, int h, int offset)
    {
        var image = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++) image[y, x, c] = (byte)Math.Min(255, x * 3 + offset);
        return image;
    }
}
