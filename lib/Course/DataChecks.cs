using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;

namespace SrganWorkbench.Course;

/// <summary>The checks of notebook 01 (data, degradation, the paper's scores).</summary>
public static class DataChecks
{
    /// <summary>PSNR of a result against HR agrees to this many dB with <see cref="Psnr.Compute"/>. A few pixels' Y lies
    /// exactly halfway between two integers, and the order of the floating-point operations (65.481 R / 255 + ... or
    /// (65.481 R + ...) / 255) decides which way they round: about 1e-5 dB on butterfly.png. Every convention the protocol
    /// fixes (rounding Y, the border, the channel) moves these images' scores by 0.001 dB or more.</summary>
    public const double PsnrToleranceDb = 1e-4;

    /// <summary>The test pairs: bicubic upscaling of the bicubic LR of real test images (Set5 and Set14, HR mod-cropped to
    /// 4), scored with a 4-pixel border, and one with a 2-pixel border so that a border fixed at 4 is caught.</summary>
    static IEnumerable<(string Name, RgbImage Sr, RgbImage Hr, int Border)> PsnrCases(string? dataRoot)
    {
        string root = DataRoot.Resolve(dataRoot);
        var upscaler = new InterpolationUpscaler(ResizeKernel.Bicubic);
        foreach (var (set, image, border) in new[] { ("Set5", "butterfly.png", 4), ("Set5", "bird.png", 2), ("Set14", "baboon.png", 4) })
        {
            var hr = ImageFile.Read(Path.Combine(root, set, "HR", image)).ModCrop(4);
            yield return ($"{set}/{image}, border {border}", upscaler.Upscale(new BicubicDegradation(4).Apply(hr)), hr, border);
        }
    }

    /// <summary>
    /// The student's PSNR on MATLAB's rounded Y with <c>border</c> pixels removed on every side, against the library's
    /// (<see cref="Psnr.Compute"/> with <see cref="MetricOptions.Paper"/>) on three Set5/Set14 images, within
    /// <see cref="PsnrToleranceDb"/>. When it differs, the hint names the convention the student's number matches
    /// (Y not rounded, no border, RGB), if any.
    /// </summary>
    public static Check PsnrOnY(Func<RgbImage, RgbImage, int, double> psnr, string? dataRoot = null) => Check.Run("PSNR on Y", () =>
    {
        var cases = PsnrCases(dataRoot).ToList();
        foreach (var (name, sr, hr, border) in cases)
        {
            double expected = Psnr.Compute(sr, hr, MetricOptions.Paper(border));
            double got = psnr(sr, hr, border);
            if (Differences.Scalar(name, expected, got, PsnrToleranceDb, " dB") is { } difference)
                return Check.Differs("PSNR on Y", difference, PsnrHint(sr, hr, border, got));
        }
        return Check.Correct("PSNR on Y", $"agrees with Psnr.Compute (Y, border removed) within {PsnrToleranceDb:G1} dB on {string.Join("; ", cases.Select(c => c.Name))}");
    });

    /// <summary>The usual slips, each scored by the library: the one the student's number matches is the hint.</summary>
    static string PsnrHint(RgbImage sr, RgbImage hr, int border, double got)
    {
        var slips = new (string Slip, Func<double> Score)[]
        {
            ("Y is not rounded: MATLAB's rgb2ycbcr on uint8 rounds Y to an integer (half away from zero)", () => UnroundedY(sr, hr, border)),
            ("no border was removed: leave out `border` pixels on every side", () => Psnr.Compute(sr, hr, new MetricOptions { Channel = MetricChannel.Y, CropBorder = 0 })),
            ($"the border is fixed at 4: use the `border` argument ({border} here)", () => Psnr.Compute(sr, hr, MetricOptions.Paper(4))),
            ("this is the PSNR over R, G and B: compare Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255 instead", () => Psnr.Compute(sr, hr, new MetricOptions { Channel = MetricChannel.Rgb, CropBorder = border })),
        };
        foreach (var (slip, score) in slips)
            if (Math.Abs(score() - got) <= PsnrToleranceDb) return $"your number is what the library gives when {slip}.";
        return "Y = round(16 + (65.481 R + 128.553 G + 24.966 B) / 255); compare pixels border <= x < W - border, border <= y < H - border; MSE over them; PSNR = 10 log10(255^2 / MSE).";
    }

    static double UnroundedY(RgbImage sr, RgbImage hr, int border)
    {
        double[] a = ColorSpace.LumaUnrounded(sr), b = ColorSpace.LumaUnrounded(hr);
        double sum = 0; long count = 0;
        for (int y = border; y < hr.Height - border; y++)
            for (int x = border; x < hr.Width - border; x++) { double d = a[y * hr.Width + x] - b[y * hr.Width + x]; sum += d * d; count++; }
        return 10 * Math.Log10(255.0 * 255.0 / (sum / count));
    }
}
