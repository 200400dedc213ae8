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
/// Reads PNG, JPEG, WebP and BMP (and what else Skia decodes), and writes PNG. One reading path,
/// <see cref="ReadPhoto"/>, which every reader shares (the CLI's upscale, eval and compare, training data, notebooks):
/// the picture upright (EXIF orientation applied, as viewers show it), its channels as stored (grey or colour, alpha
/// or not) and 16-bit PNGs at full precision. <see cref="Read"/> gives 8-bit RGB (grey expanded to three equal
/// channels, alpha by policy, 16 bits rounded) and <see cref="ReadPlanar"/> float planes; <see cref="OpenRows"/> hands the
/// same picture out a few rows at a time, and <see cref="WritePng(string, int, int, int, int, Action{PngWriter})"/> writes
/// one as its rows are made, for images too large to hold.
/// Colour profiles are not applied: pixel values are taken as stored, as MATLAB's imread does; an embedded profile
/// that is not sRGB gets a one-line warning (<see cref="Warn"/>), once per file. Every failure names the file.
/// </summary>
public static class ImageFile
{
    /// <summary>Where reading's warnings go (a colour profile that is not sRGB): standard error by default. Each file
    /// warns once per process, however often it is read (eval reads a test image once per method).</summary>
    public static Action<string> Warn { get; set; } = message => Console.Error.WriteLine($"warning: {message}");
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Warned = new();

    /// <summary>Reads an image as 8-bit RGB.</summary>
    public static RgbImage Read(string path, AlphaPolicy alpha = AlphaPolicy.Ignore) => ReadPhoto(path, alpha).ToRgbImage(alpha);

    /// <summary>Reads an image as float planes in [0,1], keeping 16-bit precision.</summary>
    public static PlanarImage ReadPlanar(string path, AlphaPolicy alpha = AlphaPolicy.Ignore) => ReadPhoto(path, alpha).ToPlanar(alpha);

    /// <summary>Reads an image as it is shown: upright, with its own channels and bit depth.</summary>
    /// <param name="path">The file.</param>
    /// <param name="alpha">Only <see cref="AlphaPolicy.Reject"/> matters here: it refuses an image with alpha.</param>
    public static Photo ReadPhoto(string path, AlphaPolicy alpha = AlphaPolicy.Ignore)
    {
        using var codec = OpenCodec(path, out byte[] bytes);
        var info = codec.Info;
        int w = info.Width, h = info.Height;
        if (w <= 0 || h <= 0) throw new ImageFileException(path, $"image has no pixels ({w}x{h}).");
        int channels = StoredChannels(codec, bytes);
        if (channels is 2 or 4 && alpha == AlphaPolicy.Reject)
            throw new ImageFileException(path, "image has an alpha channel, and the alpha policy is Reject.");
        var metadata = PhotoMetadata.Read(bytes);

        ushort[] samples;
        int bitDepth = 8;
        if (codec.EncodedFormat == SKEncodedImageFormat.Png && PngHeader(bytes).BitDepth == 16)
        {
            // Skia decodes 16-bit PNGs only to 8 bits or half floats; read them exactly ourselves.
            (_, _, samples, channels) = PngRowReader.Decode(bytes, path);
            bitDepth = 16;
        }
        else
        {
            var target = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul); // no colour space: no conversion
            var rgba = new byte[target.BytesSize];
            SKCodecResult result;
            unsafe
            {
                fixed (byte* p = rgba) result = codec.GetPixels(target, (IntPtr)p);
            }
            if (result != SKCodecResult.Success)
                throw new ImageFileException(path, result == SKCodecResult.IncompleteInput
                    ? "the file is truncated (the decoder ran out of data)."
                    : $"the image data could not be decoded ({result}).");
            samples = new ushort[w * h * channels];
            int colour = channels <= 2 ? 1 : 3; // grey: R of R = G = B
            for (int p = 0; p < w * h; p++)
            {
                for (int c = 0; c < colour; c++) samples[p * channels + c] = rgba[p * 4 + c];
                if (channels is 2 or 4) samples[p * channels + colour] = rgba[p * 4 + 3];
            }
        }

