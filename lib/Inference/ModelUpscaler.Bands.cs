using SrganWorkbench.Imaging;
using static TorchSharp.torch;

namespace SrganWorkbench.Inference;

/// <summary>
/// Upscaling a photo read as rows and writing its SR rows as they are finished, so that memory is bounded by the tile
/// and the image's width, not by its area (issue 31: a 4096 px photo's 16384 x 16384 output is 805 MB at 8-bit RGB
/// and 3.2 GB as float planes).
/// </summary>
public sealed partial class ModelUpscaler
{
    /// <summary>Why <see cref="Upscale(PhotoRows, Action{ReadOnlySpan{ushort}}, Action{int, int}?)"/> holds a
    /// <paramref name="width"/> x <paramref name="height"/> image and its output whole, or null when it goes band by band.</summary>
    public string? WholeBecause(int width, int height) =>
        _tiles.Tile == 0 ? "it is upscaled whole (no --tile)"
        : !_tiles.Tiles(width, height) ? "it fits in one tile"
        : histogramMatch ? "--histogram-match maps the whole output's histogram"
        : null;

    /// <summary>
    /// <see cref="Upscale(Photo, Action{int, int}?)"/> of the photo <paramref name="lr"/> holds, its SR rows handed to
    /// <paramref name="write"/> top to bottom (interleaved samples of the photo's channels and bit depth, whole rows of
    /// Width x <see cref="Scale"/> pixels). A tiled upscale (<see cref="WholeBecause"/> null) goes band by band
    /// (<see cref="UpscaleInBands"/>): the same samples, without the image or its output ever whole in memory.
    /// </summary>
    public void Upscale(PhotoRows lr, Action<ReadOnlySpan<ushort>> write, Action<int, int>? progress = null)
    {
        if (WholeBecause(lr.Width, lr.Height) != null) write(Upscale(lr.ReadAll(), progress).Samples);
        else UpscaleInBands(lr, write, progress);
    }

