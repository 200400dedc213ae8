using SrganWorkbench.Imaging;

namespace SrganWorkbench.Metrics;

/// <summary>
/// SSIM as the SRGAN paper computed it: xiph/daala at commit 8d03668, <c>tools/png2y4m.c</c>
/// (PNG to Y'CbCr 4:2:0) followed by <c>tools/dump_ssim.c</c>, Y' plane. Our own implementation of
/// their conventions, checked against the tools built from that commit:
/// <list type="bullet">
/// <item><b>Border</b>: <c>cropBorder</c> pixels are removed from each side of the RGB images first
/// (the paper: "center-cropped, removal of a 4-pixel wide strip from each border"), then converted.</item>
/// <item><b>Colour conversion</b> (<see cref="DaalaYCbCr"/>): BT.709, studio swing (Y' 16..235), 8-bit RGB
/// widened to 16 bits as v*257, triangular dither of about one Y' step from a KISS99 generator seeded the
/// same way for every image, Cb/Cr from the mean of each 2x2 block, and Y' chosen (of the two nearest
/// levels) to minimise the RGB error of the reconstruction with that block's Cb/Cr. A grey file
/// goes through the same conversion (as R = G = B).</item>
/// <item><b>Window</b>: Gaussian with sigma = 1.5 * H / 256 (H: height of the plane, so sigma grows with
/// the image; 1.5 for a 256-line image), the same sigma horizontally (pixel aspect 1), integer taps
/// round(256 * N(c; sigma)) for |c| up to floor(sigma sqrt(-2 ln(sqrt(pi/2) sigma / 256))) (the first
/// tap under half a unit), the centre tap 256 minus the others, at most min(W, H) - 1 either side.</item>
/// <item><b>Constants</b>: K1 = 0.01, K2 = 0.03, L = 255; means and (co)variances as the window's weighted
/// moments (no N-1 correction), accumulated exactly in 64-bit integers.</item>
/// <item><b>Image border</b>: the SSIM is computed at every pixel; near the edge the window is cut off at the
/// image (no padding, no renormalisation) and the pixel's SSIM is weighted by the window weight left inside.
/// The score is the weighted mean sum(w SSIM) / sum(w); no downsampling.</item>
/// <item><b>Reported value</b>: the raw SSIM of the Y' plane (<c>dump_ssim -r -y</c>);
/// <see cref="ComputePlanes"/> also gives Cb and Cr and daala's combined score (Y' + 0.25 (Cb + Cr)) / 1.5.</item>
/// </list>
/// </summary>
public static class DaalaSsim
{
    const int KernelShift = 8, KernelWeight = 1 << KernelShift;
    const double K1 = 0.01, K2 = 0.03, L = 255;

    /// <summary>The paper's SSIM: Y' of png2y4m, daala's dump_ssim, <paramref name="cropBorder"/> pixels removed per side first.</summary>
    public static double Compute(RgbImage result, RgbImage reference, int cropBorder = 4) =>
        ComputePlanes(result, reference, cropBorder).Y;

    /// <summary>SSIM of the Y', Cb and Cr planes and daala's combined score (4:2:0 chroma weighted 0.25 each).</summary>
    public static (double Y, double Cb, double Cr, double Combined) ComputePlanes(RgbImage result, RgbImage reference, int cropBorder = 4)
    {
        if (result.Width != reference.Width || result.Height != reference.Height)
            throw new ArgumentException($"Images differ in size: {result.Width}x{result.Height} vs {reference.Width}x{reference.Height}.");
        int b = cropBorder;
        if (result.Width <= 2 * b || result.Height <= 2 * b)
            throw new ArgumentException($"A {result.Width}x{result.Height} image is too small to remove a {b}-pixel border.");
        if (b > 0)
        {
            result = result.Crop(b, b, result.Width - 2 * b, result.Height - 2 * b);
            reference = reference.Crop(b, b, reference.Width - 2 * b, reference.Height - 2 * b);
        }
        var x = DaalaYCbCr.FromRgb(result);
        var y = DaalaYCbCr.FromRgb(reference);
        double sy = Compute(x.Y, y.Y, x.Width, x.Height);
        double scb = Compute(x.Cb, y.Cb, x.ChromaWidth, x.ChromaHeight);
        double scr = Compute(x.Cr, y.Cr, x.ChromaWidth, x.ChromaHeight);
        const double chromaWeight = 0.25;
        return (sy, scb, scr, (sy + chromaWeight * (scb + scr)) / (1 + 2 * chromaWeight));
    }

