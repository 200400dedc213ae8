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
        int tilesDone = 0;

        using var generator = InferenceGenerator.From(model);
        using var _ = no_grad();
        Sums? carry = null; // what earlier bands added to the SR rows from this band's top on, every column
        try
        {
            for (int i = 0; i < ys.Length; i++)
            {
                using var bandScope = NewDisposeScope();
                int y0 = ys[i], th = Math.Min(_tiles.Tile, h - y0), bandTop = y0 * s, bandRows = th * s, finished = Finished(i);
                // The LR rows the network reads, and those MATLAB's bicubic reads for the finished rows' alpha.
                var (alphaFirst, alphaCount) = lr.HasAlpha ? MatlabResize.InputRows(h, s, bandTop, finished) : (y0, th);
                int first = Math.Min(y0, alphaFirst);
                var rows = lr.Rows(first, Math.Max(y0 + th, alphaFirst + alphaCount) - first);
                var input = Planar(lr, rows[((y0 - first) * w * channels)..], th);

                // Sums are kept out of the band's and tiles' dispose scopes: they outlive the tile (pending) or the band (carry).
                var nextCarry = bandRows > finished ? Sums.Zeros(bandRows - finished, outW, _device) : null;
                Sums? pending = null; // what this band's earlier tiles added to the columns from this tile's left edge on
                try
                {
                    for (int j = 0; j < xs.Length; j++)
                    {
                        using var tileScope = NewDisposeScope();
                        int x0 = xs[j], tw = Math.Min(_tiles.Tile, w - x0), tileLeft = x0 * s, tileColumns = tw * s;
                        int done = (j + 1 < xs.Length ? xs[j + 1] : w) * s - tileLeft; // columns finished by this tile
                        var sum = zeros(1, 3, bandRows, tileColumns, device: _device);
                        var weight = zeros(1, 1, bandRows, tileColumns, device: _device);
                        if (carry is { } above)
                        {
                            int overlap = (int)above.Sum.shape[2];
                            sum.narrow(2, 0, overlap).copy_(above.Sum.narrow(3, tileLeft, tileColumns));
                            weight.narrow(2, 0, overlap).copy_(above.Weight.narrow(3, tileLeft, tileColumns));
                        }
                        if (pending is { } left) // the columns the tile before overlaps: its sums include the carry's
                        {
                            int overlap = (int)left.Sum.shape[3];
                            sum.narrow(3, 0, overlap).copy_(left.Sum);
                            weight.narrow(3, 0, overlap).copy_(left.Weight);
                            left.Dispose();
                            pending = null;
                        }
                        var sr = Run(generator, input.narrow(3, x0, tw));
                        var ramp = Blend(y0, th, h, x0, tw, w);
                        sum.add_(sr.mul(ramp));
                        weight.add_(ramp);

                        Quantise(sum.narrow(2, 0, finished).narrow(3, 0, done).div(weight.narrow(2, 0, finished).narrow(3, 0, done)),
                            values, band, tileLeft, outW, channels, colours, lr.MaxValue);
                        if (nextCarry is { } below)
                        {
                            below.Sum.narrow(3, tileLeft, done).copy_(sum.narrow(2, finished, bandRows - finished).narrow(3, 0, done));
                            below.Weight.narrow(3, tileLeft, done).copy_(weight.narrow(2, finished, bandRows - finished).narrow(3, 0, done));
                        }
                        if (done < tileColumns) pending = Sums.Copy(sum, weight, done, tileColumns - done);
                        progress?.Invoke(++tilesDone, ys.Length * xs.Length);
                    }
                }
                catch
                {
                    nextCarry?.Dispose();
                    throw;
                }
                finally
                {
                    pending?.Dispose();
                }
                carry?.Dispose();
                carry = nextCarry;

                if (lr.HasAlpha)
                {
                    var alphaRows = new ushort[alphaCount * w];
                    var source = rows[((alphaFirst - first) * w * channels)..];
                    for (int p = 0; p < alphaRows.Length; p++) alphaRows[p] = source[p * channels + channels - 1];
                    var alpha = MatlabResize.ResizeIntegerRows(alphaRows, alphaFirst, w, h, 1, s, lr.MaxValue, bandTop, finished);
                    for (int p = 0; p < alpha.Length; p++) band[p * channels + colours] = alpha[p];
                }
                write(band.AsSpan(0, finished * outW * channels));
            }
        }
        finally
        {
            carry?.Dispose();
        }
    }

    /// <summary>Weighted SR outputs summed so far [1, 3, rows, columns] and their weights summed [1, 1, rows, columns],
    /// for pixels that more tiles will add to; owned by whoever holds them, not by a dispose scope.</summary>
    sealed record Sums(Tensor Sum, Tensor Weight) : IDisposable
    {
        public static Sums Zeros(int rows, int columns, Device device) => new(
            zeros(1, 3, rows, columns, device: device).DetachFromDisposeScope(), zeros(1, 1, rows, columns, device: device).DetachFromDisposeScope());

        /// <summary>Columns [from, from + count) of a tile's sums.</summary>
        public static Sums Copy(Tensor sum, Tensor weight, int from, int count) => new(
            sum.narrow(3, from, count).clone().DetachFromDisposeScope(), weight.narrow(3, from, count).clone().DetachFromDisposeScope());

        public void Dispose()
        {
            Sum.Dispose();
            Weight.Dispose();
        }
    }

    /// <summary>The network's input for <paramref name="count"/> rows of the photo: RGB planes in [0,1] [1, 3, count, W],
    /// the numbers <see cref="Photo.ToPlanar"/> gives (grey repeated, alpha dropped).</summary>
    Tensor Planar(PhotoRows lr, ReadOnlySpan<ushort> rows, int count)
    {
        int w = lr.Width, channels = lr.Channels, plane = w * count;
        float max = lr.MaxValue;
        var data = new float[3 * plane];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) data[c * plane + p] = rows[p * channels + (lr.IsGrey ? 0 : c)] / max;
        return tensor(data, [1, 3, count, w], device: _device);
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