        var (uw, uh) = ExifOrientation.UprightSize(w, h, metadata.Orientation);
        return new Photo(uw, uh, channels, bitDepth, ExifOrientation.Apply(samples, w, h, channels, metadata.Orientation))
        {
            Orientation = metadata.Orientation,
            ColourProfile = ProfileNotSrgb(path, codec, metadata),
        };
    }

    /// <summary>
    /// The picture <see cref="ReadPhoto"/> reads, handed out a few rows at a time (srgan upscale --tile, which must not
    /// hold a large image whole): read from the file as its rows are asked for when it is a PNG of 8 or 16 bits whose
    /// rows are what ReadPhoto gives (no palette, transparency chunk, interlacing or EXIF orientation to apply); read
    /// whole by ReadPhoto otherwise, <see cref="PhotoRows.HeldWhole"/> saying why. Errors as ReadPhoto's.
    /// </summary>
    public static PhotoRows OpenRows(string path)
    {
        string? whole = null;
        try
        {
            if (OpenPngRows(path, out whole) is { } rows) return rows;
        }
        catch (Exception e) when (e is ImageFileException or IOException or UnauthorizedAccessException) { } // ReadPhoto says what is wrong
        return new PhotoRows(ReadPhoto(path), whole ?? "it could not be read as rows");
    }

    /// <summary>The rows of a PNG that ReadPhoto would read as they are stored; null and the reason otherwise.</summary>
    static PhotoRows? OpenPngRows(string path, out string? whole)
    {
        whole = "it is not a PNG (only PNGs are read row by row)";
        if (!File.Exists(path)) return null;
        var head = new byte[33];
        using (var file = File.OpenRead(path))
            if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || PngHeader(head) == (0, 0)) return null;
        using var codec = SKCodec.Create(path);
        if (codec is not { EncodedFormat: SKEncodedImageFormat.Png }) return null;
        var png = PngRowReader.Open(File.OpenRead(path), path);
        try
        {
            PhotoMetadata.Info metadata;
            using (var file = File.OpenRead(path)) metadata = PhotoMetadata.Read(file);
            whole = png.Unsupported != null ? $"its PNG layout is not read row by row ({png.BitDepth}-bit, colour type {png.ColourType}{(png.Interlaced ? ", interlaced" : "")})"
                : png.Chunks.Contains("tRNS") ? "it has a transparency chunk (tRNS)"
                : StoredChannels(codec, head) != png.Channels ? "its channels are not as its header says"
                : metadata.Orientation != 1 ? $"it is turned upright first (EXIF orientation {metadata.Orientation})"
                : null;
            if (whole == null) return new PhotoRows(png, ProfileNotSrgb(path, codec, metadata));
        }
        catch
        {
            png.Dispose();
            throw;
        }
        png.Dispose();
        return null;
    }

    /// <summary>The embedded colour profile's name when it is not sRGB (a one-line warning the first time a file is
    /// read), or null; see <see cref="Photo.ColourProfile"/>.</summary>
    static string? ProfileNotSrgb(string path, SKCodec codec, PhotoMetadata.Info metadata)
    {
        string? profile = metadata.IccProfile != null && codec.Info.ColorSpace is not { IsSrgb: true } ? metadata.IccProfile : null;
        if (profile != null && Warned.TryAdd(Path.GetFullPath(path), true))
            Warn($"{path}: its colour profile{(profile.Length > 0 ? $" '{profile}'" : "")} is not sRGB; its pixel values are used as stored, " +
                 "so colours may come out duller or shifted (convert it to sRGB first to avoid this).");
        return profile;
    }

    /// <summary>Width and height as shown (EXIF orientation applied), without decoding the pixels.</summary>
    public static (int Width, int Height) ReadSize(string path)
    {
        using var codec = OpenCodec(path, out byte[] bytes);
        return ExifOrientation.UprightSize(codec.Info.Width, codec.Info.Height, PhotoMetadata.Read(bytes).Orientation);
    }

    /// <summary>Channels stored in the file: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).</summary>
    public static int ReadChannels(string path)
    {
        using var codec = OpenCodec(path, out byte[] bytes);
        return StoredChannels(codec, bytes);
    }

    /// <summary>Grey for PNG colour types 0 and 4 and for grey JPEGs; alpha when the decoder says pixels may be
    /// transparent (an alpha channel, or a palette or tRNS chunk with transparency).</summary>
    static int StoredChannels(SKCodec codec, byte[] bytes)
    {
        bool grey = codec.EncodedFormat == SKEncodedImageFormat.Png
            ? PngHeader(bytes).ColourType is 0 or 4
            : codec.Info.ColorType == SKColorType.Gray8;
        bool alpha = codec.Info.AlphaType != SKAlphaType.Opaque;
        return (grey ? 1 : 3) + (alpha ? 1 : 0);
    }

    /// <summary>Writes an 8-bit RGB PNG atomically (a temporary file, then a rename).</summary>
    public static void WritePng(string path, RgbImage image)
        => AtomicFile.WriteAllBytes(path, PngEncoder.Encode(image.Width, image.Height, image.Pixels, 8));

    /// <summary>Writes float planes in [0,1] as an 8- or 16-bit RGB PNG (values clamped, rounded).</summary>
    public static void WritePng(string path, PlanarImage image, int bitDepth = 8)
    {
        int plane = image.Width * image.Height;
        double max = bitDepth == 16 ? 65535 : 255;
        var samples = new ushort[plane * 3];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++)
                samples[p * 3 + c] = (ushort)Math.Round(Math.Clamp(image.Data[c * plane + p], 0f, 1f) * max, MidpointRounding.AwayFromZero);
        WritePng(path, new Photo(image.Width, image.Height, 3, bitDepth, samples));
    }

    /// <summary>Writes a photo as a PNG of its own channels and bit depth, atomically (a temporary file beside the
    /// target, then a rename: an interrupted or failed write leaves no partial file under the target's name).</summary>
    public static void WritePng(string path, Photo photo)
        => WritePng(path, photo.Width, photo.Height, photo.Channels, photo.BitDepth, png => png.WriteRows(photo.Samples));

    /// <summary>Writes a PNG whose rows <paramref name="write"/> hands to the writer, top to bottom, as it makes them, so
    /// that the image is never whole in memory; atomically, as <see cref="WritePng(string, Photo)"/>: if
    /// <paramref name="write"/> throws or the process is stopped (<see cref="AtomicFile.AbandonUnfinished"/>), no file is
    /// left under <paramref name="path"/>.</summary>
    public static void WritePng(string path, int width, int height, int channels, int bitDepth, Action<PngWriter> write)
        => AtomicFile.Write(path, stream =>
        {
            using var png = new PngWriter(stream, width, height, bitDepth, channels);
            write(png);
            png.Finish();
        });

    static SKCodec OpenCodec(string path, out byte[] bytes)
    {
        if (Directory.Exists(path)) throw new ImageFileException(path, "is a directory, not an image file.");
        if (!File.Exists(path)) throw new ImageFileException(path, "file not found.");
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ImageFileException(path, $"cannot be read: {e.Message}", e); }
        if (bytes.Length == 0) throw new ImageFileException(path, "file is empty (0 bytes), expected a PNG, JPEG, WebP or BMP image.");

        // The codec takes ownership of the stream and disposes it with itself.
        var codec = SKCodec.Create(new SKMemoryStream(bytes), out var result);
        if (codec == null)
            throw new ImageFileException(path, result == SKCodecResult.IncompleteInput
                ? "the file is truncated (not even a complete image header)."
                : "not a recognised image (expected PNG, JPEG, WebP, GIF or BMP).");
        return codec;
    }

    /// <summary>Bit depth and colour type from a PNG's IHDR chunk (bytes 24 and 25), or zeros when the header is not PNG.</summary>
    static (int BitDepth, int ColourType) PngHeader(byte[] bytes) =>
        bytes.Length > 25 && bytes[0] == 0x89 && bytes[1] == (byte)'P' && bytes[12] == (byte)'I' && bytes[13] == (byte)'H'
            ? (bytes[24], bytes[25]) : (0, 0);
}
