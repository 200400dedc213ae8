using SrganWorkbench.Imaging;

namespace SrganWorkbench.Metrics;

/// <summary>
/// Structural similarity as in Wang et al.'s original MATLAB <c>ssim_index.m</c> (IEEE TIP 2004):
/// an 11x11 Gaussian window with sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, statistics over the
/// "valid" region only (no padding), no automatic downsampling, the mean of the SSIM map;
/// accumulated in double. The Gaussian is applied as two 1-D passes (it is separable).
///
/// The SRGAN paper's SSIM values came from another implementation (daala's), which runs about
/// 0.01 higher on these sets; tables print the paper's values beside ours. <see cref="DaalaSsim"/> reproduces
/// that one (<c>srgan eval --ssim-daala</c>).
/// </summary>
public static class Ssim
{
    /// <summary>The Gaussian window's side: an image smaller than it has no SSIM.</summary>
    public const int WindowSize = 11;
    const double Sigma = 1.5, K1 = 0.01, K2 = 0.03, L = 255;

    static readonly double[] Window1D = Numerics.Gaussian.Kernel(WindowSize / 2, Sigma);

    public static double Compute(RgbImage result, RgbImage reference, MetricOptions? options = null)
    {
        var (a, b) = Plane.Pair(result, reference, options);
        double total = 0;
        for (int p = 0; p < a.Count; p++) total += Compute(a[p], b[p]);
        return total / a.Count;
    }

    /// <summary>Mean SSIM of two planes of equal size, values on a 0..255 scale.</summary>
    public static double Compute(Plane x, Plane y)
    {
        if (x.Width < WindowSize || x.Height < WindowSize)
            throw new ArgumentException($"SSIM needs at least {WindowSize}x{WindowSize} pixels, got {x.Width}x{x.Height}.");
        int n = x.Data.Length;
        var xx = new double[n];
        var yy = new double[n];
        var xy = new double[n];
        for (int i = 0; i < n; i++) { xx[i] = x.Data[i] * x.Data[i]; yy[i] = y.Data[i] * y.Data[i]; xy[i] = x.Data[i] * y.Data[i]; }

        int w = x.Width, h = x.Height;
        var muX = FilterValid(x.Data, w, h);
        var muY = FilterValid(y.Data, w, h);
        var eXX = FilterValid(xx, w, h);
        var eYY = FilterValid(yy, w, h);
        var eXY = FilterValid(xy, w, h);

        double c1 = K1 * L * K1 * L, c2 = K2 * L * K2 * L;
        double sum = 0;
        for (int i = 0; i < muX.Length; i++)
        {
            double mx = muX[i], my = muY[i];
            double sxx = eXX[i] - mx * mx, syy = eYY[i] - my * my, sxy = eXY[i] - mx * my;
            sum += (2 * mx * my + c1) * (2 * sxy + c2) / ((mx * mx + my * my + c1) * (sxx + syy + c2));
        }
        return sum / muX.Length;
    }

    /// <summary>MATLAB's filter2(window, img, 'valid') for the separable Gaussian window.</summary>
    static double[] FilterValid(double[] img, int w, int h)
    {
        int ow = w - WindowSize + 1, oh = h - WindowSize + 1;
        var rows = new double[h * ow];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < ow; c++)
            {
                double s = 0;
                for (int k = 0; k < WindowSize; k++) s += Window1D[k] * img[r * w + c + k];
                rows[r * ow + c] = s;
            }
        var result = new double[oh * ow];
        for (int r = 0; r < oh; r++)
            for (int c = 0; c < ow; c++)
            {
                double s = 0;
                for (int k = 0; k < WindowSize; k++) s += Window1D[k] * rows[(r + k) * ow + c];
                result[r * ow + c] = s;
            }
        return result;
    }
}
