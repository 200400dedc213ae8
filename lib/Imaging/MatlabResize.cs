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
/// For uint8 and uint16 images MATLAB's mex rounds and saturates the result of each pass to the
/// class's range; <c>Resize(RgbImage, ...)</c> and <see cref="ResizeInteger"/> do the same. Float inputs are resized
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
        => ResizeRegion(image, outWidth, outHeight, scaleX, scaleY, 0, 0, outWidth, outHeight, kernel, border, roundBetweenPasses);

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
        => ResizeRegion(image, OutputLength(image.Width, scale), OutputLength(image.Height, scale), scale, scale, x, y, width, height, kernel, border, true);

    static RgbImage ResizeRegion(RgbImage image, int outW, int outH, double scaleX, double scaleY, int x, int y, int width, int height,
        ResizeKernel kernel, ResizeBorder border, bool roundBetweenPasses)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > outW || y + height > outH)
            throw new ArgumentOutOfRangeException(nameof(x), $"Region {width}x{height} at ({x},{y}) is outside the {outW}x{outH} resized image.");
        var alongX = GetContributions(image.Width, outW, scaleX, kernel, border);
        var alongY = GetContributions(image.Height, outH, scaleY, kernel, border);
        // Only the input pixels the region reads, as doubles.
        var (c0, c1) = Span(alongX, x, width);
        var (r0, r1) = Span(alongY, y, height);
        var window = new Window(new double[(r1 - r0) * (c1 - c0) * 3], c0, r0, c1 - c0, r1 - r0, 3);
        for (int r = r0; r < r1; r++)
            for (int i = 0; i < (c1 - c0) * 3; i++) window.Data[((r - r0) * (c1 - c0)) * 3 + i] = image.Pixels[(r * image.Width + c0) * 3 + i];
        var result = Passes(window, alongX, alongY, scaleX, scaleY, x, y, width, height, roundTo: 255, roundBetweenPasses);
        return FromDouble(result.Data, width, height);
    }

    /// <summary>
    /// Resizes interleaved double samples (H x W x channels) with no rounding, as MATLAB does for
    /// double input: used by NIQE and for float images.
    /// </summary>
    public static double[] Resize(double[] samples, int width, int height, int channels, double scale,
        ResizeKernel kernel = ResizeKernel.Bicubic, ResizeBorder border = DefaultBorder)
    {
        int outW = OutputLength(width, scale), outH = OutputLength(height, scale);
        var alongX = GetContributions(width, outW, scale, kernel, border);
        var alongY = GetContributions(height, outH, scale, kernel, border);
        return Passes(new Window(samples, 0, 0, width, height, channels), alongX, alongY, scale, scale, 0, 0, outW, outH, roundTo: 0, false).Data;
    }

    /// <summary>
    /// <c>imresize(A, scale)</c> for a uint8 (<paramref name="maxValue"/> 255) or uint16 (65535) array of interleaved
    /// samples (H x W x channels): each pass rounded half away from zero and saturated to the class's range, as
    /// MATLAB's mex does. For 8 bits, the same numbers as <c>Resize(RgbImage, scale)</c>.
    /// </summary>
    public static ushort[] ResizeInteger(ushort[] samples, int width, int height, int channels, double scale, int maxValue,
        ResizeKernel kernel = ResizeKernel.Bicubic, ResizeBorder border = DefaultBorder)
        => ResizeIntegerRows(samples, 0, width, height, channels, scale, maxValue, 0, OutputLength(height, scale), kernel, border);

    /// <summary>The input rows [First, First + Count) that output rows [y, y + rows) of <c>imresize(A, scale)</c> read.</summary>
    public static (int First, int Count) InputRows(int height, double scale, int y, int rows,
        ResizeKernel kernel = ResizeKernel.Bicubic, ResizeBorder border = DefaultBorder)
    {
        var (lo, hi) = Span(GetContributions(height, OutputLength(height, scale), scale, kernel, border), y, rows);
        return (lo, hi - lo);
    }

    /// <summary>
    /// Output rows [y, y + rows) of <see cref="ResizeInteger"/>, every column, from the input rows <see cref="InputRows"/>
    /// names (<paramref name="window"/>: whole input rows from row <paramref name="first"/> on): the same numbers as
    /// resizing the whole image and keeping those rows, so that a large image is resized a band at a time.
    /// </summary>
    public static ushort[] ResizeIntegerRows(ReadOnlySpan<ushort> window, int first, int width, int height, int channels, double scale, int maxValue,
        int y, int rows, ResizeKernel kernel = ResizeKernel.Bicubic, ResizeBorder border = DefaultBorder)
    {
        if (maxValue is not (255 or 65535)) throw new ArgumentException($"MATLAB's integer classes here are uint8 (255) and uint16 (65535), got {maxValue}.");
        int outW = OutputLength(width, scale), outH = OutputLength(height, scale);
        var alongX = GetContributions(width, outW, scale, kernel, border);
        var alongY = GetContributions(height, outH, scale, kernel, border);
        var (lo, hi) = Span(alongY, y, rows);
        int count = window.Length / (width * channels);
        if (lo < first || hi > first + count)
            throw new ArgumentException($"Output rows {y}..{y + rows - 1} read input rows {lo}..{hi - 1}; the window holds {first}..{first + count - 1}.");
        var data = new double[window.Length];
        for (int i = 0; i < data.Length; i++) data[i] = window[i];
        var result = Passes(new Window(data, 0, first, width, count, channels), alongX, alongY, scale, scale, 0, y, outW, rows, maxValue, true).Data;
        return Array.ConvertAll(result, v => (ushort)v);
    }

    /// <summary>A rectangle of samples (H x W x channels) whose top-left sits at (X0, Y0) of its image.</summary>
    readonly record struct Window(double[] Data, int X0, int Y0, int Width, int Height, int Channels);

    /// <summary>The two 1-D passes in MATLAB's order: the dimension with the smaller scale first, rows on a tie. Results
    /// are rounded and saturated to 0..roundTo (the integer class's largest value: 255, 65535), or not rounded for 0.</summary>
    static Window Passes(Window source, Contributions alongX, Contributions alongY, double scaleX, double scaleY,
        int x, int y, int width, int height, int roundTo, bool roundBetweenPasses)
    {
        bool rowsFirst = scaleY <= scaleX; // MATLAB: sort(scale) is stable
        int between = roundBetweenPasses ? roundTo : 0;
        return rowsFirst
            ? AlongWidth(AlongHeight(source, alongY, y, height, between), alongX, x, width, roundTo)
            : AlongHeight(AlongWidth(source, alongX, x, width, between), alongY, y, height, roundTo);
    }

    /// <summary>MATLAB's conversion of a double to an integer class: round half away from zero, saturate.</summary>
    static double Round(double value, int roundTo)
    {
        if (roundTo == 0) return value;
        double r = Math.Round(value, MidpointRounding.AwayFromZero);
        return r <= 0 ? 0 : r >= roundTo ? roundTo : r;
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

    /// <summary>Output rows [y0, y0+rows) for every column of the source window.</summary>
    static Window AlongHeight(Window src, Contributions c, int y0, int rows, int roundTo)
    {
        int cols = src.Width, ch = src.Channels;
        var dst = new double[rows * cols * ch];
        for (int oy = 0; oy < rows; oy++)
        {
            int i = y0 + oy;
            for (int ox = 0; ox < cols; ox++)
                for (int k = 0; k < ch; k++)
                {
                    double sum = 0;
                    for (int t = 0; t < c.Taps; t++)
                        sum += c.Weights[i * c.Taps + t] * src.Data[((c.Indices[i * c.Taps + t] - src.Y0) * cols + ox) * ch + k];
                    dst[(oy * cols + ox) * ch + k] = Round(sum, roundTo);
                }
        }
        return new Window(dst, src.X0, y0, cols, rows, ch);
    }

    /// <summary>Output columns [x0, x0+cols) for every row of the source window.</summary>
    static Window AlongWidth(Window src, Contributions c, int x0, int cols, int roundTo)
    {
        int rows = src.Height, ch = src.Channels;
        var dst = new double[rows * cols * ch];
        for (int oy = 0; oy < rows; oy++)
            for (int ox = 0; ox < cols; ox++)
            {
                int i = x0 + ox;
                for (int k = 0; k < ch; k++)
                {
                    double sum = 0;
                    for (int t = 0; t < c.Taps; t++)
                        sum += c.Weights[i * c.Taps + t] * src.Data[(oy * src.Width + c.Indices[i * c.Taps + t] - src.X0) * ch + k];
                    dst[(oy * cols + ox) * ch + k] = Round(sum, roundTo);
                }
            }
        return new Window(dst, x0, src.Y0, cols, rows, ch);
    }

    static RgbImage FromDouble(double[] samples, int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int i = 0; i < samples.Length; i++) image.Pixels[i] = RgbImage.RoundToByte(samples[i]);
        return image;
    }
}