    /// <summary>
    /// <see cref="Tiled"/>'s numbers a row of tiles (a band) at a time. Each SR pixel is the sum of its tiles'
    /// weighted outputs over the sum of their weights, added in the same order (band by band, left to right) from zero,
    /// so every float is the one the whole-image sums hold. What a tile adds to pixels that later tiles add to as well is
    /// kept: the columns its right neighbour overlaps (<c>pending</c>, the band's height) and the rows the next band
    /// overlaps (<c>carry</c>, the image's width). The rest of a band's pixels are final once its tiles are done:
    /// divided, rounded to samples as <see cref="ImageTensor.ToSample"/>, made grey and given their alpha as
    /// <see cref="Upscale(Photo, Action{int, int}?)"/> does, and written.
    /// </summary>
    void UpscaleInBands(PhotoRows lr, Action<ReadOnlySpan<ushort>> write, Action<int, int>? progress)
    {
        CheckSize(lr.Width, lr.Height);
        int s = Scale, h = lr.Height, w = lr.Width, outW = w * s, channels = lr.Channels, colours = lr.IsGrey ? 1 : 3;
        int[] ys = _tiles.Starts(h).ToArray(), xs = _tiles.Starts(w).ToArray();
        // Rows finished by band i: from its top to the next band's top (the last band: to the bottom).
        int Finished(int i) => (i + 1 < ys.Length ? ys[i + 1] : h) * s - ys[i] * s;
        var band = new ushort[(long)Enumerable.Range(0, ys.Length).Max(Finished) * outW * channels];
        var values = new float[3 * _tiles.Tile * s * _tiles.Tile * s]; // one tile's finished pixels, planar
        // The band's LR planes: one array for every band, which a CPU tensor shares (from_array: no copy), so that reading
        // a band allocates nothing for the garbage collector to catch up with.
        var planes = new float[3 * Math.Min(_tiles.Tile, h) * w];
        using var planesTensor = from_array(planes);
        int tilesDone = 0;

        using var network = _networks.Open();
        using var _ = no_grad();
        // The sums kept between tiles live in two buffers made before any tile runs, so that between tiles nothing but
        // the tiles' own temporaries comes and goes, the same each tile, and libtorch's allocator (tcmalloc) reuses their
        // memory. (Made as they were needed, between a tile's temporaries, they fragmented its heap: the peak grew by a
        // quarter over a 1024 px image.) The carry's rows are relative to the band's top, the pending columns to the tile's
        // left edge; each tile reads its part before writing, and writes only where no later tile of the band reads.
        int carryRows = Enumerable.Range(0, ys.Length).Max(i => Math.Min(_tiles.Tile, h - ys[i]) * s - Finished(i));
        int pendingColumns = Enumerable.Range(0, xs.Length).Max(j => (xs[j] + Math.Min(_tiles.Tile, w - xs[j])) * s - (j + 1 < xs.Length ? xs[j + 1] : w) * s);
        using var carry = carryRows > 0 ? Sums.Zeros(carryRows, outW, _device) : null;   // what earlier bands added, every column
        using var pending = pendingColumns > 0 ? Sums.Zeros(Math.Min(_tiles.Tile, h) * s, pendingColumns, _device) : null; // what earlier tiles of the band added
        int carried = 0; // rows of the carry that hold sums for this band
        for (int i = 0; i < ys.Length; i++)
        {
            int y0 = ys[i], th = Math.Min(_tiles.Tile, h - y0), bandTop = y0 * s, bandRows = th * s, finished = Finished(i);
            // The LR rows the network reads, and those MATLAB's bicubic reads for the finished rows' alpha.
            var (alphaFirst, alphaCount) = lr.HasAlpha ? MatlabResize.InputRows(h, s, bandTop, finished) : (y0, th);
            int first = Math.Min(y0, alphaFirst);
            var rows = lr.Rows(first, Math.Max(y0 + th, alphaFirst + alphaCount) - first);
            Planes(lr, rows[((y0 - first) * w * channels)..], th, planes);
            using var input = planesTensor.narrow(0, 0, 3 * th * w).view(1, 3, th, w).to(_device);
            int pended = 0; // columns of the pending sums that hold sums for this tile
            for (int j = 0; j < xs.Length; j++)
            {
                using var tileScope = NewDisposeScope();
                int x0 = xs[j], tw = Math.Min(_tiles.Tile, w - x0), tileLeft = x0 * s, tileColumns = tw * s;
                int done = (j + 1 < xs.Length ? xs[j + 1] : w) * s - tileLeft; // columns finished by this tile
                var sum = zeros(1, 3, bandRows, tileColumns, device: _device);
                var weight = zeros(1, 1, bandRows, tileColumns, device: _device);
                if (carried > 0)
                {
                    sum.narrow(2, 0, carried).copy_(carry!.Sum.narrow(2, 0, carried).narrow(3, tileLeft, tileColumns));
                    weight.narrow(2, 0, carried).copy_(carry.Weight.narrow(2, 0, carried).narrow(3, tileLeft, tileColumns));
                }
                if (pended > 0) // the columns the tile before overlaps: its sums include the carry's
                {
                    sum.narrow(3, 0, pended).copy_(pending!.Sum.narrow(2, 0, bandRows).narrow(3, 0, pended));
                    weight.narrow(3, 0, pended).copy_(pending.Weight.narrow(2, 0, bandRows).narrow(3, 0, pended));
                }
                var sr = network.Run(input.narrow(3, x0, tw));
                var ramp = Blend(y0, th, h, x0, tw, w);
                sum.add_(sr.mul(ramp));
                weight.add_(ramp);

                Quantise(sum.narrow(2, 0, finished).narrow(3, 0, done).div(weight.narrow(2, 0, finished).narrow(3, 0, done)),
                    values, band, tileLeft, outW, channels, colours, lr.MaxValue);
                if (bandRows > finished) // the next band's carry, in the columns this tile finished
                {
                    carry!.Sum.narrow(2, 0, bandRows - finished).narrow(3, tileLeft, done).copy_(sum.narrow(2, finished, bandRows - finished).narrow(3, 0, done));
                    carry.Weight.narrow(2, 0, bandRows - finished).narrow(3, tileLeft, done).copy_(weight.narrow(2, finished, bandRows - finished).narrow(3, 0, done));
                }
                pended = tileColumns - done;
                if (pended > 0)
                {
                    pending!.Sum.narrow(2, 0, bandRows).narrow(3, 0, pended).copy_(sum.narrow(3, done, pended));
                    pending.Weight.narrow(2, 0, bandRows).narrow(3, 0, pended).copy_(weight.narrow(3, done, pended));
                }
                progress?.Invoke(++tilesDone, ys.Length * xs.Length);
            }
            carried = bandRows - finished;

            if (lr.HasAlpha)
            {
                var alpha = new ushort[alphaCount * w];
                var source = rows[((alphaFirst - first) * w * channels)..];
                for (int p = 0; p < alpha.Length; p++) alpha[p] = source[p * channels + channels - 1];
                // A few rows at a time: the resize's double-precision passes are 8 bytes a sample of the full width.
                for (int r = 0; r < finished; r += AlphaRows)
                {
                    int count = Math.Min(AlphaRows, finished - r);
                    var resized = MatlabResize.ResizeIntegerRows(alpha, alphaFirst, w, h, 1, s, lr.MaxValue, bandTop + r, count);
                    for (int p = 0; p < resized.Length; p++) band[((long)r * outW + p) * channels + colours] = resized[p];
                }
            }
            write(band.AsSpan(0, finished * outW * channels));
        }
    }

