using SrganWorkbench.Imaging;
using SrganWorkbench.Numerics;

namespace SrganWorkbench.Metrics;

/// <summary>
/// Naturalness Image Quality Evaluator (Mittal, Soundararajan and Bovik, "Making a 'Completely
/// Blind' Image Quality Analyzer", IEEE SPL 2013): a no-reference score, lower is more natural.
///
/// Conventions, as MATLAB's reference niqe and BasicSR's port: the Y channel of MATLAB's
/// rgb2ycbcr rounded to integers; the image cropped to whole 96x96 blocks; for two scales
/// (the full image, then MATLAB-bicubic halved in double precision) each block's MSCN
/// coefficients (7x7 Gaussian window from the parameter file, replicated borders, sigma + 1 in
/// the denominator) give 18 asymmetric-generalised-Gaussian features; the score is the
/// Mahalanobis-like distance between the multivariate Gaussian of the blocks' 36 features and the
/// pristine model, with the pseudo-inverse of the averaged covariances.
///
/// The halving uses symmetric (mirrored) borders, as current MATLAB's imresize and BasicSR do:
/// with them the score of ../shared/data/extra/niqe/baboon.png is 5.72996 against MATLAB's
/// 5.72957 (replicated borders, the older MATLAB behaviour: 5.71951).
/// </summary>
public sealed class Niqe
{
    /// <summary>NIQE scores whole blocks of this side: an image needs at least one.</summary>
    public const int BlockSize = 96;
    readonly double[] _muPristine;
    readonly double[] _covPristine;
    readonly double[] _window;
    readonly int _windowSize;

    static readonly double[] GammaGrid = BuildGammaGrid(out RGammaGrid);
    static readonly double[] RGammaGrid;

    public Niqe(IReadOnlyDictionary<string, NpyArray> parameters, string source = "NIQE parameters")
    {
        NpyArray Get(string key) => parameters.TryGetValue(key, out var a) ? a
            : throw new InvalidDataException($"{source}: missing array '{key}' (expected mu_pris_param, cov_pris_param, gaussian_window).");
        _muPristine = Get("mu_pris_param").Data;
        _covPristine = Get("cov_pris_param").Data;
        var window = Get("gaussian_window");
        _window = window.Data;
        _windowSize = window.Shape[0];
        if (_muPristine.Length != 36 || _covPristine.Length != 36 * 36 || window.Shape.Length != 2 || window.Shape[0] != window.Shape[1])
            throw new InvalidDataException($"{source}: expected mu 1x36, cov 36x36 and a square window.");
    }

    /// <summary>Loads the pristine model from an .npz file (mu_pris_param, cov_pris_param, gaussian_window).</summary>
    public static Niqe Load(string npzPath) => new(Npz.Read(npzPath), npzPath);

