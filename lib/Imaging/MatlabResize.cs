using System.Collections.Concurrent;

namespace SrganWorkbench.Imaging;

/// <summary>Interpolation kernels of MATLAB's imresize that this workspace uses.</summary>
public enum ResizeKernel
{
    /// <summary>Keys' cubic convolution with a = -0.5, width 4; antialiased when shrinking.</summary>
    Bicubic,
    /// <summary>Box of width 1, never antialiased: nearest neighbour.</summary>
    Nearest,
}

/// <summary>How input indices beyond the image edge are mapped back inside.</summary>
public enum ResizeBorder
{
    /// <summary>Mirror including the edge pixel (MATLAB R2013b and later: <c>aux = [1:n, n:-1:1]</c>).</summary>
    Symmetric,
    /// <summary>Repeat the edge pixel (MATLAB before R2013b: <c>min(max(1, idx), n)</c>).</summary>
    Replicate,
}

/// <summary>
/// MATLAB's <c>imresize</c>, reimplemented: the same kernel, the same output-to-input mapping
/// (<c>u = x/scale + 0.5*(1 - 1/scale)</c>), the same antialiasing (the kernel stretched by
/// 1/scale when shrinking), the same weight normalisation and border handling, and the same
/// order of the two 1-D passes (the dimension with the smaller scale first; rows on a tie).
///
/// For uint8 images MATLAB's mex rounds and saturates the result of each pass to uint8;
/// <c>Resize(RgbImage, ...)</c> does the same. Float inputs are resized
/// in double precision with no rounding. Tests compare the output with MATLAB-made files.
/// </summary>
public static class MatlabResize
{
    /// <summary>Border handling used by default: replicate, with uint8 rounding between the
    /// passes, reproduces the MATLAB-made LR files in ../shared/data/extra/matlab_bicubic_x4
    /// bit for bit (all 19 Set5/Set14 images); symmetric borders differ by up to 7 grey levels
    /// near the edges. See MatlabResizeTests.</summary>
    public const ResizeBorder DefaultBorder = ResizeBorder.Replicate;

    /// <summary>Weights and input indices of each output sample along one dimension.</summary>
    public sealed class Contributions
    {
        public required int OutLength { get; init; }
        public required int Taps { get; init; }
        /// <summary>OutLength x Taps, 0-based input indices, already mapped inside the image.</summary>
        public required int[] Indices { get; init; }
        /// <summary>OutLength x Taps, each row summing to 1.</summary>
        public required double[] Weights { get; init; }
    }

    static readonly ConcurrentDictionary<(int, int, double, ResizeKernel, bool, ResizeBorder), Contributions> Cache = new();

    /// <summary>The output size MATLAB gives for a scale: ceil(scale * size).</summary>
    public static int OutputLength(int inLength, double scale) => (int)Math.Ceiling(scale * inLength);

    /// <summary>MATLAB's <c>contributions</c> for one dimension.</summary>
    public static Contributions GetContributions(int inLength, int outLength, double scale, ResizeKernel kernel,
        ResizeBorder border = DefaultBorder)
        => Cache.GetOrAdd((inLength, outLength, scale, kernel, kernel == ResizeKernel.Bicubic, border),
            key => Compute(key.Item1, key.Item2, key.Item3, key.Item4, key.Item5, key.Item6));

    static Contributions Compute(int inLength, int outLength, double scale, ResizeKernel kernel, bool antialias, ResizeBorder border)
    {
        double kernelWidth = kernel == ResizeKernel.Bicubic ? 4.0 : 1.0;
        Func<double, double> h = kernel == ResizeKernel.Bicubic ? Cubic : Box;
        if (scale < 1 && antialias)
        {
            // Interpolate and antialias at once with a kernel stretched by 1/scale.
            var unscaled = h;
            h = x => scale * unscaled(scale * x);
            kernelWidth /= scale;
        }

        int taps = (int)Math.Ceiling(kernelWidth) + 2;
        var indices = new int[outLength * taps];
        var weights = new double[outLength * taps];
        for (int i = 0; i < outLength; i++)
        {
            double x = i + 1;                                   // MATLAB's 1-based output coordinate
            double u = x / scale + 0.5 * (1 - 1 / scale);       // its position in input space
            double left = Math.Floor(u - kernelWidth / 2);
            double sum = 0;
            for (int t = 0; t < taps; t++)
            {
                double w = h(u - (left + t));
                weights[i * taps + t] = w;
                sum += w;
            }
            for (int t = 0; t < taps; t++)
            {
                weights[i * taps + t] /= sum;
                indices[i * taps + t] = MapInside((int)left + t, inLength, border) - 1;
            }
        }

        // Drop tap columns whose weight is zero for every output sample, as MATLAB does.
        var keep = Enumerable.Range(0, taps).Where(t => Enumerable.Range(0, outLength).Any(i => weights[i * taps + t] != 0)).ToArray();
        var keptIndices = new int[outLength * keep.Length];
        var keptWeights = new double[outLength * keep.Length];
        for (int i = 0; i < outLength; i++)
            for (int k = 0; k < keep.Length; k++)
            {
                keptIndices[i * keep.Length + k] = indices[i * taps + keep[k]];
                keptWeights[i * keep.Length + k] = weights[i * taps + keep[k]];
            }
        return new Contributions { OutLength = outLength, Taps = keep.Length, Indices = keptIndices, Weights = keptWeights };
    }

