namespace SrganWorkbench.Inference;

/// <summary>
/// Tiled inference: the LR image is processed in tiles of <see cref="Tile"/> pixels that overlap
/// by <see cref="Overlap"/>, and the SR tiles are blended with linear ramps across the overlaps,
/// so memory stays bounded on large images and no seams show. Tile 0 means the whole image at once.
/// </summary>
public sealed record TileOptions(int Tile = 0, int Overlap = 16)
{
    public void Validate()
    {
        if (Tile < 0 || Overlap < 0) throw new ArgumentException($"--tile and --overlap must be >= 0, got {Tile} and {Overlap}.");
        if (Tile > 0 && Tile <= 2 * Overlap)
            throw new ArgumentException($"--tile {Tile} must be larger than twice --overlap {Overlap}, or tiles would be all overlap.");
    }

    /// <summary>Whether an image of this size is processed in tiles (an image within one tile is processed whole).</summary>
    public bool Tiles(int width, int height) => Tile > 0 && (width > Tile || height > Tile);

    /// <summary>Tile origins along one side: steps of tile - overlap, the last tile flush with the edge.</summary>
    public IEnumerable<int> Starts(int length)
    {
        int step = Tile - Overlap;
        if (length <= Tile) { yield return 0; yield break; }
        for (int p = 0; ; p += step)
        {
            if (p + Tile >= length) { yield return length - Tile; yield break; }
            yield return p;
        }
    }

    /// <summary>Blend weights along one side of an SR tile of <paramref name="length"/> pixels (the overlap is
    /// <paramref name="scale"/> x <see cref="Overlap"/> SR pixels): ramps up over the overlap where a neighbour precedes,
    /// down where one follows.</summary>
    public float[] Ramp(int length, bool rampIn, bool rampOut, int scale)
    {
        int o = Overlap * scale;
        var r = new float[length];
        for (int i = 0; i < length; i++)
        {
            float v = 1;
            if (rampIn && i < o) v = Math.Min(v, (i + 0.5f) / o);
            if (rampOut && i >= length - o) v = Math.Min(v, (length - i - 0.5f) / o);
            r[i] = v;
        }
        return r;
    }
}