    /// <summary>dump_ssim's SSIM of two 8-bit planes of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static double Compute(byte[] a, byte[] b, int width, int height)
    {
        if (a.Length != width * height || b.Length != width * height)
            throw new ArgumentException($"Planes must hold {width * height} samples.");
        double sigma = height * (1.5 / 256);
        int[] kernel = Kernel(sigma, Math.Min(width, height));
        int half = kernel.Length / 2;

        // Horizontal pass: per pixel, the window's weighted sums of x, y, x^2, xy, y^2 and of the weights.
        int n = width * height;
        var hx = new long[n]; var hy = new long[n]; var hxx = new long[n]; var hxy = new long[n]; var hyy = new long[n];
        var hw = new long[width];
        for (int c = 0; c < width; c++)
            for (int k = Math.Max(0, half - c); k < Math.Min(kernel.Length, width - c + half); k++) hw[c] += kernel[k];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                long sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
                int kEnd = Math.Min(kernel.Length, width - c + half);
                for (int k = Math.Max(0, half - c); k < kEnd; k++)
                {
                    int i = r * width + c - half + k;
                    long wk = kernel[k], p = a[i], q = b[i];
                    sx += wk * p; sy += wk * q; sxx += wk * p * p; sxy += wk * p * q; syy += wk * q * q;
                }
                int o = r * width + c;
                hx[o] = sx; hy[o] = sy; hxx[o] = sxx; hxy[o] = sxy; hyy[o] = syy;
            }

        // Vertical pass, then the SSIM of each pixel weighted by the window weight inside the image.
        double total = 0, totalWeight = 0;
        for (int r = 0; r < height; r++)
        {
            int kStart = Math.Max(0, half - r), kEnd = Math.Min(kernel.Length, height - r + half);
            long vw = 0;
            for (int k = kStart; k < kEnd; k++) vw += kernel[k];
            for (int c = 0; c < width; c++)
            {
                long mx = 0, my = 0, exx = 0, exy = 0, eyy = 0;
                for (int k = kStart; k < kEnd; k++)
                {
                    int i = (r - half + k) * width + c;
                    long wk = kernel[k];
                    mx += wk * hx[i]; my += wk * hy[i]; exx += wk * hxx[i]; exy += wk * hxy[i]; eyy += wk * hyy[i];
                }
                // Everything below is scaled by w^2 (w: the window's total weight), the means by w.
                double w = vw * hw[c];
                double c1 = L * L * K1 * K1 * w * w, c2 = L * L * K2 * K2 * w * w;
                double mx2 = mx * (double)mx, mxy = mx * (double)my, my2 = my * (double)my;
                total += w * (2 * mxy + c1) * (c2 + 2 * (exy * w - mxy)) / ((mx2 + my2 + c1) * (exx * w - mx2 + eyy * w - my2 + c2));
                totalWeight += w;
            }
        }
        return total / totalWeight;
    }

    /// <summary>The integer Gaussian taps (summing to 256) for <paramref name="sigma"/>, at most
    /// <paramref name="maxLength"/> - 1 taps either side of the centre.</summary>
    internal static int[] Kernel(double sigma, int maxLength)
    {
        double scale = 1 / (Math.Sqrt(2 * Math.PI) * sigma), exponent = -0.5 / (sigma * sigma);
        // The reach at which a tap would fall under half a unit of the 256 total.
        double s = Math.Sqrt(0.5 * Math.PI) * sigma / KernelWeight;
        double reach = s >= 1 ? 0 : Math.Floor(sigma * Math.Sqrt(-2 * Math.Log(s)));
        int half = reach >= maxLength ? maxLength - 1 : (int)reach;
        var taps = new int[2 * half + 1];
        int sideSum = 0;
        for (int c = 1; c <= half; c++)
        {
            int v = (int)(KernelWeight * scale * Math.Exp(exponent * c * c) + 0.5);
            taps[half - c] = taps[half + c] = v;
            sideSum += v;
        }
        taps[half] = KernelWeight - 2 * sideSum;
        return taps;
    }
}
