using SrganWorkbench.Course;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Tests.Course;

/// <summary>Notebook 01's check on real Set5/Set14 images: a right PSNR passes, each usual slip is caught and named.</summary>
public class DataChecksTests
{
    static byte Y(RgbImage image, int x, int y, bool round = true)
    {
        double v = 16 + (65.481 * image[y, x, 0] + 128.553 * image[y, x, 1] + 24.966 * image[y, x, 2]) / 255;
        return (byte)(round ? Math.Round(v, MidpointRounding.AwayFromZero) : Math.Floor(v));
    }

    /// <summary>A PSNR written from the notebook's equations; <paramref name="fixedBorder"/> ignores the argument.</summary>
    static Func<RgbImage, RgbImage, int, double> Psnr(bool round = true, int? fixedBorder = null) => (sr, hr, border) =>
    {
        border = fixedBorder ?? border;
        double sum = 0; long n = 0;
        for (int y = border; y < hr.Height - border; y++)
            for (int x = border; x < hr.Width - border; x++) { double d = Y(sr, x, y, round) - Y(hr, x, y, round); sum += d * d; n++; }
        return 10 * Math.Log10(255.0 * 255.0 / (sum / n));
    };

    [Fact]
    public void A_right_psnr_is_correct()
    {
        var check = DataChecks.PsnrOnY(Psnr(), SharedData.Root);
        Assert.True(check.Outcome == Outcome.Correct, check.ToString());
        Assert.Contains("Set5/butterfly.png", check.Detail);
    }

    [Fact]
    public void A_border_fixed_at_4_differs_and_the_hint_names_it()
    {
        var check = DataChecks.PsnrOnY(Psnr(fixedBorder: 4), SharedData.Root);
        Assert.Equal(Outcome.Differs, check.Outcome);
        Assert.Contains("Set5/bird.png, border 2: expected", check.Detail); // butterfly (border 4) passed
        Assert.Contains("the border is fixed at 4", check.Hint);
    }

    [Fact]
    public void No_border_and_truncated_y_differ_with_their_hints()
    {
        var none = DataChecks.PsnrOnY(Psnr(fixedBorder: 0), SharedData.Root);
        Assert.Equal(Outcome.Differs, none.Outcome);
        Assert.Contains("no border was removed", none.Hint);
        var truncated = DataChecks.PsnrOnY(Psnr(round: false), SharedData.Root); // floor instead of round: matches no named slip
        Assert.Equal(Outcome.Differs, truncated.Outcome);
        Assert.Contains("Y = round(16 +", truncated.Hint);
    }

    /// <summary>The smallest slip (Y not rounded: about 0.002 dB on butterfly.png) is above the stated tolerance.</summary>
    [Fact]
    public void Unrounded_y_differs_and_the_hint_names_it()
    {
        static double Luma(RgbImage im, int x, int y) => 16 + (65.481 * im[y, x, 0] + 128.553 * im[y, x, 1] + 24.966 * im[y, x, 2]) / 255;
        var check = DataChecks.PsnrOnY((sr, hr, border) =>
        {
            double sum = 0; long n = 0;
            for (int y = border; y < hr.Height - border; y++)
                for (int x = border; x < hr.Width - border; x++) { double d = Luma(sr, x, y) - Luma(hr, x, y); sum += d * d; n++; }
            return 10 * Math.Log10(255.0 * 255.0 / (sum / n));
        }, SharedData.Root);
        Assert.Equal(Outcome.Differs, check.Outcome);
        Assert.Contains("Y is not rounded", check.Hint);
    }

    [Fact]
    public void A_stub_is_not_written_yet_and_a_throwing_psnr_is_one_line()
    {
        Assert.Equal(Outcome.NotWritten, DataChecks.PsnrOnY((_, _, _) => throw new NotImplementedException(), SharedData.Root).Outcome);
        var thrown = DataChecks.PsnrOnY((sr, _, _) => sr[sr.Height, 0, 0], SharedData.Root); // one row past the end
        Assert.Equal(Outcome.Failed, thrown.Outcome);
        Assert.StartsWith("IndexOutOfRangeException: ", thrown.Detail);
    }
}
