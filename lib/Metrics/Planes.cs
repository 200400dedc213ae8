using SrganWorkbench.Imaging;

namespace SrganWorkbench.Metrics;

/// <summary>A single-channel image of doubles, row-major; what the metrics compute on.</summary>
public sealed record Plane(int Width, int Height, double[] Data)
{
    public double this[int y, int x] => Data[y * Width + x];

    /// <summary>The planes a metric compares, after colour conversion and border cropping.</summary>
    public static IReadOnlyList<Plane> FromImage(RgbImage image, MetricOptions options)
    {
        int b = options.CropBorder;
        if (image.Width <= 2 * b || image.Height <= 2 * b)
            throw new ArgumentException($"A {image.Width}x{image.Height} image is too small to remove a {b}-pixel border.");
        int w = image.Width - 2 * b, h = image.Height - 2 * b;
        if (options.Channel == MetricChannel.Y)
        {
            var y = ColorSpace.Luma(image);
            var data = new double[w * h];
            for (int r = 0; r < h; r++)
                for (int c = 0; c < w; c++) data[r * w + c] = y[(r + b) * image.Width + c + b];
            return [new Plane(w, h, data)];
        }
        var planes = new List<Plane>();
        for (int ch = 0; ch < 3; ch++)
        {
            var data = new double[w * h];
            for (int r = 0; r < h; r++)
                for (int c = 0; c < w; c++) data[r * w + c] = image[r + b, c + b, ch];
            planes.Add(new Plane(w, h, data));
        }
        return planes;
    }

    /// <summary>The planes of a result and its reference under one protocol; the images must be the same size.</summary>
    internal static (IReadOnlyList<Plane> Result, IReadOnlyList<Plane> Reference) Pair(RgbImage result, RgbImage reference, MetricOptions? options)
    {
        if (result.Width != reference.Width || result.Height != reference.Height)
            throw new ArgumentException($"Images differ in size: {result.Width}x{result.Height} vs {reference.Width}x{reference.Height}.");
        options ??= new MetricOptions();
        return (FromImage(result, options), FromImage(reference, options));
    }
}
