using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Models;
using static TorchSharp.torch;

namespace SrganWorkbench.Inference;

/// <summary>
/// Runs a generator on LR images through <see cref="InferenceGenerator"/>, or ONNX Runtime with <see cref="InferenceEngine.OnnxRuntime"/>
/// (<see cref="IUpscaleNetwork"/>: tiling, blending and rounding are the same for both) (eval mode: batch norm
/// folded with its running statistics; no autograd; bounded memory), optionally in overlapping
/// tiles, the image's [0,1] mapped to the network's input range and its output back to [0,1], rounded to the image's
/// precision (see <see cref="Upscale(Photo, Action{int, int}?)"/>: grey, alpha and 16-bit photos). Each call runs the model's current weights
/// (torch: a fresh snapshot; ONNX Runtime: a session kept until the weights change), so an upscaler kept across
/// training sees the current weights. One instance is
/// used from one thread at a time (TorchSharp dispose scopes are per thread).
/// </summary>
public sealed partial class ModelUpscaler(SRResNet model, string name, Device? device = null, TileOptions? tiles = null, bool histogramMatch = false,
    InferenceEngine engine = InferenceEngine.Torch) : ISuperResolver
{
    readonly Device _device = device ?? CPU;
    readonly UpscaleNetworks.Source _networks = new(model, engine);
    internal int OnnxSessionsBuilt => _networks.SessionsBuilt;
    readonly TileOptions _tiles = tiles ?? new TileOptions();
    public string Name { get; } = name;
    /// <summary>How images are tiled (tile 0: whole).</summary>
    public TileOptions Tiles => _tiles;

    /// <summary>The same model under another name (two runs with the same config would otherwise share a table row).</summary>
    public ModelUpscaler Renamed(string newName) => new(model, newName, _device, _tiles, histogramMatch, engine);
    /// <summary>The generator (its current weights; what `srgan export` writes).</summary>
    public SRResNet Generator => model;
    /// <summary>Which library runs the network (<see cref="IUpscaleNetwork"/>).</summary>
    public InferenceEngine Engine => engine;
    /// <summary>Whether outputs are histogram-matched to the bicubic upscale (after the network).</summary>
    public bool HistogramMatched => histogramMatch;
    public int Scale => model.Options.Scale;
    /// <summary>No: one image at a time (see above); the evaluator runs it on one thread.</summary>
    public bool ConcurrentUpscale => false;
    /// <summary>The smallest LR side the generator accepts (reflect padding of the 9x9 conv needs 5).</summary>
    public const int MinimumSide = 5;

    public RgbImage Upscale(RgbImage lr) => Upscale(Photo.FromRgb(lr)).ToRgbImage();

    /// <summary>
    /// Upscales a photo (<see cref="ImageFile.ReadPhoto"/>) into one of the same kind. The colour goes through the
    /// network at the photo's precision: 16-bit photos come out at 16 bits (the network's float output rounded to
    /// 65535 levels, not 255), and grey ones, repeated to the RGB the network takes, are made grey again by MATLAB's
    /// rgb2gray. Alpha goes by MATLAB's bicubic imresize, not through the network, which has only seen photographs
    /// (the colour of transparent pixels, stored unpremultiplied, goes through it as it is).
    /// </summary>
    /// <param name="lr">The photo.</param>
    /// <param name="progress">Called with (tiles done, tiles) after each tile of a tiled upscale.</param>
    public Photo Upscale(Photo lr, Action<int, int>? progress = null)
    {
        CheckSize(lr.Width, lr.Height);
        ushort[] rgb;
        using (var network = _networks.Open())
        using (NewDisposeScope())
        using (no_grad())
        {
            var input = ImageTensor.ToTensor(lr.ToPlanar(), _device).unsqueeze(0);
            var output = _tiles.Tiles(lr.Width, lr.Height) ? Tiled(network, input, progress) : network.Run(input);
            (_, _, rgb) = ImageTensor.ToSamples(output[0], lr.MaxValue);
        }
        if (histogramMatch)
            rgb = HistogramMatch.ToReference(rgb, MatlabResize.ResizeInteger(lr.Rgb(), lr.Width, lr.Height, 3, Scale, lr.MaxValue), lr.MaxValue);
        var colour = lr.IsGrey ? ColorSpace.RgbToGray(rgb, lr.MaxValue) : rgb;
        var alpha = lr.Alpha() is { } a ? MatlabResize.ResizeInteger(a, lr.Width, lr.Height, 1, Scale, lr.MaxValue) : null;
        int pixels = lr.Width * Scale * lr.Height * Scale, colours = lr.IsGrey ? 1 : 3;
        var samples = new ushort[pixels * lr.Channels];
        for (int p = 0; p < pixels; p++)
        {
            for (int c = 0; c < colours; c++) samples[p * lr.Channels + c] = colour[p * colours + c];
            if (alpha != null) samples[p * lr.Channels + colours] = alpha[p];
        }
        return new Photo(lr.Width * Scale, lr.Height * Scale, lr.Channels, lr.BitDepth, samples);
    }

    void CheckSize(int width, int height)
    {
        if (width < MinimumSide || height < MinimumSide)
            throw new ArgumentException($"A {width}x{height} image is too small to upscale; the generator needs at least {MinimumSide}x{MinimumSide} pixels.");
        _tiles.Validate();
    }

    /// <summary>The SR image of overlapping tiles, each weighted by <see cref="Blend"/>, summed and divided by the summed
    /// weights. <see cref="UpscaleInBands"/> computes the same numbers a band of tiles at a time.</summary>
    Tensor Tiled(IUpscaleNetwork network, Tensor lr, Action<int, int>? progress)
    {
        int s = Scale, h = (int)lr.shape[2], w = (int)lr.shape[3];
        var output = zeros(1, 3, h * s, w * s, device: _device);
        var weight = zeros(1, 1, h * s, w * s, device: _device);
        int[] ys = _tiles.Starts(h).ToArray(), xs = _tiles.Starts(w).ToArray();
        int done = 0;
        foreach (int y0 in ys)
            foreach (int x0 in xs)
            {
                using var scope = NewDisposeScope();
                int th = Math.Min(_tiles.Tile, h - y0), tw = Math.Min(_tiles.Tile, w - x0);
                var sr = network.Run(lr.narrow(2, y0, th).narrow(3, x0, tw));
                var ramp = Blend(y0, th, h, x0, tw, w);
                output.narrow(2, y0 * s, th * s).narrow(3, x0 * s, tw * s).add_(sr.mul(ramp));
                weight.narrow(2, y0 * s, th * s).narrow(3, x0 * s, tw * s).add_(ramp);
                progress?.Invoke(++done, ys.Length * xs.Length);
            }
        return output.div_(weight);
    }

    /// <summary>Blend weights of the SR tile of LR rows [y0, y0 + th) and columns [x0, x0 + tw) of an h x w image
    /// [1, 1, th*s, tw*s]: the two sides' ramps (<see cref="TileOptions.Ramp"/>) multiplied.</summary>
    Tensor Blend(int y0, int th, int h, int x0, int tw, int w)
    {
        int s = Scale;
        var down = tensor(_tiles.Ramp(th * s, y0 > 0, y0 + th < h, s), device: _device);
        var across = tensor(_tiles.Ramp(tw * s, x0 > 0, x0 + tw < w, s), device: _device);
        return down.unsqueeze(1).mul(across.unsqueeze(0)).reshape(1, 1, th * s, tw * s);
    }
}
