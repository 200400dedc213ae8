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
}
