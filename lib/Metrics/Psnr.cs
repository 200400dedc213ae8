using SrganWorkbench.Imaging;

namespace SrganWorkbench.Metrics;

/// <summary>
/// Peak signal-to-noise ratio, 10 log10(255^2 / MSE), in dB, for 8-bit images; computed in
/// double precision on the planes <see cref="MetricOptions"/> selects. Identical images give
/// +infinity.
/// </summary>
public static class Psnr
{
    public static double Compute(RgbImage result, RgbImage reference, MetricOptions? options = null)
    {
        var (a, b) = Plane.Pair(result, reference, options);
        double sum = 0;
        long count = 0;
        for (int p = 0; p < a.Count; p++)
            for (int i = 0; i < a[p].Data.Length; i++)
            {
                double d = a[p].Data[i] - b[p].Data[i];
                sum += d * d;
                count++;
            }
        double mse = sum / count;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }
}
