using SkiaSharp;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Tests.Imaging;

/// <summary>Small images in every format the reader must handle, written by independent encoders.</summary>
static class TestImages
{
    /// <summary>A deterministic colourful RGB image.</summary>
    public static RgbImage Pattern(int width, int height, int seed = 1)
    {
        var image = new RgbImage(width, height);
        var rng = new SplitMix64((ulong)seed);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                image[y, x, 0] = (byte)(x * 255 / Math.Max(1, width - 1));
                image[y, x, 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                image[y, x, 2] = (byte)rng.Next(256);
            }
        return image;
    }

    /// <summary>Encodes with Skia (libpng / libjpeg-turbo), not with our own encoder.</summary>
    public static byte[] SkiaEncode(int width, int height, SKColorType type, byte[] pixels, SKEncodedImageFormat format, SKAlphaType alpha = SKAlphaType.Opaque)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, type, alpha));
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(format, 100);
        return data.ToArray();
    }

    public static byte[] GrayPng(int width, int height, Func<int, int, byte> value)
    {
        var pixels = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) pixels[y * width + x] = value(x, y);
        return SkiaEncode(width, height, SKColorType.Gray8, pixels, SKEncodedImageFormat.Png);
    }

    public static byte[] RgbaPng(int width, int height, Func<int, int, (byte R, byte G, byte B, byte A)> value)
    {
        var pixels = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (r, g, b, a) = value(x, y);
                int i = (y * width + x) * 4;
                (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = (r, g, b, a);
            }
        return SkiaEncode(width, height, SKColorType.Rgba8888, pixels, SKEncodedImageFormat.Png, SKAlphaType.Unpremul);
    }

    public static byte[] Jpeg(RgbImage image)
    {
        var pixels = new byte[image.Width * image.Height * 4];
        for (int p = 0; p < image.Width * image.Height; p++)
        {
            pixels[p * 4] = image.Pixels[p * 3];
            pixels[p * 4 + 1] = image.Pixels[p * 3 + 1];
            pixels[p * 4 + 2] = image.Pixels[p * 3 + 2];
            pixels[p * 4 + 3] = 255;
        }
        return SkiaEncode(image.Width, image.Height, SKColorType.Rgba8888, pixels, SKEncodedImageFormat.Jpeg);
    }

    /// <summary>A 16-bit greyscale PNG, chunk by chunk from the PNG specification (filter 0 on every row).</summary>
    public static byte[] Grey16Png(int width, int height, Func<int, ushort> sample) =>
        Png(width, height, 1, 16, Enumerable.Range(0, width * height).Select(sample).ToArray());

    /// <summary>A PNG of any channel count (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA) and bit depth (8, 16), chunk by chunk
    /// from the PNG specification (filter 0 on every row), with extra chunks (eXIf, iCCP) before the image data.</summary>
    public static byte[] Png(int width, int height, int channels, int bitDepth, ushort[] samples, params (string Type, byte[] Data)[] chunks)
    {
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            for (int i = 0; i < width * channels; i++)
            {
                ushort v = samples[y * width * channels + i];
                if (bitDepth == 16) raw.WriteByte((byte)(v >> 8));
                raw.WriteByte((byte)v);
            }
        }
        var compressed = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) raw.WriteTo(z);
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 }; // colour type; then deflate, adaptive filters, no interlace
        Chunk(png, "IHDR", ihdr);
        foreach (var (type, data) in chunks) Chunk(png, type, data);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>An 8-bit RGB image as a PNG with an eXIf chunk giving this orientation.</summary>
    public static byte[] PngWithOrientation(RgbImage image, int orientation, bool bigEndian = true) =>
        Png(image.Width, image.Height, 3, 8, Array.ConvertAll(image.Pixels, v => (ushort)v), ("eXIf", ExifTiff(orientation, bigEndian)));

    /// <summary>A JPEG (Skia's encoder) with an EXIF APP1 segment giving this orientation, right after SOI, where
    /// cameras put it.</summary>
    public static byte[] JpegWithOrientation(RgbImage image, int orientation, bool bigEndian = true)
    {
        byte[] jpeg = Jpeg(image);
        byte[] exif = [.. "Exif\0\0"u8, .. ExifTiff(orientation, bigEndian)];
        byte[] app1 = [0xFF, 0xE1, (byte)((exif.Length + 2) >> 8), (byte)(exif.Length + 2), .. exif];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    /// <summary>The TIFF structure that EXIF is: a header and IFD0 holding one entry, Orientation (tag 274, SHORT).</summary>
    public static byte[] ExifTiff(int orientation, bool bigEndian)
    {
        var t = new byte[26];
        void U16(int at, int v) { if (bigEndian) System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(at), (ushort)v); else System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(t.AsSpan(at), (ushort)v); }
        void U32(int at, int v) { if (bigEndian) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(at), (uint)v); else System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(at), (uint)v); }
        t[0] = t[1] = (byte)(bigEndian ? 'M' : 'I');
        U16(2, 42); U32(4, 8);           // magic, offset of IFD0
        U16(8, 1);                       // one entry
        U16(10, 274); U16(12, 3); U32(14, 1); U16(18, orientation); // tag, SHORT, count 1, value (left-justified)
        U32(22, 0);                      // no next IFD
        return t;
    }

    /// <summary>
    /// The picture a viewer shows for stored pixels with this EXIF orientation, from the EXIF specification's table
    /// (which visual side the stored 0th row and 0th column lie along): 1 top/left, 2 top/right, 3 bottom/right,
    /// 4 bottom/left, 5 left/top, 6 right/top, 7 right/bottom, 8 left/bottom.
    /// </summary>
    public static RgbImage Upright(RgbImage stored, int orientation)
    {
        string[] row0 = ["", "top", "top", "bottom", "bottom", "left", "right", "right", "left"];
        string[] column0 = ["", "left", "right", "right", "left", "top", "top", "bottom", "bottom"];
        int w = stored.Width, h = stored.Height;
        bool sideways = row0[orientation] is "left" or "right";
        var upright = sideways ? new RgbImage(h, w) : new RgbImage(w, h);
        for (int sy = 0; sy < h; sy++)
            for (int sx = 0; sx < w; sx++)
            {
                int ux, uy;
                if (!sideways)
                {
                    uy = row0[orientation] == "top" ? sy : h - 1 - sy;    // stored rows run down (or up) the picture
                    ux = column0[orientation] == "left" ? sx : w - 1 - sx;
                }
                else
                {
                    ux = row0[orientation] == "left" ? sy : h - 1 - sy;   // stored rows run across the picture
                    uy = column0[orientation] == "top" ? sx : w - 1 - sx;
                }
                for (int c = 0; c < 3; c++) upright[uy, ux, c] = stored[sy, sx, c];
            }
        return upright;
    }

    /// <summary>Pixels as Skia decodes them without looking at any metadata: RGBA, unpremultiplied, the file's own
    /// values (no orientation, no colour conversion).</summary>
    public static (int Width, int Height, byte[] Rgba) SkiaDecodeRaw(byte[] file)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(file));
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, bitmap.GetPixels()));
        byte[] rgba = bitmap.Bytes;
        bitmap.Dispose();
        return (info.Width, info.Height, rgba);
    }

    /// <summary>RGB of a Skia RGBA decode.</summary>
    public static RgbImage RgbOf((int Width, int Height, byte[] Rgba) decoded)
    {
        var image = new RgbImage(decoded.Width, decoded.Height);
        for (int p = 0; p < decoded.Width * decoded.Height; p++)
            for (int c = 0; c < 3; c++) image.Pixels[p * 3 + c] = decoded.Rgba[p * 4 + c];
        return image;
    }

    /// <summary>Bit depth and colour type from a PNG's IHDR (0 grey, 2 RGB, 4 grey + alpha, 6 RGBA), read from the bytes.</summary>
    public static (int BitDepth, int ColourType) PngMode(string path)
    {
        byte[] head = File.ReadAllBytes(path)[..26];
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(head, 12, 4));
        return (head[24], head[25]);
    }

    /// <summary>An 8-bit RGBA image with a Display P3 colour profile (Skia's encoder embeds it as an ICC profile).</summary>
    public static byte[] DisplayP3(RgbImage image, SKEncodedImageFormat format)
    {
        using var p3 = SKColorSpace.CreateRgb(SKColorSpaceTransferFn.Srgb, SKColorSpaceXyz.DisplayP3);
        return EncodeIn(image, format, p3);
    }

    /// <summary>The same with Skia's sRGB profile.</summary>
    public static byte[] Srgb(RgbImage image, SKEncodedImageFormat format) => EncodeIn(image, format, SKColorSpace.CreateSrgb()); // a shared instance: not disposed

    static byte[] EncodeIn(RgbImage image, SKEncodedImageFormat format, SKColorSpace space)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, space));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int p = 0; p < image.Width * image.Height; p++)
        {
            for (int c = 0; c < 3; c++) rgba[p * 4 + c] = image.Pixels[p * 3 + c];
            rgba[p * 4 + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.PeekPixels().Encode(format, 100);
        return data.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var header = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(header, 4);
        s.Write(header);
        s.Write(data);
        uint crc = 0xFFFFFFFF;
        foreach (byte b in header[4..].Concat(data))
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        var crcBytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crcBytes, ~crc);
        s.Write(crcBytes);
    }

    /// <summary>A 24-bit bottom-up BMP, written by hand from the format's definition.</summary>
    public static byte[] Bmp(RgbImage image)
    {
        int rowBytes = (image.Width * 3 + 3) / 4 * 4;
        int size = 54 + rowBytes * image.Height;
        var bmp = new byte[size];
        bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
        BitConverter.GetBytes(size).CopyTo(bmp, 2);
        BitConverter.GetBytes(54).CopyTo(bmp, 10);
        BitConverter.GetBytes(40).CopyTo(bmp, 14);
        BitConverter.GetBytes(image.Width).CopyTo(bmp, 18);
        BitConverter.GetBytes(image.Height).CopyTo(bmp, 22);
        BitConverter.GetBytes((short)1).CopyTo(bmp, 26);
        BitConverter.GetBytes((short)24).CopyTo(bmp, 28);
        BitConverter.GetBytes(rowBytes * image.Height).CopyTo(bmp, 34);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                int o = 54 + (image.Height - 1 - y) * rowBytes + x * 3;
                bmp[o] = image[y, x, 2]; bmp[o + 1] = image[y, x, 1]; bmp[o + 2] = image[y, x, 0];
            }
        return bmp;
    }
}
