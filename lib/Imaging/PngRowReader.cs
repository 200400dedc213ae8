using System.Buffers.Binary;
using System.IO.Compression;

namespace SrganWorkbench.Imaging;

/// <summary>
/// Reads a PNG's rows one at a time, top to bottom, holding one compressed chunk and two rows: non-interlaced, grey,
/// grey + alpha, RGB or RGBA, 8 or 16 bits a sample, each row the file's channels interleaved. Two readers use it:
/// <see cref="ImageFile.ReadPhoto"/> for 16-bit PNGs (Skia decodes them only to 8 bits or half floats, which loses
/// precision; <see cref="Decode"/>) and <see cref="ImageFile.OpenRows"/>, so that srgan upscale reads a large PNG
/// without holding it whole. Other PNGs (palettes, fewer than 8 bits, interlaced) are Skia's: <see cref="Unsupported"/>
/// says why this reader does not take one.
/// </summary>
sealed class PngRowReader : IDisposable
{
    readonly Stream _stream;
    readonly string _path;
    readonly ZLibStream? _inflate;
    readonly byte[] _raw = [], _previous = [];
    readonly int _bpp;
    int _y;

    public int Width { get; }
    public int Height { get; }
    public int BitDepth { get; }
    /// <summary>The PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA.</summary>
    public int ColourType { get; }
    public bool Interlaced { get; }
    /// <summary>1 to 4 for the colour types read here, 0 for a palette.</summary>
    public int Channels { get; }
    /// <summary>Every chunk's type, in the file's order.</summary>
    public IReadOnlyList<string> Chunks { get; }
    /// <summary>Why this reader does not decode the file's pixels (Skia does), or null when it does.</summary>
    public string? Unsupported { get; }

