using System.Buffers.Binary;
using System.IO.Compression;

namespace SrganWorkbench.Imaging;

/// <summary>
/// Writes a PNG to a stream row by row, so that an image too large to hold (srgan upscale's 16384 x 16384 output of a
/// 4096 px photo is 805 MB at 8-bit RGB) is written as it is made. The one PNG writer: <see cref="PngEncoder.Encode"/>
/// writes a whole image through it. 8 or 16 bits; grey, grey + alpha, RGB or RGBA; no metadata chunks, so that files
/// are byte-for-byte deterministic and carry no timestamp or colour profile that a decoder might apply. Each row gets
/// the filter with the smallest sum of absolute residuals, the usual libpng heuristic. The zlib stream of the filtered
/// rows goes straight into one IDAT chunk whose length is written in place at the end (the stream must be seekable: a
/// file or a MemoryStream), so a file's bytes depend on its pixels alone, whatever pieces its rows came in, and are
/// those the whole-image encoder wrote before this writer streamed.
/// </summary>
public sealed class PngWriter : IDisposable
{
    static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    readonly Stream _output;
    readonly IdatStream _idat;
    readonly ZLibStream _zlib;
    readonly int _bpp, _bitDepth;
    readonly byte[] _row, _previous, _candidate, _best;
    int _rowsLeft;
    bool _finished;

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    /// <summary>Bytes of one row's samples (without the filter byte).</summary>
    public int Stride { get; }

    /// <summary>Writes the signature and header; then <see cref="WriteRows(ReadOnlySpan{byte})"/> all rows, top to
    /// bottom, and <see cref="Finish"/>.</summary>
    public PngWriter(Stream output, int width, int height, int bitDepth, int channels) : this(output, width, height, bitDepth, channels, int.MaxValue) { }

    /// <summary>As the public constructor, with at most <paramref name="maxIdat"/> bytes an IDAT chunk (the PNG
    /// specification's 2^31 - 1 there; smaller in tests of image data that needs several chunks).</summary>
    internal PngWriter(Stream output, int width, int height, int bitDepth, int channels, int maxIdat)
    {
        if (!output.CanSeek) throw new ArgumentException("The PNG writer needs a seekable stream (a file or a MemoryStream): it writes the IDAT chunk's length at the end.");
        if (bitDepth is not (8 or 16)) throw new ArgumentException($"PNG bit depth must be 8 or 16, got {bitDepth}.");
        if (channels is < 1 or > 4) throw new ArgumentException($"PNG pixels have 1 to 4 channels, got {channels}.");
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image size must be positive, got {width}x{height}.");
        (_output, Width, Height, Channels, _bitDepth) = (output, width, height, channels, bitDepth);
        _bpp = channels * bitDepth / 8;
        Stride = checked(width * _bpp);
        (_row, _previous, _candidate, _best) = (new byte[Stride], new byte[Stride], new byte[Stride], new byte[Stride]);
        _rowsLeft = height;
        WriteHeader(output, width, height, bitDepth, channels);
        _idat = new IdatStream(output, maxIdat);
        _zlib = new ZLibStream(_idat, CompressionLevel.Optimal, leaveOpen: true);
    }

    /// <summary>Whole rows of samples as PNG stores them: bytes, or big-endian pairs for 16 bits.</summary>
    public void WriteRows(ReadOnlySpan<byte> rows)
    {
        if (rows.Length % Stride != 0) throw new ArgumentException($"Expected whole rows of {Stride} bytes, got {rows.Length} bytes.");
        for (int offset = 0; offset < rows.Length; offset += Stride) WriteRow(rows.Slice(offset, Stride));
    }

    /// <summary>Whole rows of interleaved samples (0..255, or 0..65535 for 16 bits), as <see cref="Photo.Samples"/> holds them.</summary>
    public void WriteRows(ReadOnlySpan<ushort> samples)
    {
        int perRow = Width * Channels;
        if (samples.Length % perRow != 0) throw new ArgumentException($"Expected whole rows of {perRow} samples, got {samples.Length} samples.");
        for (int offset = 0; offset < samples.Length; offset += perRow)
        {
            var row = samples.Slice(offset, perRow);
            if (_bitDepth == 8) for (int i = 0; i < perRow; i++) _row[i] = (byte)row[i];
            else for (int i = 0; i < perRow; i++) BinaryPrimitives.WriteUInt16BigEndian(_row.AsSpan(2 * i), row[i]);
            WriteRow(_row);
        }
    }

