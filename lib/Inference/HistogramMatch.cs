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
        var result = new RgbImage(image.Width, image.Height);
        for (int c = 0; c < 3; c++)
        {
            var source = Cdf(image, c);
            var target = Cdf(reference, c);
            var map = new byte[256];
            int j = 0;
            for (int v = 0; v < 256; v++)
            {
                while (j < 255 && target[j] < source[v]) j++;
                map[v] = (byte)j;
            }
            for (int p = c; p < image.Pixels.Length; p += 3) result.Pixels[p] = map[image.Pixels[p]];
        }
        return result;
    }

    static double[] Cdf(RgbImage image, int channel)
    {
        var counts = new long[256];
        for (int p = channel; p < image.Pixels.Length; p += 3) counts[image.Pixels[p]]++;
        var cdf = new double[256];
        double total = image.Width * (double)image.Height, running = 0;
        for (int v = 0; v < 256; v++) { running += counts[v]; cdf[v] = running / total; }
        return cdf;
    }
}