    /// <summary>Maps a 1-based index to 1..n.</summary>
    static int MapInside(int index, int n, ResizeBorder border)
    {
        if (border == ResizeBorder.Replicate) return Math.Clamp(index, 1, n);
        int period = 2 * n;                       // aux = [1:n, n:-1:1]
        int m = ((index - 1) % period + period) % period;
        return m < n ? m + 1 : period - m;
    }

    /// <summary>Keys (1981) cubic convolution kernel, a = -0.5, as in MATLAB.</summary>
    public static double Cubic(double x)
    {
        double ax = Math.Abs(x), ax2 = ax * ax, ax3 = ax2 * ax;
        if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
        if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
        return 0;
    }

    static double Box(double x) => x >= -0.5 && x < 0.5 ? 1 : 0;

    // ----------------------------------------------------------------------------------------
    // Whole images

    /// <summary><c>imresize(A, scale, method)</c> for a uint8 RGB image.</summary>
    public static RgbImage Resize(RgbImage image, double scale, ResizeKernel kernel = ResizeKernel.Bicubic,
        ResizeBorder border = DefaultBorder)
        => Resize(image, OutputLength(image.Width, scale), OutputLength(image.Height, scale), scale, scale, kernel, border);

    /// <summary><c>imresize(A, [rows cols], method)</c> for a uint8 RGB image.</summary>
    public static RgbImage Resize(RgbImage image, int outWidth, int outHeight, ResizeKernel kernel = ResizeKernel.Bicubic,
        ResizeBorder border = DefaultBorder)
        => Resize(image, outWidth, outHeight, (double)outWidth / image.Width, (double)outHeight / image.Height, kernel, border);

    static RgbImage Resize(RgbImage image, int outWidth, int outHeight, double scaleX, double scaleY, ResizeKernel kernel, ResizeBorder border,
        bool roundBetweenPasses = true)
    {
        var region = ResizeRegion(ToDouble(image), image.Width, image.Height, 3, scaleX, scaleY, outWidth, outHeight,
            0, 0, outWidth, outHeight, kernel, border, roundToUInt8: true, roundBetweenPasses);
        return FromDouble(region, outWidth, outHeight);
    }

    /// <summary>
    /// Like <c>Resize(image, scale, ...)</c> but without the uint8 rounding between the passes
    /// that MATLAB's mex does (its output class is its input's); for the tests that show it matters.
    /// </summary>
    internal static RgbImage ResizeWithoutIntermediateRounding(RgbImage image, double scale, ResizeKernel kernel, ResizeBorder border)
        => Resize(image, OutputLength(image.Width, scale), OutputLength(image.Height, scale), scale, scale, kernel, border, roundBetweenPasses: false);