    PngRowReader(Stream stream, string path)
    {
        (_stream, _path) = (stream, path);
        var chunks = new List<string>();
        long firstIdat = -1;
        bool sawEnd = false;
        Span<byte> header = stackalloc byte[8];
        byte[] ihdr = [];
        // Walk the chunk headers (seeking over the data), so that a truncated file is told before any row is read.
        stream.Position = 8;
        while (!sawEnd && stream.Position + 12 <= stream.Length)
        {
            long start = stream.Position;
            stream.ReadExactly(header);
            int length = BinaryPrimitives.ReadInt32BigEndian(header);
            string type = System.Text.Encoding.ASCII.GetString(header[4..]);
            if (length < 0 || start + 12 + (long)length > stream.Length) break;
            if (type == "IHDR" && length >= 13) { ihdr = new byte[length]; stream.ReadExactly(ihdr); }
            if (type == "IDAT" && firstIdat < 0) firstIdat = start;
            sawEnd = type == "IEND";
            chunks.Add(type);
            stream.Position = start + 12 + length;
        }
        Chunks = chunks;
        if (ihdr.Length == 0) throw new ImageFileException(path, "not a PNG with an IHDR chunk.");
        (Width, Height) = (BinaryPrimitives.ReadInt32BigEndian(ihdr), BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4)));
        (BitDepth, ColourType, Interlaced) = (ihdr[8], ihdr[9], ihdr[12] != 0);
        Channels = ColourType switch { 0 => 1, 4 => 2, 2 => 3, 6 => 4, _ => 0 };
        if (!sawEnd) throw new ImageFileException(path, $"the file is truncated ({BitDepth}-bit PNG without its IEND chunk).");
        Unsupported = Interlaced ? $"interlaced {BitDepth}-bit PNGs are not supported; save it without interlacing."
            : Channels == 0 ? $"{BitDepth}-bit PNG with colour type {ColourType} is not supported."
            : BitDepth is not (8 or 16) ? $"{BitDepth}-bit PNGs are not supported here."
            : firstIdat < 0 ? "the PNG has no image data (no IDAT chunk)."
            : null;
        if (Unsupported != null) return;

        _bpp = Channels * BitDepth / 8;
        _raw = new byte[Width * _bpp + 1];
        _previous = new byte[Width * _bpp];
        stream.Position = firstIdat;
        _inflate = new ZLibStream(new IdatReader(stream, path), CompressionMode.Decompress);
    }

    /// <summary>Reads the chunk layout and header of the PNG in <paramref name="stream"/> (seekable, from its start);
    /// rows are then read with <see cref="ReadRow"/> when <see cref="Unsupported"/> is null. The stream is the reader's.</summary>
    public static PngRowReader Open(Stream stream, string path)
    {
        try { return new PngRowReader(stream, path); }
        catch { stream.Dispose(); throw; }
    }

    /// <summary>The next row's samples (Width x Channels, 0..255 or 0..65535).</summary>
    public void ReadRow(Span<ushort> samples)
    {
        if (_inflate is null) throw new InvalidOperationException(Unsupported);
        if (_y == Height) throw new InvalidOperationException($"All {Height} rows of {_path} are read already.");
        try { _inflate.ReadExactly(_raw); }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new ImageFileException(_path, $"the image data could not be decoded (corrupt or truncated {BitDepth}-bit PNG).", e);
        }
        int filter = _raw[0];
        var row = _raw.AsSpan(1);
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= _bpp ? row[i - _bpp] : 0, b = _previous[i], c = i >= _bpp ? _previous[i - _bpp] : 0;
            row[i] = (byte)(row[i] + filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                4 => PngWriter.Paeth(a, b, c),
                _ => throw new ImageFileException(_path, $"row {_y} has an unknown PNG filter type {filter}."),
            });
        }
        int count = Width * Channels;
        if (BitDepth == 8) for (int i = 0; i < count; i++) samples[i] = row[i];
        else for (int i = 0; i < count; i++) samples[i] = BinaryPrimitives.ReadUInt16BigEndian(row[(2 * i)..]);
        row.CopyTo(_previous);
        _y++;
    }

    /// <summary>A whole PNG of 8 or 16 bits: its size, samples and channels; an exception naming the file for what
    /// this reader does not take.</summary>
    public static (int Width, int Height, ushort[] Samples, int Channels) Decode(byte[] png, string path)
    {
        using var reader = Open(new MemoryStream(png, writable: false), path);
        if (reader.Unsupported != null) throw new ImageFileException(path, reader.Unsupported);
        int perRow = reader.Width * reader.Channels;
        var samples = new ushort[(long)perRow * reader.Height];
        for (int y = 0; y < reader.Height; y++) reader.ReadRow(samples.AsSpan(y * perRow, perRow));
        return (reader.Width, reader.Height, samples, reader.Channels);
    }

    public void Dispose()
    {
        _inflate?.Dispose();
        _stream.Dispose();
    }

    /// <summary>The data of consecutive IDAT chunks as one stream (the zlib stream they carry), from the first one;
    /// each chunk's CRC checked as soon as its data is read, so a damaged file is named rather than decoded into wrong rows
    /// (zlib's own checksum comes only at the end of the stream, which the last row may not reach).</summary>
    sealed class IdatReader(Stream png, string path) : Stream
    {
        readonly byte[] _header = new byte[8];
        readonly byte[] _crcField = new byte[4];
        int _left;     // data bytes left in the current chunk
        bool _end;
        uint _crc;

        public override int Read(Span<byte> buffer)
        {
            while (_left == 0 && !_end)
            {
                _end = png.ReadAtLeast(_header, 8, throwOnEndOfStream: false) < 8 || System.Text.Encoding.ASCII.GetString(_header, 4, 4) != "IDAT";
                _left = _end ? 0 : BinaryPrimitives.ReadInt32BigEndian(_header);
                _crc = PngWriter.Crc32.Update(0xFFFFFFFFu, _header.AsSpan(4));
                if (!_end && _left == 0) CheckCrc(); // an empty IDAT chunk
            }
            if (_left == 0 || buffer.Length == 0) return 0;
            int n = png.Read(buffer[..Math.Min(buffer.Length, _left)]);
            if (n == 0) throw new EndOfStreamException();
            _crc = PngWriter.Crc32.Update(_crc, buffer[..n]);
            _left -= n;
            if (_left == 0) CheckCrc();
            return n;
        }

        void CheckCrc()
        {
            png.ReadExactly(_crcField);
            if (BinaryPrimitives.ReadUInt32BigEndian(_crcField) != (_crc ^ 0xFFFFFFFFu))
                throw new ImageFileException(path, "the image data is damaged (an IDAT chunk's CRC does not match).");
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
