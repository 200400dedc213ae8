using SrganWorkbench.Imaging;
using static TorchSharp.torch;

namespace SrganWorkbench.Metrics;

/// <summary>
/// How strongly an image carries the periodic pattern a 4x generator's upsampling can imprint: the
/// checkerboard of sub-pixel and transposed convolutions repeats every 2 and every 4 output pixels
/// (Odena et al. 2016, "Deconvolution and checkerboard artifacts"; Aitken et al. 2017 on sub-pixel
/// convolution). Such a pattern puts spectral peaks on the lattice of frequencies (k/4, l/4) cycles per
/// pixel, k, l in 0..3 (not both 0): 15 points, periods 4 and 2 along x, y and the diagonals. A natural
/// image's spectrum is smooth there (a power law), so a peak shows as energy above its neighbourhood.
///
/// Definition (no reference needed): the Y plane (MATLAB's rgb2ycbcr) with the same border removed as for
/// PSNR, mean removed, a 2-D Hann window against leakage from the image edges; its power spectrum P. At
/// each lattice point, <c>peak</c> = the sum of P over the 3x3 bins around it (the window spreads a pure
/// tone over them); <c>background</c> = 9 x the median of P over the ring of bins 3 to 6 away (Chebyshev
/// distance), divided by ln 2 (the median of exponentially distributed power is ln 2 times its mean, so a
/// pattern-free neighbourhood scores 0 dB on average). The score is the mean over the 15 points of
/// 10 log10(peak / background), in dB: about 0 for natural images, higher the more periodic energy an image
/// has at those periods. A per-point mean (not an energy sum) weighs the period-2 points, whose
/// background is small, as much as the period-4 ones.
///
/// What it does not see: nearest-neighbour upscaling is blocky with period 4 too, but its box filter has
/// spectral zeros exactly on this lattice, so it scores below 0 (Set5 -6.6 dB): the measure is about a pattern
/// added on top of the image (a checkerboard), not about sample-and-hold blocks. JPEG's 8x8 blocks put energy at
/// multiples of 1/8 (and so at 1/4 and 1/2); BSD100's HR images, once JPEGs, still score -0.8 dB on average
/// (Set14 -0.5, Set5 0.0): compare a method with the HR images of the same set.
/// </summary>
public static class PeriodicArtifacts
{
    /// <summary>The lattice step: a 4x generator's patterns repeat every 4 pixels (and every 2).</summary>
    public const int Period = 4;
    const int PeakRadius = 1, RingInner = 3, RingOuter = 6;
    /// <summary>The smallest side (after the border is removed) the measure works on: the background ring around each lattice point must fit.</summary>
    public const int MinimumSide = 4 * (RingOuter + 1);

    /// <summary>The score in dB (see the class comment) of <paramref name="image"/> with <paramref name="cropBorder"/> pixels removed per side.</summary>
    public static double Compute(RgbImage image, int cropBorder = 4) => PointExcess(image, cropBorder).Average(p => p.ExcessDb);

    /// <summary>Each lattice point (cycles per pixel along x and y) and its energy above the local background, in dB.</summary>
    public static IReadOnlyList<(double Fx, double Fy, double ExcessDb)> PointExcess(RgbImage image, int cropBorder = 4)
    {
        var (power, w, h) = PowerSpectrum(image, cropBorder);
        if (w < MinimumSide || h < MinimumSide)
            throw new ArgumentException($"A {image.Width}x{image.Height} image is too small for the periodic-artifact measure (needs at least {MinimumSide + 2 * cropBorder} px per side).");
        var points = new List<(double, double, double)>();
        for (int l = 0; l < Period; l++)
            for (int k = 0; k < Period; k++)
            {
                if (k == 0 && l == 0) continue;
                int u = (int)Math.Round((double)k * w / Period), v = (int)Math.Round((double)l * h / Period);
                double peak = 0;
                for (int dy = -PeakRadius; dy <= PeakRadius; dy++)
                    for (int dx = -PeakRadius; dx <= PeakRadius; dx++) peak += At(power, w, h, u + dx, v + dy);
                var ring = new List<double>();
                for (int dy = -RingOuter; dy <= RingOuter; dy++)
                    for (int dx = -RingOuter; dx <= RingOuter; dx++)
                        if (Math.Max(Math.Abs(dx), Math.Abs(dy)) >= RingInner) ring.Add(At(power, w, h, u + dx, v + dy));
                ring.Sort();
                double median = ring.Count % 2 == 1 ? ring[ring.Count / 2] : (ring[ring.Count / 2 - 1] + ring[ring.Count / 2]) / 2;
                double background = (2 * PeakRadius + 1) * (2 * PeakRadius + 1) * median / Math.Log(2);
                points.Add(((double)k / Period, (double)l / Period, 10 * Math.Log10((peak + 1e-20) / (background + 1e-20))));
            }
        return points;
    }

