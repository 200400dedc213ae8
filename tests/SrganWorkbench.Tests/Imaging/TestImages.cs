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
    public static byte[] Grey16Png(int width, int height, Func<int, ushort> sample)
    {
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            for (int x = 0; x < width; x++) { ushort v = sample(y * width + x); raw.WriteByte((byte)(v >> 8)); raw.WriteByte((byte)v); }
        }
        var compressed = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) raw.WriteTo(z);
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 16; // bit depth; colour type 0 (grey), deflate, adaptive filters, no interlace
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
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