    /// <summary>
    /// The rectangle (x, y, width, height) of <c>imresize(A, scale)</c>, computed without resizing
    /// the rest of the image: identical to resizing the whole image and cropping, at a small
    /// fraction of the cost. Used to make training crops.
    /// </summary>
    public static RgbImage ResizeRegion(RgbImage image, double scale, int x, int y, int width, int height,
        ResizeKernel kernel = ResizeKernel.Bicubic, ResizeBorder border = DefaultBorder)
    {
        int outW = OutputLength(image.Width, scale), outH = OutputLength(image.Height, scale);
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > outW || y + height > outH)
            throw new ArgumentOutOfRangeException(nameof(x), $"Region {width}x{height} at ({x},{y}) is outside the {outW}x{outH} resized image.");
        var region = ResizeRegion(ToDouble(image), image.Width, image.Height, 3, scale, scale, outW, outH,
            x, y, width, height, kernel, border, roundToUInt8: true);
        return FromDouble(region, width, height);
    }

    /// <summary>
    /// Resizes interleaved double samples (H x W x channels) with no rounding, as MATLAB does for
    /// double input: used by NIQE and for float images.
    /// </summary>
    public static double[] Resize(double[] samples, int width, int height, int channels, double scale,
        ResizeKernel kernel = ResizeKernel.Bicubic, ResizeBorder border = DefaultBorder)
    {
        int outW = OutputLength(width, scale), outH = OutputLength(height, scale);
        return ResizeRegion(samples, width, height, channels, scale, scale, outW, outH, 0, 0, outW, outH, kernel, border, roundToUInt8: false);
    }

    static double[] ResizeRegion(double[] src, int width, int height, int channels, double scaleX, double scaleY,
        int outWidth, int outHeight, int x0, int y0, int regionW, int regionH,
        ResizeKernel kernel, ResizeBorder border, bool roundToUInt8, bool roundBetweenPasses = true)
    {
        var along_x = GetContributions(width, outWidth, scaleX, kernel, border);
        var along_y = GetContributions(height, outHeight, scaleY, kernel, border);
        bool rowsFirst = scaleY <= scaleX; // MATLAB: sort(scale) is stable, so rows first on a tie

        if (rowsFirst)
        {
            // Pass 1 along the height, over just the input columns that pass 2 reads.
            var (c0, c1) = Span(along_x, x0, regionW);
            var mid = PassAlongHeight(src, width, channels, c0, c1 - c0, along_y, y0, regionH, roundToUInt8 && roundBetweenPasses);
            return PassAlongWidth(mid, c1 - c0, channels, along_x, x0, regionW, c0, roundToUInt8);
        }
        else
        {
            var (r0, r1) = Span(along_y, y0, regionH);
            var mid = PassAlongWidth(Rows(src, width, channels, r0, r1 - r0), width, channels, along_x, x0, regionW, 0, roundToUInt8 && roundBetweenPasses);
            return PassAlongHeight(mid, regionW, channels, 0, regionW, along_y, y0, regionH, roundToUInt8, rowOffset: r0);
        }
    }

    /// <summary>Smallest input range [lo, hi) touched by output samples [start, start+count).</summary>
    static (int Lo, int Hi) Span(Contributions c, int start, int count)
    {
        int lo = int.MaxValue, hi = int.MinValue;
        for (int i = start; i < start + count; i++)
            for (int t = 0; t < c.Taps; t++)
            {
                int idx = c.Indices[i * c.Taps + t];
                lo = Math.Min(lo, idx);
                hi = Math.Max(hi, idx + 1);
            }
        return (lo, hi);
    }

    static double[] Rows(double[] src, int width, int channels, int r0, int count)
        => src.AsSpan(r0 * width * channels, count * width * channels).ToArray();

    /// <summary>Output rows [y0, y0+rows) from input columns [c0, c0+cols); input rows are
    /// addressed relative to <paramref name="rowOffset"/>.</summary>
    static double[] PassAlongHeight(double[] src, int srcWidth, int channels, int c0, int cols,
        Contributions c, int y0, int rows, bool round, int rowOffset = 0)
    {
        var dst = new double[rows * cols * channels];
        for (int oy = 0; oy < rows; oy++)
        {
            int i = y0 + oy;
            for (int ox = 0; ox < cols; ox++)
                for (int ch = 0; ch < channels; ch++)
                {
                    double sum = 0;
                    for (int t = 0; t < c.Taps; t++)
                        sum += c.Weights[i * c.Taps + t] * src[((c.Indices[i * c.Taps + t] - rowOffset) * srcWidth + c0 + ox) * channels + ch];
                    dst[(oy * cols + ox) * channels + ch] = round ? RgbImage.RoundToByte(sum) : sum;
                }
        }
        return dst;
    }

    /// <summary>Output columns [x0, x0+cols) of every row; input columns are addressed relative
    /// to <paramref name="colOffset"/>.</summary>
    static double[] PassAlongWidth(double[] src, int srcWidth, int channels, Contributions c, int x0, int cols,
        int colOffset, bool round)
    {
        int rows = src.Length / (srcWidth * channels);
        var dst = new double[rows * cols * channels];
        for (int oy = 0; oy < rows; oy++)
            for (int ox = 0; ox < cols; ox++)
            {
                int i = x0 + ox;
                for (int ch = 0; ch < channels; ch++)
                {
                    double sum = 0;
                    for (int t = 0; t < c.Taps; t++)
                        sum += c.Weights[i * c.Taps + t] * src[(oy * srcWidth + c.Indices[i * c.Taps + t] - colOffset) * channels + ch];
                    dst[(oy * cols + ox) * channels + ch] = round ? RgbImage.RoundToByte(sum) : sum;
                }
            }
        return dst;
    }

    static double[] ToDouble(RgbImage image)
    {
        var d = new double[image.Pixels.Length];
        for (int i = 0; i < d.Length; i++) d[i] = image.Pixels[i];
        return d;
    }

    static RgbImage FromDouble(double[] samples, int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int i = 0; i < samples.Length; i++) image.Pixels[i] = RgbImage.RoundToByte(samples[i]);
        return image;
    }
}