    /// <summary>The log power spectrum as a grey picture, zero frequency in the centre, with the 15 lattice points
    /// ringed in red: what a checkerboard looks like to this measure.</summary>
    public static RgbImage SpectrumImage(RgbImage image, int cropBorder = 4)
    {
        var (db, w, h) = CenteredSpectrumDb(image, cropBorder); // zero frequency at (w/2, h/2)
        var sorted = db.OrderBy(v => v).ToArray();
        double lo = sorted[(int)(0.01 * (sorted.Length - 1))], hi = sorted[(int)(0.9999 * (sorted.Length - 1))];
        var picture = new RgbImage(w, h);
        for (int i = 0; i < w * h; i++)
        {
            byte g = (byte)Math.Clamp(Math.Round(255 * (db[i] - lo) / (hi - lo)), 0, 255);
            picture.Pixels[3 * i] = picture.Pixels[3 * i + 1] = picture.Pixels[3 * i + 2] = g;
        }
        for (int l = 0; l < Period; l++)
            for (int k = 0; k < Period; k++)
            {
                if (k == 0 && l == 0) continue;
                int cx = ((int)Math.Round((double)k * w / Period) + w / 2) % w, cy = ((int)Math.Round((double)l * h / Period) + h / 2) % h;
                for (int d = -RingOuter; d <= RingOuter; d++)
                    foreach (var (x, y) in new[] { (cx + d, cy - RingOuter), (cx + d, cy + RingOuter), (cx - RingOuter, cy + d), (cx + RingOuter, cy + d) })
                        if (x >= 0 && x < w && y >= 0 && y < h)
                        {
                            int at = (y * w + x) * 3;
                            picture.Pixels[at] = 255; picture.Pixels[at + 1] = 0; picture.Pixels[at + 2] = 0;
                        }
            }
        return picture;
    }

    /// <summary>10 log10 of the power spectrum (the measure's, see the class comment), row-major w x h, shifted so
    /// that zero frequency sits at (w/2, h/2): bin (x, y) is frequency ((x - w/2)/w, (y - h/2)/h) cycles per pixel.</summary>
    public static (double[] Db, int Width, int Height) CenteredSpectrumDb(RgbImage image, int cropBorder = 4)
    {
        var (power, w, h) = PowerSpectrum(image, cropBorder);
        var db = new double[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                db[y * w + x] = 10 * Math.Log10(power[((y + h - h / 2) % h) * w + (x + w - w / 2) % w] + 1e-12);
        return (db, w, h);
    }

    static double At(double[] power, int w, int h, int u, int v) => power[((v % h + h) % h) * w + ((u % w + w) % w)];

    /// <summary>|FFT|^2 of the windowed, mean-free Y plane (float64), row-major w x h.</summary>
    internal static (double[] Power, int Width, int Height) PowerSpectrum(RgbImage image, int cropBorder)
    {
        var plane = Plane.FromImage(image, new MetricOptions { Channel = MetricChannel.Y, CropBorder = cropBorder })[0];
        int w = plane.Width, h = plane.Height;
        using var scope = NewDisposeScope();
        var y = tensor(plane.Data, [h, w], dtype: ScalarType.Float64);
        y = y.sub(y.mean());
        var window = hann_window(h, periodic: false, dtype: ScalarType.Float64).unsqueeze(1)
            .mul(hann_window(w, periodic: false, dtype: ScalarType.Float64).unsqueeze(0));
        var spectrum = fft.fft2(y.mul(window));
        var magnitude = spectrum.abs();
        // |F|^2 as a product: square() goes through a temporary Scalar, which TorchSharp can finalise while the
        // native call still reads it ("Unknown scalar type", seen once in a 600-image evaluation).
        var power = magnitude.mul(magnitude).contiguous();
        return (power.data<double>().ToArray(), w, h);
    }
}
