using SrganWorkbench.Imaging;

namespace SrganWorkbench.Inference;

/// <summary>
/// Matches each RGB channel's histogram of an image to a reference's (classic CDF mapping). Some
/// SRGAN implementations apply it against the bicubic upscale to undo colour shifts; it is
/// optional here because it also changes what the network produced.
/// </summary>
public static class HistogramMatch
{
    public static RgbImage ToReference(RgbImage image, RgbImage reference)
    {
        var matched = ToReference(Array.ConvertAll(image.Pixels, v => (ushort)v), Array.ConvertAll(reference.Pixels, v => (ushort)v), 255);
        return new RgbImage(image.Width, image.Height, Array.ConvertAll(matched, v => (byte)v));
    }

    /// <summary>The same on interleaved RGB samples of 0..<paramref name="maxValue"/> (255 or 65535: one histogram bin a level).</summary>
    public static ushort[] ToReference(ushort[] image, ushort[] reference, int maxValue)
    {
        int levels = maxValue + 1;
        var result = new ushort[image.Length];
        for (int c = 0; c < 3; c++)
        {
            var source = Cdf(image, c, levels);
            var target = Cdf(reference, c, levels);
            var map = new ushort[levels];
            int j = 0;
            for (int v = 0; v < levels; v++)
            {
                while (j < maxValue && target[j] < source[v]) j++;
                map[v] = (ushort)j;
            }
            for (int p = c; p < image.Length; p += 3) result[p] = map[image[p]];
        }
        return result;
    }

    static double[] Cdf(ushort[] samples, int channel, int levels)
    {
        var counts = new long[levels];
        for (int p = channel; p < samples.Length; p += 3) counts[samples[p]]++;
        var cdf = new double[levels];
        double total = samples.Length / 3, running = 0;
        for (int v = 0; v < levels; v++) { running += counts[v]; cdf[v] = running / total; }
        return cdf;
    }
}
