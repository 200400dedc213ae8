using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;

namespace SrganWorkbench.Tests.Metrics;

/// <summary>The radially averaged spectrum: a ring per frequency radius, a period-4 stripe pattern a bump at 1/4.</summary>
public class RadialSpectrumTests
{
    static RgbImage Smooth(int w, int h, Func<int, int, double>? extra = null)
    {
        var image = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                    image.Pixels[(y * w + x) * 3 + c] = (byte)Math.Clamp(Math.Round(100 + 60 * Math.Sin(x / 30.0 + c) * Math.Cos(y / 45.0) + (extra?.Invoke(x, y) ?? 0)), 0, 255);
        return image;
    }

    [Fact]
    public void A_period_4_pattern_puts_a_bump_at_a_quarter_cycle_per_pixel()
    {
        var plain = RadialSpectrum.Compute(Smooth(136, 104), bins: 32);
        var striped = RadialSpectrum.Compute(Smooth(136, 104, (x, _) => 6 * Math.Cos(Math.PI / 2 * x)), bins: 32);
        Assert.Equal(32, plain.Count); // every ring has bins at this size
        Assert.All(plain, p => Assert.InRange(p.Frequency, 0, Math.Sqrt(0.5)));
        Assert.True(plain.Zip(plain.Skip(1)).All(p => p.First.Frequency < p.Second.Frequency));
        // The ring holding 0.25 cycles/pixel: far above the smooth image's, while rings away from it barely move.
        var at = striped.MinBy(p => Math.Abs(p.Frequency - 0.25));
        var before = plain.Single(p => p.Frequency == at.Frequency);
        Assert.True(at.PowerDb > before.PowerDb + 10, $"{at.PowerDb:F1} dB against {before.PowerDb:F1} dB");
        var far = striped.MinBy(p => Math.Abs(p.Frequency - 0.6));
        Assert.InRange(far.PowerDb - plain.Single(p => p.Frequency == far.Frequency).PowerDb, -3, 3);
        Assert.Throws<ArgumentException>(() => RadialSpectrum.Compute(Smooth(64, 64), bins: 1));
    }
}
