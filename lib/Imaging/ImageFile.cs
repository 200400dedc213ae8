using System.Buffers.Binary;
using SkiaSharp;

namespace SrganWorkbench.Imaging;

/// <summary>What to do with an alpha channel when reading an image as RGB.</summary>
public enum AlphaPolicy
{
    /// <summary>Keep the stored (unpremultiplied) RGB values and drop alpha, as OpenCV's and
    /// MATLAB's imread do; the default, so RGBA and RGB copies of a picture score the same.</summary>
    Ignore,
    /// <summary>Composite over a white background: what a browser shows for the file.</summary>
    CompositeOnWhite,
    /// <summary>Refuse images with an alpha channel.</summary>
    Reject,
}

/// <summary>An image with float samples in [0,1], planar (3 x H x W), at the file's precision.</summary>
public sealed record PlanarImage(int Width, int Height, float[] Data, int BitDepth);

/// <summary>
/// Reads PNG, JPEG and BMP (and what else Skia decodes) into 8-bit RGB or float planes, and
/// writes PNG. Grayscale files are expanded to three equal channels. 16-bit PNGs keep their
/// precision through <see cref="ReadPlanar"/> and are rounded to 8 bits by <see cref="Read"/>.
/// Colour profiles are not applied: pixel values are taken as stored, as MATLAB's imread does.
/// Every failure names the file.
/// </summary>
public static class ImageFile
{
    /// <summary>Reads an image as 8-bit RGB.</summary>
    public static RgbImage Read(string path, AlphaPolicy alpha = AlphaPolicy.Ignore)
    {
        var (w, h, samples, bitDepth) = Decode(path, alpha);
        var image = new RgbImage(w, h);
        if (bitDepth == 8)
            samples.AsSpan().CopyTo(image.Pixels);
        else
            for (int i = 0; i < image.Pixels.Length; i++)
                image.Pixels[i] = RgbImage.RoundToByte(BinaryPrimitives.ReadUInt16LittleEndian(samples.AsSpan(2 * i)) / 257.0);
        return image;
    }

