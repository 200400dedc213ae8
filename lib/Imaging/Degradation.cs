namespace SrganWorkbench.Imaging;

/// <summary>
/// How an LR image is made from an HR one. <see cref="ApplyRegion"/> computes a rectangle of the
/// LR image exactly as <see cref="Apply"/> would (same borders, same rounding) while reading only
/// the HR pixels it needs, so training crops are made on the fly at the cost of the crop alone.
/// </summary>
public abstract record Degradation(int Scale)
{
    /// <summary>A short name for logs and tables, parseable by <see cref="Parse"/>.</summary>
    public abstract string Name { get; }

    /// <summary>The LR image of a whole HR image whose sides are multiples of <see cref="Scale"/>.</summary>
    public RgbImage Apply(RgbImage hr)
    {
        CheckDivisible(hr);
        return ApplyRegion(hr, 0, 0, hr.Width / Scale, hr.Height / Scale);
    }

    /// <summary>The LR rectangle (x, y, width, height), in LR pixels.</summary>
    public abstract RgbImage ApplyRegion(RgbImage hr, int x, int y, int width, int height);

    protected void CheckDivisible(RgbImage hr)
    {
        if (hr.Width % Scale != 0 || hr.Height % Scale != 0)
            throw new ArgumentException($"HR size {hr.Width}x{hr.Height} is not divisible by the scale {Scale}; modcrop it first.");
    }

    /// <summary>
    /// Parses "bicubic" or "gaussian" / "gaussian:sigma=1.6" (case-insensitive).
    /// </summary>
    public static Degradation Parse(string text, int scale = 4)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':', 2);
        switch (parts[0])
        {
            case "bicubic":
                if (parts.Length > 1) throw new ArgumentException($"Degradation 'bicubic' takes no parameters, got '{text}'.");
                return new BicubicDegradation(scale);
            case "gaussian":
                double sigma = GaussianDegradation.DefaultSigma;
                if (parts.Length > 1)
                {
                    var kv = parts[1].Split('=', 2);
                    if (kv.Length != 2 || kv[0] != "sigma" || !double.TryParse(kv[1], System.Globalization.CultureInfo.InvariantCulture, out sigma) || sigma <= 0)
                        throw new ArgumentException($"Degradation '{text}': expected gaussian:sigma=<positive number>.");
                }
                return new GaussianDegradation(scale, sigma);
            default:
                throw new ArgumentException($"Unknown degradation '{text}': expected 'bicubic' or 'gaussian[:sigma=S]'.");
        }
    }
}

/// <summary>MATLAB's <c>imresize(HR, 1/scale, 'bicubic')</c>: the paper's degradation.</summary>
public sealed record BicubicDegradation(int Scale = 4) : Degradation(Scale)
{
    public override string Name => "bicubic";

    public override RgbImage ApplyRegion(RgbImage hr, int x, int y, int width, int height)
    {
        CheckDivisible(hr);
        return MatlabResize.ResizeRegion(hr, 1.0 / Scale, x, y, width, height);
    }
}

/// <summary>
/// The paper's alternative (its Section 2.1, "a Gaussian filter followed by downsampling"): a
/// normalised Gaussian of standard deviation <see cref="Sigma"/> HR pixels, size
/// 2*ceil(3*sigma)+1, edges replicated, then every <c>scale</c>-th pixel starting at
/// (scale-1)/2 (rounded down) so LR pixels sit near the centres of their HR cells; rounded to uint8
/// once. The paper gives no sigma; 1.6 is the common "BD" choice of later SR work.
/// </summary>
public sealed record GaussianDegradation(int Scale = 4, double Sigma = GaussianDegradation.DefaultSigma) : Degradation(Scale)
{
    public const double DefaultSigma = 1.6;

    public override string Name => FormattableString.Invariant($"gaussian:sigma={Sigma}");

    public override RgbImage ApplyRegion(RgbImage hr, int x, int y, int width, int height)
    {
        CheckDivisible(hr);
        if (x < 0 || y < 0 || x + width > hr.Width / Scale || y + height > hr.Height / Scale)
            throw new ArgumentOutOfRangeException(nameof(x), $"Region {width}x{height} at ({x},{y}) is outside the {hr.Width / Scale}x{hr.Height / Scale} LR image.");
        var k = Numerics.Gaussian.Kernel((int)Math.Ceiling(3 * Sigma), Sigma);
        int half = k.Length / 2, offset = (Scale - 1) / 2;
        var result = new RgbImage(width, height);
        // Separable: blur the needed HR rows along x at the sampled columns, then along y.
        var rows = new double[k.Length * width * 3];
        for (int oy = 0; oy < height; oy++)
        {
            int cy = (y + oy) * Scale + offset;
            for (int t = 0; t < k.Length; t++)
            {
                int sy = Math.Clamp(cy + t - half, 0, hr.Height - 1);
                for (int ox = 0; ox < width; ox++)
                {
                    int cx = (x + ox) * Scale + offset;
                    for (int c = 0; c < 3; c++)
                    {
                        double s = 0;
                        for (int u = 0; u < k.Length; u++) s += k[u] * hr[sy, Math.Clamp(cx + u - half, 0, hr.Width - 1), c];
                        rows[(t * width + ox) * 3 + c] = s;
                    }
                }
            }
            for (int ox = 0; ox < width; ox++)
                for (int c = 0; c < 3; c++)
                {
                    double s = 0;
                    for (int t = 0; t < k.Length; t++) s += k[t] * rows[(t * width + ox) * 3 + c];
                    result[oy, ox, c] = RgbImage.RoundToByte(s);
                }
        }
        return result;
    }
}
