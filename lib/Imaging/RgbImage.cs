namespace SrganWorkbench.Imaging;

/// <summary>
/// An 8-bit RGB image, pixels interleaved row by row (H x W x 3), the way MATLAB's uint8 arrays
/// hold them. Everything that must match MATLAB to the last grey level (resizing, colour
/// conversion, metrics) works on this type; networks work on float tensors (see ImageTensor).
/// </summary>
public sealed class RgbImage
{
    public int Width { get; }
    public int Height { get; }
    /// <summary>H*W*3 bytes: R, G, B of pixel (0,0), then (0,1), ...</summary>
    public byte[] Pixels { get; }

    public RgbImage(int width, int height, byte[]? pixels = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image size must be positive, got {width}x{height}.");
        pixels ??= new byte[checked(width * height * 3)];
        if (pixels.Length != width * height * 3)
            throw new ArgumentException($"Expected {width * height * 3} bytes for a {width}x{height} RGB image, got {pixels.Length}.");
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public byte this[int y, int x, int c]
    {
        get => Pixels[(y * Width + x) * 3 + c];
        set => Pixels[(y * Width + x) * 3 + c] = value;
    }

    /// <summary>A copy of the rectangle at (x, y) of the given size.</summary>
    public RgbImage Crop(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > Width || y + height > Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"Crop {width}x{height} at ({x},{y}) is outside the {Width}x{Height} image.");
        var result = new RgbImage(width, height);
        for (int row = 0; row < height; row++)
            Array.Copy(Pixels, ((y + row) * Width + x) * 3, result.Pixels, row * width * 3, width * 3);
        return result;
    }

    /// <summary>
    /// MATLAB's modcrop: keep the top-left part whose sides are multiples of <paramref name="scale"/>,
    /// so that an image and its 1/scale LR version line up exactly.
    /// </summary>
    public RgbImage ModCrop(int scale)
    {
        int w = Width - Width % scale, h = Height - Height % scale;
        if (w == 0 || h == 0) throw new ArgumentException($"A {Width}x{Height} image is smaller than the scale {scale}.");
        return w == Width && h == Height ? this : Crop(0, 0, w, h);
    }

    /// <summary>True when every pixel has R == G == B.</summary>
    public bool IsGray()
    {
        for (int i = 0; i < Pixels.Length; i += 3)
            if (Pixels[i] != Pixels[i + 1] || Pixels[i] != Pixels[i + 2]) return false;
        return true;
    }

    public RgbImage Clone() => new(Width, Height, (byte[])Pixels.Clone());

    /// <summary>Rounds a real value to uint8 as MATLAB does: half away from zero, saturating.</summary>
    public static byte RoundToByte(double value)
    {
        double r = Math.Round(value, MidpointRounding.AwayFromZero);
        return r <= 0 ? (byte)0 : r >= 255 ? (byte)255 : (byte)r;
    }
}
