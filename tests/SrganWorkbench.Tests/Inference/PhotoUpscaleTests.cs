using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;
using SrganWorkbench.Tests.Imaging;

namespace SrganWorkbench.Tests.Inference;

/// <summary>
/// Upscaling photos of every kind with the committed SRResNet (results/srresnet-cpu-continued, the model of the issue's
/// report) on crops of Set14: what comes out is the kind of photo that went in, and each part of it is what it should
/// be: the network's colour, MATLAB's bicubic alpha, rgb2gray of the network's RGB for grey, 16-bit precision.
/// </summary>
public class PhotoUpscaleTests
{
    static readonly Lazy<ModelUpscaler> Model = new(() =>
        TrainedModel.Load(Path.Combine(DataRoot.RepositoryRoot(), "results", "srresnet-cpu-continued")).Upscaler);

    [Fact]
    public void Alpha_is_matlab_bicubic_and_colour_is_the_network_s()
    {
        var baboon = PhotoReadingTests.Baboon(32, 24);
        int n = 32 * 24;
        var alpha = new RgbImage(32, 24); // a transparent disc and a soft edge, in all three channels for MatlabResize
        for (int y = 0; y < 24; y++)
            for (int x = 0; x < 32; x++)
            {
                double r = Math.Sqrt((x - 10) * (x - 10) + (y - 12) * (y - 12));
                byte a = (byte)Math.Clamp((r - 6) * 40, 0, 255);
                for (int c = 0; c < 3; c++) alpha[y, x, c] = a;
            }
        var samples = new ushort[n * 4];
        for (int p = 0; p < n; p++)
        {
            for (int c = 0; c < 3; c++) samples[p * 4 + c] = baboon.Pixels[p * 3 + c];
            samples[p * 4 + 3] = alpha.Pixels[p * 3];
        }

        var sr = Model.Value.Upscale(new Photo(32, 24, 4, 8, samples));
        Assert.Equal((128, 96, 4, 8), (sr.Width, sr.Height, sr.Channels, sr.BitDepth));
        var expectedAlpha = MatlabResize.Resize(alpha, 4);
        Assert.Equal(expectedAlpha.Pixels.Where((_, i) => i % 3 == 0).Select(v => (ushort)v), sr.Alpha()!);
        Assert.Contains(sr.Alpha()!, v => v == 0);
        Assert.Contains(sr.Alpha()!, v => v is > 0 and < 255);
        var colour = Model.Value.Upscale(baboon);
        Assert.Equal(colour.Pixels.Select(v => (ushort)v), sr.Rgb());
    }

    [Fact]
    public void Grey_in_grey_out_by_rgb2gray_of_the_network_s_rgb()
    {
        // Set14's bridge is stored grey.
        var bridge = ImageFile.ReadPhoto(SharedData.Path_("Set14", "HR", "bridge.png"));
        Assert.Equal(1, bridge.Channels);
        var crop = new ushort[32 * 24];
        for (int y = 0; y < 24; y++)
            for (int x = 0; x < 32; x++) crop[y * 32 + x] = bridge.Samples[(100 + y) * bridge.Width + 150 + x];

        var sr = Model.Value.Upscale(new Photo(32, 24, 1, 8, crop));
        Assert.Equal((128, 96, 1, 8), (sr.Width, sr.Height, sr.Channels, sr.BitDepth));
        // The same picture as RGB through the network, then MATLAB's rgb2gray (its weights, written out here).
        var rgb = new RgbImage(32, 24);
        for (int p = 0; p < crop.Length; p++) for (int c = 0; c < 3; c++) rgb.Pixels[p * 3 + c] = (byte)crop[p];
        var colour = Model.Value.Upscale(rgb);
        var expected = new ushort[128 * 96];
        for (int p = 0; p < expected.Length; p++)
            expected[p] = (ushort)Math.Round(0.298936021293775 * colour.Pixels[3 * p] + 0.587043074451121 * colour.Pixels[3 * p + 1]
                + 0.114020904255103 * colour.Pixels[3 * p + 2], MidpointRounding.AwayFromZero);
        Assert.Equal(expected, sr.Samples);
        Assert.True(sr.Samples.Distinct().Count() > 100, "a real upscale, not a flat image");
    }

    [Fact]
    public void Sixteen_bits_in_sixteen_bits_out()
    {
        var baboon = PhotoReadingTests.Baboon(32, 24);
        // 16-bit samples that are the 8-bit ones exactly (v * 257): the network sees the same numbers, so its output
        // rounded to 8 bits is the 8-bit upscale; kept at 16 bits, it holds levels 8 bits cannot.
        var sr = Model.Value.Upscale(new Photo(32, 24, 3, 16, Array.ConvertAll(baboon.Pixels, v => (ushort)(v * 257))));
        Assert.Equal((128, 96, 3, 16), (sr.Width, sr.Height, sr.Channels, sr.BitDepth));
        var eight = Model.Value.Upscale(baboon);
        int[] difference = sr.Samples.Zip(eight.Pixels, (a, b) => Math.Abs(RgbImage.RoundToByte(a / 257.0) - b)).ToArray();
        Assert.True(difference.Max() <= 1, $"16-bit output rounded to 8 bits differs from the 8-bit output by {difference.Max()} levels");
        // Only where the network's output lies within half a 16-bit level of an 8-bit rounding boundary (about 0.4%).
        Assert.True(difference.Count(d => d > 0) < difference.Length / 100, $"{difference.Count(d => d > 0)} samples differ after rounding");
        double between = sr.Samples.Count(v => v % 257 != 0) / (double)sr.Samples.Length;
        Assert.True(between > 0.9, $"only {between:P0} of the 16-bit samples lie between 8-bit levels: precision was lost");

        // Grey + alpha at 16 bits: both kept.
        var greyAlpha = new ushort[32 * 24 * 2];
        for (int p = 0; p < 32 * 24; p++) { greyAlpha[2 * p] = (ushort)(baboon.Pixels[3 * p + 1] * 257); greyAlpha[2 * p + 1] = (ushort)(1000 + p * 80); }
        var ga = Model.Value.Upscale(new Photo(32, 24, 2, 16, greyAlpha));
        Assert.Equal((128, 96, 2, 16), (ga.Width, ga.Height, ga.Channels, ga.BitDepth));
        var alpha = Array.ConvertAll(greyAlpha.Where((_, i) => i % 2 == 1).ToArray(), v => (double)v);
        var bicubic = MatlabResize.Resize(alpha, 32, 24, 1, 4);
        // MATLAB rounds each pass of a uint16 resize; the unrounded double result is within a level or so of it (a
        // smooth ramp, far from 0 and 65535, so that no pass saturates).
        Assert.All(ga.Alpha()!.Zip(bicubic), pair => Assert.InRange(pair.First - pair.Second, -1.5, 1.5));
    }
}
