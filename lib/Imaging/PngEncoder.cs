using System.Buffers.Binary;

namespace SrganWorkbench.Imaging;

/// <summary>
/// Whole images to PNG bytes: <see cref="Encode"/> through the one PNG writer, <see cref="PngWriter"/> (see it for
/// what the files hold), and <see cref="EncodeStored"/>, uncompressed, for the rating site.
/// </summary>
public static class PngEncoder
{
    /// <summary>Encodes interleaved samples (bytes, or big-endian 16-bit pairs) of 1 (grey), 2 (grey + alpha),
    /// 3 (RGB) or 4 (RGBA) channels.</summary>
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> samples, int bitDepth, int channels = 3)
    {
        var png = new MemoryStream();
        using (var writer = new PngWriter(png, width, height, bitDepth, channels))
        {
            if (samples.Length != (long)writer.Stride * height)
                throw new ArgumentException($"Expected {(long)writer.Stride * height} bytes for {width}x{height}x{channels} at {bitDepth} bits, got {samples.Length}.");
            writer.WriteRows(samples);
            writer.Finish();
        }
        return png.ToArray();
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
        var png = new MemoryStream();
        PngWriter.WriteHeader(png, width, height, 8, 3);
        PngWriter.WriteChunk(png, "IDAT", zlib.GetBuffer().AsSpan(0, (int)zlib.Length));
        PngWriter.WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    static uint Adler32(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        foreach (byte d in data) { a = (a + d) % 65521; b = (b + a) % 65521; }
        return (b << 16) | a;
    }
}
