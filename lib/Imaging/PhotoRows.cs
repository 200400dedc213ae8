namespace SrganWorkbench.Imaging;

/// <summary>
/// The picture <see cref="ImageFile.ReadPhoto"/> reads (upright, its own channels and bit depth), handed out a few rows
/// at a time, for a reader that must not hold a large image whole (srgan upscale --tile). From
/// <see cref="ImageFile.OpenRows"/>: a PNG that needs nothing done to all of it at once is read from the file as its
/// rows are asked for (<see cref="PngRowReader"/>); any other image is read whole by ReadPhoto, and
/// <see cref="HeldWhole"/> says why. Rows are asked for top to bottom: <see cref="Rows"/> forgets the rows above the
/// first one it is asked for.
/// </summary>
public sealed class PhotoRows : IDisposable
{
    readonly Photo? _photo;
    readonly PngRowReader? _png;
    ushort[] _kept = [];   // rows [_first, _first + _count) of a PNG read from its file
    int _first, _count;

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public int BitDepth { get; }
    /// <summary>As <see cref="Photo.Orientation"/>: the EXIF orientation already applied (always 1 for rows read from the file).</summary>
    public int Orientation { get; }
    /// <summary>As <see cref="Photo.ColourProfile"/>.</summary>
    public string? ColourProfile { get; }
    /// <summary>Why the whole picture is in memory, or null when its rows are read from the file as they are asked for.</summary>
    public string? HeldWhole { get; }

    public int MaxValue => BitDepth == 16 ? 65535 : 255;
    public bool IsGrey => Channels <= 2;
    public bool HasAlpha => Channels is 2 or 4;
    public override string ToString() => Photo.Describe(Width, Height, Channels, BitDepth);

    /// <summary>A picture held whole (read by ReadPhoto, or made in memory), for the reason given.</summary>
    public PhotoRows(Photo photo, string heldWhole)
    {
        (_photo, HeldWhole) = (photo, heldWhole);
        (Width, Height, Channels, BitDepth, Orientation, ColourProfile) = (photo.Width, photo.Height, photo.Channels, photo.BitDepth, photo.Orientation, photo.ColourProfile);
    }

    /// <summary>A PNG read from its file row by row (<see cref="ImageFile.OpenRows"/> checks that it may be).</summary>
    internal PhotoRows(PngRowReader png, string? colourProfile)
    {
        (_png, ColourProfile) = (png, colourProfile);
        (Width, Height, Channels, BitDepth, Orientation) = (png.Width, png.Height, png.Channels, png.BitDepth, 1);
    }

    /// <summary>Rows [y, y + count) of interleaved samples, valid until the next call. <paramref name="y"/> may not be
    /// above an earlier call's: the rows above it are forgotten.</summary>
    public ReadOnlySpan<ushort> Rows(int y, int count)
    {
        if (y < 0 || count < 0 || y + count > Height)
            throw new ArgumentOutOfRangeException(nameof(y), $"Rows {y}..{y + count - 1} are outside the {Height} rows.");
        int perRow = Width * Channels;
        if (_photo != null) return _photo.Samples.AsSpan(y * perRow, count * perRow);

        if (y < _first) throw new InvalidOperationException($"Row {y} was forgotten already: rows are read top to bottom (the first kept is {_first}).");
        // Forget the rows above y, keep the rest at the start, and read on to y + count.
        int drop = Math.Min(_count, y - _first);
        _kept.AsSpan(drop * perRow, (_count - drop) * perRow).CopyTo(_kept);
        (_first, _count) = (_first + drop, _count - drop);
        if (_first + _count < y) // rows between the kept ones and y: read and forgotten
        {
            var skip = new ushort[perRow];
            for (; _first < y; _first++) _png!.ReadRow(skip);
        }
        if (_first + _count < y + count)
        {
            int needed = y + count - _first;
            if (_kept.Length < needed * perRow) Array.Resize(ref _kept, needed * perRow);
            for (; _count < needed; _count++) _png!.ReadRow(_kept.AsSpan(_count * perRow, perRow));
        }
        return _kept.AsSpan((y - _first) * perRow, count * perRow);
    }

    /// <summary>The whole picture as a <see cref="Photo"/> (read from the file when its rows are read from it): what
    /// <see cref="ImageFile.ReadPhoto"/> gives. Before any <see cref="Rows"/>.</summary>
    public Photo ReadAll()
    {
        if (_photo != null) return _photo;
        if (_first + _count > 0) throw new InvalidOperationException("ReadAll comes before any Rows.");
        var photo = new Photo(Width, Height, Channels, BitDepth) { ColourProfile = ColourProfile };
        int perRow = Width * Channels;
        for (int y = 0; y < Height; y++) _png!.ReadRow(photo.Samples.AsSpan(y * perRow, perRow));
        _first = Height;
        return photo;
    }

    public void Dispose() => _png?.Dispose();
}