    /// <summary>NIQE of an RGB image, Y channel, with <paramref name="cropBorder"/> pixels removed from each side first.</summary>
    public double Compute(RgbImage image, int cropBorder = 0)
    {
        var luma = ColorSpace.Luma(image);
        int w = image.Width - 2 * cropBorder, h = image.Height - 2 * cropBorder;
        var y = new double[w * h];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++) y[r * w + c] = luma[(r + cropBorder) * image.Width + c + cropBorder];
        return Compute(new Plane(w, h, y));
    }

    /// <summary>NIQE of a grey plane with values on a 0..255 scale.</summary>
    public double Compute(Plane image)
    {
        int blocksX = image.Width / BlockSize, blocksY = image.Height / BlockSize;
        if (blocksX == 0 || blocksY == 0)
            throw new ArgumentException($"NIQE needs at least one {BlockSize}x{BlockSize} block; the image is {image.Width}x{image.Height}.");
        int w = blocksX * BlockSize, h = blocksY * BlockSize;
        var img = new double[w * h];
        for (int r = 0; r < h; r++) Array.Copy(image.Data, r * image.Width, img, r * w, w);

        int blocks = blocksX * blocksY;
        var features = new double[blocks, 36];
        for (int scale = 1; scale <= 2; scale++)
        {
            var mscn = Mscn(img, w, h);
            int bs = BlockSize / scale;
            for (int bx = 0; bx < blocksX; bx++)
                for (int by = 0; by < blocksY; by++)
                {
                    var block = new double[bs * bs];
                    for (int r = 0; r < bs; r++)
                        for (int c = 0; c < bs; c++) block[r * bs + c] = mscn[(by * bs + r) * w + bx * bs + c];
                    var f = BlockFeatures(block, bs);
                    for (int k = 0; k < 18; k++) features[bx * blocksY + by, (scale - 1) * 18 + k] = f[k];
                }
            if (scale == 1)
            {
                // MATLAB: imresize(img, 0.5) on doubles, no rounding (values scaled to [0,1] and back).
                var scaled = new double[img.Length];
                for (int i = 0; i < img.Length; i++) scaled[i] = img[i] / 255.0;
                img = MatlabResize.Resize(scaled, w, h, 1, 0.5, ResizeKernel.Bicubic, ResizeBorder.Symmetric);
                for (int i = 0; i < img.Length; i++) img[i] *= 255.0;
                w /= 2;
                h /= 2;
            }
        }
        return Distance(features, blocks);
    }

    /// <summary>Mean-subtracted contrast-normalised coefficients: (I - mu) / (sigma + 1).</summary>
    double[] Mscn(double[] img, int w, int h)
    {
        var squared = new double[img.Length];
        for (int i = 0; i < img.Length; i++) squared[i] = img[i] * img[i];
        var mu = Convolve(img, w, h);
        var mu2 = Convolve(squared, w, h);
        var result = new double[img.Length];
        for (int i = 0; i < img.Length; i++)
        {
            double sigma = Math.Sqrt(Math.Abs(mu2[i] - mu[i] * mu[i]));
            result[i] = (img[i] - mu[i]) / (sigma + 1);
        }
        return result;
    }

    /// <summary>Same-size filtering with the window, edges replicated (scipy's mode='nearest').</summary>
    double[] Convolve(double[] img, int w, int h)
    {
        int k = _windowSize, half = k / 2;
        var result = new double[img.Length];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                double s = 0;
                for (int i = 0; i < k; i++)
                {
                    int rr = Math.Clamp(r + i - half, 0, h - 1);
                    for (int j = 0; j < k; j++)
                    {
                        int cc = Math.Clamp(c + j - half, 0, w - 1);
                        // A true convolution flips the window; it is symmetric, so this is the same.
                        s += _window[(k - 1 - i) * k + (k - 1 - j)] * img[rr * w + cc];
                    }
                }
                result[r * w + c] = s;
            }
        return result;
    }

    static double[] BlockFeatures(double[] block, int size)
    {
        var features = new double[18];
        var (alpha, betaL, betaR) = Aggd(block);
        features[0] = alpha;
        features[1] = (betaL + betaR) / 2;
        (int dr, int dc)[] shifts = [(0, 1), (1, 0), (1, 1), (1, -1)];
        var product = new double[block.Length];
        for (int s = 0; s < shifts.Length; s++)
        {
            var (dr, dc) = shifts[s];
            for (int r = 0; r < size; r++)
                for (int c = 0; c < size; c++)
                {
                    // np.roll: the neighbour at (r - dr, c - dc), wrapping around the block.
                    int rr = ((r - dr) % size + size) % size, cc = ((c - dc) % size + size) % size;
                    product[r * size + c] = block[r * size + c] * block[rr * size + cc];
                }
            var (a, bl, br) = Aggd(product);
            double mean = (br - bl) * (SpecialFunctions.Gamma(2 / a) / SpecialFunctions.Gamma(1 / a));
            features[2 + 4 * s] = a;
            features[3 + 4 * s] = mean;
            features[4 + 4 * s] = bl;
            features[5 + 4 * s] = br;
        }
        return features;
    }

    /// <summary>Moment-matching fit of an asymmetric generalised Gaussian: (alpha, beta_left, beta_right).</summary>
    static (double Alpha, double BetaLeft, double BetaRight) Aggd(double[] x)
    {
        double leftSum = 0, rightSum = 0, absSum = 0, sqSum = 0;
        int leftCount = 0, rightCount = 0;
        foreach (double v in x)
        {
            if (v < 0) { leftSum += v * v; leftCount++; }
            else if (v > 0) { rightSum += v * v; rightCount++; }
            absSum += Math.Abs(v);
            sqSum += v * v;
        }
        double leftStd = Math.Sqrt(leftSum / leftCount), rightStd = Math.Sqrt(rightSum / rightCount);
        double gammaHat = leftStd / rightStd;
        double meanAbs = absSum / x.Length;
        double rHat = meanAbs * meanAbs / (sqSum / x.Length);
        double rHatNorm = rHat * (Math.Pow(gammaHat, 3) + 1) * (gammaHat + 1) / Math.Pow(gammaHat * gammaHat + 1, 2);
        int best = 0;
        double bestErr = double.PositiveInfinity;
        for (int i = 0; i < RGammaGrid.Length; i++)
        {
            double e = (RGammaGrid[i] - rHatNorm) * (RGammaGrid[i] - rHatNorm);
            if (e < bestErr) { bestErr = e; best = i; }
        }
        double alpha = GammaGrid[best];
        double factor = Math.Sqrt(SpecialFunctions.Gamma(1 / alpha) / SpecialFunctions.Gamma(3 / alpha));
        return (alpha, leftStd * factor, rightStd * factor);
    }

    static double[] BuildGammaGrid(out double[] rGamma)
    {
        int n = 9801; // 0.2, 0.201, ..., 10.0 as numpy.arange(0.2, 10.001, 0.001)
        var grid = new double[n];
        rGamma = new double[n];
        for (int i = 0; i < n; i++)
        {
            double g = 0.2 + i * 0.001;
            grid[i] = g;
            double g1 = SpecialFunctions.Gamma(1 / g), g2 = SpecialFunctions.Gamma(2 / g), g3 = SpecialFunctions.Gamma(3 / g);
            rGamma[i] = g2 * g2 / (g1 * g3);
        }
        return grid;
    }

    double Distance(double[,] features, int blocks)
    {
        const int d = 36;
        // Mean over blocks ignoring NaN (nanmean), covariance over blocks without NaN (ddof 1).
        var mu = new double[d];
        for (int k = 0; k < d; k++)
        {
            double s = 0;
            int n = 0;
            for (int b = 0; b < blocks; b++)
                if (!double.IsNaN(features[b, k])) { s += features[b, k]; n++; }
            mu[k] = s / n;
        }
        var rows = Enumerable.Range(0, blocks).Where(b => Enumerable.Range(0, d).All(k => !double.IsNaN(features[b, k]))).ToArray();
        var rowMean = new double[d];
        foreach (int b in rows)
            for (int k = 0; k < d; k++) rowMean[k] += features[b, k] / rows.Length;
        var cov = new double[d * d];
        foreach (int b in rows)
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) cov[i * d + j] += (features[b, i] - rowMean[i]) * (features[b, j] - rowMean[j]);
        for (int i = 0; i < cov.Length; i++) cov[i] = cov[i] / (rows.Length - 1);

        var avg = new double[d * d];
        for (int i = 0; i < avg.Length; i++) avg[i] = (_covPristine[i] + cov[i]) / 2;
        var inv = SymmetricMatrix.PseudoInverse(avg, d);
        double q = 0;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) q += (_muPristine[i] - mu[i]) * inv[i * d + j] * (_muPristine[j] - mu[j]);
        return Math.Sqrt(q);
    }
}