    /// <summary>Weighted SR outputs summed [1, 3, rows, columns] and their weights summed [1, 1, rows, columns], for
    /// pixels that more tiles will add to.</summary>
    sealed record Sums(Tensor Sum, Tensor Weight) : IDisposable
    {
        public static Sums Zeros(int rows, int columns, Device device) =>
            new(zeros(1, 3, rows, columns, device: device), zeros(1, 1, rows, columns, device: device));

        public void Dispose()
        {
            Sum.Dispose();
            Weight.Dispose();
        }
    }

    /// <summary>SR rows whose alpha is resized at once.</summary>
    const int AlphaRows = 64;

    /// <summary>The network's input for <paramref name="count"/> rows of the photo into <paramref name="planes"/>: RGB
    /// planes in [0,1] (3 x count x W), the numbers <see cref="Photo.ToPlanar"/> gives (grey repeated, alpha dropped).</summary>
    static void Planes(PhotoRows lr, ReadOnlySpan<ushort> rows, int count, float[] planes)
    {
        int channels = lr.Channels, plane = lr.Width * count;
        float max = lr.MaxValue;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) planes[c * plane + p] = rows[p * channels + (lr.IsGrey ? 0 : c)] / max;
    }

    /// <summary>Finished SR pixels [1, 3, rows, columns] in [0,1] into the band's samples from column
    /// <paramref name="left"/> on: rounded to 0..<paramref name="maxValue"/> as <see cref="ImageTensor.ToSamples"/> rounds,
    /// and made grey by rgb2gray for a grey photo, as <see cref="Upscale(Photo, Action{int, int}?)"/> does.</summary>
    static void Quantise(Tensor pixels, float[] values, ushort[] band, int left, int outW, int channels, int colours, int maxValue)
    {
        int rows = (int)pixels.shape[2], columns = (int)pixels.shape[3], plane = rows * columns;
        using (var cpu = pixels.cpu().contiguous()) cpu.data<float>().CopyTo(values);
        for (int r = 0; r < rows; r++)
            for (int x = 0; x < columns; x++)
            {
                int p = r * columns + x;
                long at = ((long)r * outW + left + x) * channels;
                ushort red = ImageTensor.ToSample(values[p], maxValue), green = ImageTensor.ToSample(values[plane + p], maxValue),
                    blue = ImageTensor.ToSample(values[2 * plane + p], maxValue);
                if (colours == 1) band[at] = ColorSpace.RgbToGray(red, green, blue, maxValue);
                else (band[at], band[at + 1], band[at + 2]) = (red, green, blue);
            }
    }
}