    void WriteRow(ReadOnlySpan<byte> row)
    {
        if (_rowsLeft == 0) throw new InvalidOperationException($"All {Height} rows of the PNG are written already.");
        long bestScore = long.MaxValue;
        byte bestFilter = 0;
        for (byte filter = 0; filter <= 4; filter++)
        {
            long score = Filter(filter, row, _previous, _candidate, _bpp);
            if (score < bestScore) { bestScore = score; bestFilter = filter; _candidate.CopyTo(_best, 0); }
        }
        _zlib.WriteByte(bestFilter);
        _zlib.Write(_best);
        row.CopyTo(_previous);
        _rowsLeft--;
    }

    /// <summary>Ends the zlib stream, writes the last IDAT chunk and IEND. Every row must have been written.</summary>
    public void Finish()
    {
        if (_rowsLeft != 0) throw new InvalidOperationException($"{_rowsLeft} of the PNG's {Height} rows were not written.");
        _zlib.Dispose(); // the end of the deflate stream and its Adler-32 go into the IDAT stream
        _idat.Complete();
        WriteChunk(_output, "IEND", []);
        _finished = true;
    }

    /// <summary>Releases the compressor; a writer not finished leaves an incomplete PNG (the caller deletes it: see
    /// <see cref="ImageFile.WritePng(string, int, int, int, int, Action{PngWriter})"/>, which writes to a temporary file).</summary>
    public void Dispose()
    {
        if (_finished) return;
        _idat.Discard = true; // what the compressor still holds need not reach a file that is being abandoned
        _zlib.Dispose();
    }

    /// <summary>The signature and the IHDR chunk.</summary>
    internal static void WriteHeader(Stream stream, int width, int height, int bitDepth, int channels)
    {
        stream.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 }; // colour type: grey, grey + alpha, truecolour, truecolour + alpha
        ihdr[10] = 0; // deflate
        ihdr[11] = 0; // adaptive filtering
        ihdr[12] = 0; // no interlace
        WriteChunk(stream, "IHDR", ihdr);
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

    internal static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    internal static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
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

    /// <summary>The zlib stream's bytes written straight into an IDAT chunk, whose length (unknown until the end) is
    /// written in place when it is complete, and its CRC after it. Image data longer than a chunk may hold goes on in
    /// further chunks.</summary>
    sealed class IdatStream(Stream output, int maxChunk) : Stream
    {
        long _start = -1; // where the open chunk's length field is
        int _length;
        uint _crc;
        bool _wroteAny;
        public bool Discard { get; set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Discard) return;
            while (buffer.Length > 0)
            {
                if (_start < 0) Begin();
                int n = Math.Min(buffer.Length, maxChunk - _length);
                output.Write(buffer[..n]);
                _crc = Crc32.Update(_crc, buffer[..n]);
                _length += n;
                buffer = buffer[n..];
                if (_length == maxChunk) End();
            }
        }

        /// <summary>Closes the last chunk (an empty one if no data came).</summary>
        public void Complete()
        {
            if (_start < 0 && !_wroteAny) Begin();
            if (_start >= 0) End();
        }

        void Begin()
        {
            _start = output.Position;
            output.Write([0, 0, 0, 0, (byte)'I', (byte)'D', (byte)'A', (byte)'T']);
            (_length, _crc) = (0, Crc32.Update(0xFFFFFFFFu, "IDAT"u8));
        }

        void End()
        {
            long end = output.Position;
            Span<byte> field = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(field, _length);
            output.Position = _start;
            output.Write(field);
            output.Position = end;
            BinaryPrimitives.WriteUInt32BigEndian(field, _crc ^ 0xFFFFFFFFu);
            output.Write(field);
            (_start, _wroteAny) = (-1, true);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void WriteByte(byte value) => Write([value]);
        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>The PNG chunk CRC (ISO 3309, as zlib's crc32).</summary>
    internal static class Crc32
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
