namespace SrganWorkbench.Imaging;

/// <summary>
/// EXIF orientation (TIFF tag 274): how a file's stored rows and columns lie in the upright picture. A camera stores
/// the sensor's rows as they come and records the way it was held: 6 for a phone held upright (the stored image is
/// the upright one turned 90 degrees anticlockwise). 1 as stored, 2 mirrored, 3 turned 180 degrees, 4 flipped upside
/// down, 5 transposed, 6 to be turned 90 degrees clockwise, 7 transversed, 8 to be turned 90 degrees anticlockwise.
/// </summary>
public static class ExifOrientation
{
    /// <summary>The upright picture's size (orientations 5-8 swap width and height).</summary>
    public static (int Width, int Height) UprightSize(int width, int height, int orientation) =>
        orientation >= 5 ? (height, width) : (width, height);

    /// <summary>The upright picture's interleaved samples, from a stored <paramref name="width"/> x
    /// <paramref name="height"/> image of <paramref name="channels"/> samples a pixel.</summary>
    public static ushort[] Apply(ushort[] samples, int width, int height, int channels, int orientation)
    {
        if (orientation is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(orientation), $"EXIF orientation is 1-8, got {orientation}.");
        if (orientation == 1) return samples;
        var (uw, uh) = UprightSize(width, height, orientation);
        var upright = new ushort[samples.Length];
        for (int y = 0; y < uh; y++)
            for (int x = 0; x < uw; x++)
            {
                // The stored pixel shown at upright (x, y).
                var (sx, sy) = orientation switch
                {
                    2 => (width - 1 - x, y),
                    3 => (width - 1 - x, height - 1 - y),
                    4 => (x, height - 1 - y),
                    5 => (y, x),
                    6 => (y, height - 1 - x),
                    7 => (width - 1 - y, height - 1 - x),
                    _ => (width - 1 - y, x), // 8
                };
                int from = (sy * width + sx) * channels, to = (y * uw + x) * channels;
                for (int c = 0; c < channels; c++) upright[to + c] = samples[from + c];
            }
        return upright;
    }
}
