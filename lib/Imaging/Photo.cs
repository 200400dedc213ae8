namespace SrganWorkbench.Imaging;

/// <summary>
/// An image as a person has it, read by <see cref="ImageFile.ReadPhoto"/>: upright (the file's EXIF orientation
/// applied), in its own channels (grey 1, grey + alpha 2, RGB 3, RGBA 4) and its own precision (8 or 16 bits a
/// sample). Samples are interleaved row by row as the file stores them (0..255 or 0..65535; colour not premultiplied
/// by alpha). The other readers (8-bit RGB, float planes) are views of it, so they all see the same picture.
/// </summary>
public sealed class Photo
{
    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public int BitDepth { get; }
    /// <summary>H*W*Channels samples: those of pixel (0,0), then (0,1), ...</summary>
    public ushort[] Samples { get; }
    /// <summary>The EXIF orientation the file had (1-8), already applied to the samples.</summary>
    public int Orientation { get; init; } = 1;
    /// <summary>The embedded colour profile's name when that profile is not sRGB ("" for an unnamed one); null for an
    /// sRGB profile or none. Pixel values are used as stored either way, as MATLAB's imread does.</summary>
    public string? ColourProfile { get; init; }

    public Photo(int width, int height, int channels, int bitDepth, ushort[]? samples = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image size must be positive, got {width}x{height}.");
        if (channels is < 1 or > 4) throw new ArgumentException($"A photo has 1 to 4 channels, got {channels}.");
        if (bitDepth is not (8 or 16)) throw new ArgumentException($"A photo has 8 or 16 bits a sample, got {bitDepth}.");
        samples ??= new ushort[checked(width * height * channels)];
        if (samples.Length != width * height * channels)
            throw new ArgumentException($"Expected {width * height * channels} samples for {width}x{height}x{channels}, got {samples.Length}.");
        (Width, Height, Channels, BitDepth, Samples) = (width, height, channels, bitDepth, samples);
    }

    public bool IsGrey => Channels <= 2;
    public bool HasAlpha => Channels is 2 or 4;
    public int MaxValue => BitDepth == 16 ? 65535 : 255;
    public string Mode => ModeOf(Channels);
    public override string ToString() => Describe(Width, Height, Channels, BitDepth);
    /// <summary>"W x H mode N-bit", as <see cref="ToString"/> says it, for a photo of that kind.</summary>
    public static string Describe(int width, int height, int channels, int bitDepth) => $"{width}x{height} {ModeOf(channels)} {bitDepth}-bit";
    static string ModeOf(int channels) => channels switch { 1 => "grey", 2 => "grey+alpha", 3 => "RGB", _ => "RGBA" };

    /// <summary>An 8-bit RGB image as a photo (no alpha).</summary>
    public static Photo FromRgb(RgbImage image)
    {
        var samples = new ushort[image.Pixels.Length];
        for (int i = 0; i < samples.Length; i++) samples[i] = image.Pixels[i];
        return new Photo(image.Width, image.Height, 3, 8, samples);
    }

    /// <summary>Interleaved RGB at the photo's precision: grey repeated in the three channels; alpha dropped (the
    /// stored colour kept, as OpenCV's and MATLAB's imread do) or composited over white, as the policy says (Reject
    /// is the caller's: it knows the file).</summary>
    public ushort[] Rgb(AlphaPolicy alpha = AlphaPolicy.Ignore)
    {
        int pixels = Width * Height, colour = IsGrey ? 1 : 3;
        bool composite = HasAlpha && alpha == AlphaPolicy.CompositeOnWhite;
        double max = MaxValue;
        var rgb = new ushort[pixels * 3];
        for (int p = 0; p < pixels; p++)
        {
            int a = HasAlpha ? Samples[p * Channels + colour] : MaxValue;
            for (int c = 0; c < 3; c++)
            {
                int v = Samples[p * Channels + (colour == 1 ? 0 : c)];
                rgb[p * 3 + c] = composite ? (ushort)Math.Round((v * (double)a + max * (max - a)) / max, MidpointRounding.AwayFromZero) : (ushort)v;
            }
        }
        return rgb;
    }

    /// <summary>The alpha channel (H*W samples), or null when the photo has none.</summary>
    public ushort[]? Alpha()
    {
        if (!HasAlpha) return null;
        var alpha = new ushort[Width * Height];
        for (int p = 0; p < alpha.Length; p++) alpha[p] = Samples[p * Channels + Channels - 1];
        return alpha;
    }

    /// <summary>8-bit RGB (16-bit samples rounded to the nearest 8-bit level).</summary>
    public RgbImage ToRgbImage(AlphaPolicy alpha = AlphaPolicy.Ignore)
    {
        var rgb = Rgb(alpha);
        var image = new RgbImage(Width, Height);
        for (int i = 0; i < rgb.Length; i++) image.Pixels[i] = BitDepth == 8 ? (byte)rgb[i] : RgbImage.RoundToByte(rgb[i] / 257.0);
        return image;
    }

    /// <summary>Float planes (3 x H x W in [0,1]) at the photo's precision: what a network takes.</summary>
    public PlanarImage ToPlanar(AlphaPolicy alpha = AlphaPolicy.Ignore)
    {
        var rgb = Rgb(alpha);
        int plane = Width * Height;
        float max = MaxValue;
        var data = new float[3 * plane];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) data[c * plane + p] = rgb[p * 3 + c] / max;
        return new PlanarImage(Width, Height, data, BitDepth);
    }
}
