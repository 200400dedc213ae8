using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Metrics;

/// <summary>The periodic-artifact measure: low for real photographs and smooth images, high once a 4-px grid is added.</summary>
public class PeriodicArtifactsTests(ITestOutputHelper output)
{
    static IEnumerable<(string Name, RgbImage Image)> Set14() =>
        ImageFolder.List(SharedData.Path_("Set14", "HR")).Select(f => (Path.GetFileName(f), ImageFile.Read(f).ModCrop(4)));

    /// <summary>Adds a pattern that repeats every 4 pixels along x and y (as a sub-pixel layer's checkerboard does), amplitude in grey levels.</summary>
    static RgbImage WithGrid(RgbImage image, double amplitude)
    {
        var grid = image.Clone();
        double[,] tile = { { 1, -0.5, 0.3, -0.8 }, { -0.6, 0.9, -0.2, 0.1 }, { 0.4, -1, 0.7, -0.3 }, { -0.2, 0.5, -0.9, 0.6 } };
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                for (int c = 0; c < 3; c++)
                {
                    int at = (y * image.Width + x) * 3 + c;
                    grid.Pixels[at] = (byte)Math.Clamp(Math.Round(image.Pixels[at] + amplitude * tile[y % 4, x % 4]), 0, 255);
                }
        return grid;
    }

    [Fact]
    public void Photographs_score_low_and_the_same_photographs_with_a_faint_4px_grid_score_high()
    {
        var hr = new List<double>();
        var gridded = new List<double>();
        foreach (var (name, image) in Set14())
        {
            double a = PeriodicArtifacts.Compute(image), b = PeriodicArtifacts.Compute(WithGrid(image, 3));
            output.WriteLine($"{name}: HR {a:F2} dB, HR + 4-px grid of +-3 grey levels {b:F2} dB");
            hr.Add(a);
            gridded.Add(b);
            Assert.True(b > a + 3, $"{name}: a grid must raise the score ({a:F2} -> {b:F2} dB)");
        }
        output.WriteLine($"Set14 mean: HR {hr.Average():F2} dB, with grid {gridded.Average():F2} dB");
        Assert.True(hr.Average() < 3, $"HR photographs should score low, got {hr.Average():F2} dB");
        Assert.True(gridded.Average() > hr.Average() + 8, "a faint grid must stand far above the photographs");
    }

    [Theory]
    [InlineData("Set5")]
    [InlineData("BSD100")]
    public void The_test_sets_own_HR_images_score_low(string set)
    {
        // The reference level for eval tables: what the ground truth itself scores (BSD100's images were JPEGs once,
        // whose 8x8 blocks put some energy on the same lattice).
        var scores = ImageFolder.List(SharedData.Path_(set, "HR")).Select(f => PeriodicArtifacts.Compute(ImageFile.Read(f).ModCrop(4))).ToList();
        output.WriteLine($"{set} HR: mean {scores.Average():F2} dB, max {scores.Max():F2} dB over {scores.Count} images");
        Assert.True(scores.Average() < 3, $"{set} HR images should score low, got {scores.Average():F2} dB");
    }

    [Fact]
    public void A_smooth_image_scores_near_zero_and_a_period_2_checkerboard_alone_is_found()
    {
        var smooth = new RgbImage(128, 96);
        for (int y = 0; y < 96; y++)
            for (int x = 0; x < 128; x++)
                for (int c = 0; c < 3; c++)
                    smooth.Pixels[(y * 128 + x) * 3 + c] = (byte)Math.Round(60 + 80 * Math.Sin(x / 40.0 + c) * Math.Cos(y / 55.0));
        double s = PeriodicArtifacts.Compute(smooth);
        output.WriteLine($"smooth: {s:F2} dB");
        Assert.InRange(s, -3, 3);

        var checker = smooth.Clone();
        for (int y = 0; y < 96; y++)
            for (int x = 0; x < 128; x++)
                for (int c = 0; c < 3; c++) checker.Pixels[(y * 128 + x) * 3 + c] += (byte)(((x + y) & 1) * 4);
        var points = PeriodicArtifacts.PointExcess(checker);
        var half = points.Single(p => p.Fx == 0.5 && p.Fy == 0.5);
        output.WriteLine($"checkerboard of period 2: {half.ExcessDb:F1} dB at (1/2, 1/2); score {points.Average(p => p.ExcessDb):F2} dB");
        Assert.True(half.ExcessDb > 20, "a period-2 checkerboard must stand out at (1/2, 1/2)");
        Assert.True(points.Average(p => p.ExcessDb) > s + 1);
    }

    [Fact]
    public void The_spectrum_picture_has_the_image_size_and_a_small_image_is_refused()
    {
        var (_, image) = Set14().First();
        var picture = PeriodicArtifacts.SpectrumImage(image);
        Assert.Equal(image.Width - 8, picture.Width);
        Assert.Equal(image.Height - 8, picture.Height);
        Assert.Contains("too small", Assert.Throws<ArgumentException>(() => PeriodicArtifacts.Compute(new RgbImage(20, 40))).Message);
    }
}
