using System.Buffers.Binary;
using System.IO.Compression;

namespace SrganWorkbench.Imaging;

/// <summary>
/// Decodes 16-bit PNGs exactly. Skia decodes them only to 8 bits or half floats (11-bit
/// mantissa), which loses precision, so this small decoder handles them instead: non-interlaced,
/// colour types grey, grey+alpha, RGB and RGBA. Output: the file's channels interleaved, 16 bits a sample.
/// </summary>
static class Png16Decoder
{
    public static (int Width, int Height, ushort[] Samples, int Channels) Decode(byte[] png, string path)
    {
        int offset = 8, width = 0, height = 0, colourType = -1, interlace = 0;
        var idat = new MemoryStream();
        bool sawEnd = false;
        while (offset + 8 <= png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            string type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            if (length < 0 || offset + 12 + (long)length > png.Length) break;
            var data = png.AsSpan(offset + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    colourType = data[9];
                    interlace = data[12];
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
            }
            offset += 12 + length;
            if (sawEnd) break;
        }
        if (!sawEnd) throw new ImageFileException(path, "the file is truncated (16-bit PNG without its IEND chunk).");
        if (interlace != 0) throw new ImageFileException(path, "interlaced 16-bit PNGs are not supported; save it without interlacing.");
        int channels = colourType switch
        {
            0 => 1, 4 => 2, 2 => 3, 6 => 4,
            _ => throw new ImageFileException(path, $"16-bit PNG with colour type {colourType} is not supported."),
        };

        int stride = width * channels * 2, bpp = channels * 2;
        var raw = new byte[(long)(stride + 1) * height];
        try
        {
            idat.Position = 0;
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            z.ReadExactly(raw);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new ImageFileException(path, "the image data could not be decoded (corrupt or truncated 16-bit PNG).", e);
        }

        var previous = new byte[stride];
        var row = new byte[stride];
        var samples = new ushort[(long)width * height * channels];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[(long)y * (stride + 1)];
            Array.Copy(raw, (long)y * (stride + 1) + 1, row, 0, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bpp ? row[i - bpp] : 0, b = previous[i], c = i >= bpp ? previous[i - bpp] : 0;
                row[i] = (byte)(row[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) >> 1,
                    4 => Paeth(a, b, c),
                    _ => throw new ImageFileException(path, $"row {y} has an unknown PNG filter type {filter}."),
                });
            }
            for (int i = 0; i < width * channels; i++)
                samples[(long)y * width * channels + i] = BinaryPrimitives.ReadUInt16BigEndian(row.AsSpan(2 * i));
            (previous, row) = (row, previous);
        }
        return (width, height, samples, channels);
    }

    static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