    /// <summary>Reads an image as float planes in [0,1], keeping 16-bit precision.</summary>
    public static PlanarImage ReadPlanar(string path, AlphaPolicy alpha = AlphaPolicy.Ignore)
    {
        var (w, h, samples, bitDepth) = Decode(path, alpha);
        var data = new float[3 * w * h];
        int plane = w * h;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++)
                data[c * plane + p] = bitDepth == 8
                    ? samples[p * 3 + c] / 255f
                    : BinaryPrimitives.ReadUInt16LittleEndian(samples.AsSpan(2 * (p * 3 + c))) / 65535f;
        return new PlanarImage(w, h, data, bitDepth);
    }

    /// <summary>Width and height without decoding the pixels.</summary>
    public static (int Width, int Height) ReadSize(string path)
    {
        using var codec = OpenCodec(path, out _);
        return (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>Channels stored in the file: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).</summary>
    public static int ReadChannels(string path)
    {
        using var codec = OpenCodec(path, out byte[] bytes);
        if (codec.EncodedFormat == SKEncodedImageFormat.Png && bytes.Length > 25)
            return bytes[25] switch { 0 => 1, 4 => 2, 6 => 4, 3 => codec.Info.AlphaType == SKAlphaType.Opaque ? 3 : 4, _ => 3 };
        if (codec.Info.ColorType == SKColorType.Gray8) return 1;
        return codec.Info.AlphaType == SKAlphaType.Opaque ? 3 : 4;
    }

    /// <summary>Writes an 8-bit RGB PNG atomically (a temporary file, then a rename).</summary>
    public static void WritePng(string path, RgbImage image)
        => AtomicFile.WriteAllBytes(path, PngEncoder.Encode(image.Width, image.Height, image.Pixels, 8));

    /// <summary>Writes float planes in [0,1] as an 8- or 16-bit RGB PNG (values clamped, rounded).</summary>
    public static void WritePng(string path, PlanarImage image, int bitDepth = 8)
    {
        int plane = image.Width * image.Height;
        double max = bitDepth == 16 ? 65535 : 255;
        var samples = new byte[plane * 3 * bitDepth / 8];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++)
            {
                double v = Math.Round(Math.Clamp(image.Data[c * plane + p], 0f, 1f) * max, MidpointRounding.AwayFromZero);
                if (bitDepth == 8) samples[p * 3 + c] = (byte)v;
                else BinaryPrimitives.WriteUInt16BigEndian(samples.AsSpan(2 * (p * 3 + c)), (ushort)v);
            }
        AtomicFile.WriteAllBytes(path, PngEncoder.Encode(image.Width, image.Height, samples, bitDepth));
    }

    /// <summary>Decodes to interleaved RGB: bytes for 8-bit files, little-endian ushorts for 16-bit PNGs.</summary>
    static (int Width, int Height, byte[] Samples, int BitDepth) Decode(string path, AlphaPolicy alpha)
    {
        using var codec = OpenCodec(path, out byte[] bytes);
        var info = codec.Info;
        int w = info.Width, h = info.Height;
        if (w <= 0 || h <= 0) throw new ImageFileException(path, $"image has no pixels ({w}x{h}).");
        bool hasAlpha = info.AlphaType != SKAlphaType.Opaque;
        if (hasAlpha && alpha == AlphaPolicy.Reject)
            throw new ImageFileException(path, "image has an alpha channel, and the alpha policy is Reject.");

        int bitDepth = codec.EncodedFormat == SKEncodedImageFormat.Png && PngBitDepth(bytes) == 16 ? 16 : 8;
        byte[] pixels;
        if (bitDepth == 16)
        {
            // Skia decodes 16-bit PNGs only to 8 bits or half floats; read them exactly ourselves.
            var (_, _, rgba16, _) = Png16Decoder.Decode(bytes, path);
            pixels = new byte[rgba16.Length * 2];
            for (int i = 0; i < rgba16.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(2 * i), rgba16[i]);
        }
        else
        {
            var target = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul); // no colour space: no conversion
            pixels = new byte[target.BytesSize];
            SKCodecResult result;
            unsafe
            {
                fixed (byte* p = pixels) result = codec.GetPixels(target, (IntPtr)p);
            }
            if (result != SKCodecResult.Success)
                throw new ImageFileException(path, result == SKCodecResult.IncompleteInput
                    ? "the file is truncated (the decoder ran out of data)."
                    : $"the image data could not be decoded ({result}).");
        }

        int bytesPerSample = bitDepth / 8;
        var rgb = new byte[w * h * 3 * bytesPerSample];
        if (bitDepth == 8 && (alpha != AlphaPolicy.CompositeOnWhite || !hasAlpha))
        {
            for (int p = 0, q = 0; p < rgb.Length; p += 3, q += 4) // the common case: drop alpha
            {
                rgb[p] = pixels[q];
                rgb[p + 1] = pixels[q + 1];
                rgb[p + 2] = pixels[q + 2];
            }
            return (w, h, rgb, bitDepth);
        }
        for (int p = 0; p < w * h; p++)
        {
            if (bitDepth == 8)
            {
                int a = pixels[p * 4 + 3];
                for (int c = 0; c < 3; c++)
                {
                    int v = pixels[p * 4 + c];
                    rgb[p * 3 + c] = alpha == AlphaPolicy.CompositeOnWhite && hasAlpha
                        ? RgbImage.RoundToByte((v * a + 255.0 * (255 - a)) / 255.0)
                        : (byte)v;
                }
            }
            else
            {
                int a = BinaryPrimitives.ReadUInt16LittleEndian(pixels.AsSpan(p * 8 + 6));
                for (int c = 0; c < 3; c++)
                {
                    int v = BinaryPrimitives.ReadUInt16LittleEndian(pixels.AsSpan(p * 8 + 2 * c));
                    if (alpha == AlphaPolicy.CompositeOnWhite && hasAlpha)
                        v = (int)Math.Round((v * (double)a + 65535.0 * (65535 - a)) / 65535.0);
                    BinaryPrimitives.WriteUInt16LittleEndian(rgb.AsSpan(2 * (p * 3 + c)), (ushort)v);
                }
            }
        }
        return (w, h, rgb, bitDepth);
    }

    static SKCodec OpenCodec(string path, out byte[] bytes)
    {
        if (Directory.Exists(path)) throw new ImageFileException(path, "is a directory, not an image file.");
        if (!File.Exists(path)) throw new ImageFileException(path, "file not found.");
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ImageFileException(path, $"cannot be read: {e.Message}", e); }
        if (bytes.Length == 0) throw new ImageFileException(path, "file is empty (0 bytes), expected a PNG, JPEG or BMP image.");

        // The codec takes ownership of the stream and disposes it with itself.
        var codec = SKCodec.Create(new SKMemoryStream(bytes), out var result);
        if (codec == null)
            throw new ImageFileException(path, result == SKCodecResult.IncompleteInput
                ? "the file is truncated (not even a complete image header)."
                : "not a recognised image (expected PNG, JPEG or BMP).");
        return codec;
    }

    /// <summary>Bit depth from a PNG's IHDR chunk (byte 24), or 0 when the header is not PNG.</summary>
    static int PngBitDepth(byte[] bytes) =>
        bytes.Length > 24 && bytes[0] == 0x89 && bytes[1] == (byte)'P' && bytes[12] == (byte)'I' && bytes[13] == (byte)'H'
            ? bytes[24] : 0;
}
