using System.Buffers.Binary;
using System.IO.Compression;

namespace SrganWorkbench.Imaging;

/// <summary>
/// A small PNG encoder (8 or 16 bits; grey, grey + alpha, RGB or RGBA; no metadata chunks), so that written files
/// are byte-for-byte deterministic and carry no timestamp or colour profile that a decoder
/// might apply. Each row gets the filter with the smallest sum of absolute residuals, the
/// usual libpng heuristic.
/// </summary>
public static class PngEncoder
{
    static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes interleaved samples (bytes, or big-endian 16-bit pairs) of 1 (grey), 2 (grey + alpha),
    /// 3 (RGB) or 4 (RGBA) channels.</summary>
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> samples, int bitDepth, int channels = 3)
    {
        if (bitDepth is not (8 or 16)) throw new ArgumentException($"PNG bit depth must be 8 or 16, got {bitDepth}.");
        if (channels is < 1 or > 4) throw new ArgumentException($"PNG pixels have 1 to 4 channels, got {channels}.");
        int bpp = channels * bitDepth / 8;
        int stride = width * bpp;
        if (samples.Length != stride * height)
            throw new ArgumentException($"Expected {stride * height} bytes for {width}x{height}x{channels} at {bitDepth} bits, got {samples.Length}.");

        var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            var previous = new byte[stride];
            var candidate = new byte[stride];
            var best = new byte[stride];
            for (int y = 0; y < height; y++)
            {
                var row = samples.Slice(y * stride, stride);
                long bestScore = long.MaxValue;
                byte bestFilter = 0;
                for (byte filter = 0; filter <= 4; filter++)
                {
                    long score = Filter(filter, row, previous, candidate, bpp);
                    if (score < bestScore) { bestScore = score; bestFilter = filter; candidate.CopyTo(best, 0); }
                }
                z.WriteByte(bestFilter);
                z.Write(best);
                row.CopyTo(previous);
            }
        }

        return Assemble(width, height, bitDepth, channels, raw.GetBuffer().AsSpan(0, (int)raw.Length));
    }

    /// <summary>
    /// 8-bit RGB without compression (no row filter, deflate's stored blocks): a file whose size depends on the width and
    /// height alone, not on what the picture shows. The rating site serves images this way, so that a response's length
    /// cannot tell a rater which method made the image (a compressed blurry image is smaller than a sharp one).
    /// </summary>
    public static byte[] EncodeStored(int width, int height, ReadOnlySpan<byte> samples)
    {
        int stride = 3 * width;
        if (samples.Length != stride * height)
            throw new ArgumentException($"Expected {stride * height} bytes for {width}x{height} RGB at 8 bits, got {samples.Length}.");
        var rows = new byte[(stride + 1) * height]; // each row: filter type 0 (none), then its samples
        for (int y = 0; y < height; y++) samples.Slice(y * stride, stride).CopyTo(rows.AsSpan(y * (stride + 1) + 1));
        var zlib = new MemoryStream();
        zlib.WriteByte(0x78); zlib.WriteByte(0x01); // zlib header: deflate, 32 KB window, no dictionary
        const int MaxStored = 65535; // a stored block holds at most this many bytes
        Span<byte> field = stackalloc byte[4];
        for (int offset = 0; offset < rows.Length; offset += MaxStored)
        {
            int length = Math.Min(MaxStored, rows.Length - offset);
            zlib.WriteByte(offset + length == rows.Length ? (byte)1 : (byte)0); // BFINAL on the last block; BTYPE 00 (stored)
            BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)length);
            BinaryPrimitives.WriteUInt16LittleEndian(field[2..], (ushort)~length);
            zlib.Write(field);
            zlib.Write(rows, offset, length);
        }
        BinaryPrimitives.WriteUInt32BigEndian(field, Adler32(rows));
        zlib.Write(field);
        return Assemble(width, height, 8, 3, zlib.GetBuffer().AsSpan(0, (int)zlib.Length));
    }

    static uint Adler32(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        foreach (byte d in data) { a = (a + d) % 65521; b = (b + a) % 65521; }
        return (b << 16) | a;
    }

    /// <summary>Signature, IHDR, one IDAT holding <paramref name="idat"/>, IEND.</summary>
    static byte[] Assemble(int width, int height, int bitDepth, int channels, ReadOnlySpan<byte> idat)
    {
        var png = new MemoryStream();
        png.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 }; // colour type: grey, grey + alpha, truecolour, truecolour + alpha
        ihdr[10] = 0; // deflate
        ihdr[11] = 0; // adaptive filtering
        ihdr[12] = 0; // no interlace
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", idat);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    static long Filter(byte filter, ReadOnlySpan<byte> row, byte[] up, byte[] output, int bpp)
    {
        long score = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = up[i], c = i >= bpp ? up[i - bpp] : 0;
            int predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                _ => Paeth(a, b, c),
            };
            byte value = (byte)(row[i] - predictor);
            output[i] = value;
            score += value < 128 ? value : 256 - value;
        }
        return score;
    }

    static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        for (int i = 0; i < 4; i++) header[4 + i] = (byte)type[i];
        stream.Write(header);
        stream.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, header[4..]), data) ^ 0xFFFFFFFFu;
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        stream.Write(crcBytes);
    }

    static class Crc32
    {
        static readonly uint[] Table = BuildTable();

        static uint[] BuildTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            return table;
        }

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }
    }
}
