using SrganWorkbench.Imaging;

namespace SrganWorkbench.Metrics;

/// <summary>
/// The radially averaged power spectrum of an image's Y plane: the mean of <see cref="PeriodicArtifacts"/>' windowed
/// power over rings of equal frequency radius, in dB. A photograph falls off as a power law; a checkerboard from a
/// generator's upsampling (Odena et al. 2016) adds bumps at the lattice's radii, 1/4 and 1/2 cycle per pixel (and
/// sqrt(2) x those on the diagonals), and a blurring method drops below HR at high frequencies. One curve per
/// method makes the upsampling types comparable at a glance; <see cref="PeriodicArtifacts.SpectrumImage"/> shows
/// where on the plane the energy sits.
/// </summary>
public static class RadialSpectrum
{
    /// <summary>(radius in cycles per pixel, mean power in dB) for <paramref name="bins"/> rings from 0 to 1/sqrt(2)
    /// (the corner of the spectrum), zero frequency left out; empty rings are skipped.</summary>
    public static IReadOnlyList<(double Frequency, double PowerDb)> Compute(RgbImage image, int bins = 64, int cropBorder = 4)
    {
        if (bins < 2) throw new ArgumentException($"bins must be at least 2, got {bins}.");
        var (power, w, h) = PeriodicArtifacts.PowerSpectrum(image, cropBorder);
        var sum = new double[bins];
        var count = new int[bins];
        double maxRadius = Math.Sqrt(0.5);
        for (int v = 0; v < h; v++)
            for (int u = 0; u < w; u++)
            {
                if (u == 0 && v == 0) continue;
                // Signed frequencies: bins past the middle are the negative ones.
                double fx = (u <= w / 2 ? u : u - w) / (double)w, fy = (v <= h / 2 ? v : v - h) / (double)h;
                int bin = Math.Min(bins - 1, (int)(Math.Sqrt(fx * fx + fy * fy) / maxRadius * bins));
                sum[bin] += power[v * w + u];
                count[bin]++;
            }
        var curve = new List<(double, double)>();
        for (int b = 0; b < bins; b++)
            if (count[b] > 0) curve.Add(((b + 0.5) * maxRadius / bins, 10 * Math.Log10(sum[b] / count[b] + 1e-20)));
        return curve;
    }
}
