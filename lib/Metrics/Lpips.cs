using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Speed;
using SrganWorkbench.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SrganWorkbench.Metrics;

/// <summary>
/// LPIPS, Zhang et al. CVPR 2018 ("The Unreasonable Effectiveness of Deep Features as a Perceptual
/// Metric"), v0.1 alex: the lpips package's default, <c>lpips.LPIPS(net='alex', version='0.1')</c> in eval
/// mode with spatial=False. A full-reference distance, lower = more similar, 0 for identical images.
///
/// Forward (<see cref="forward"/>), on two N x 3 x H x W RGB tensors in [-1, 1]:
/// <list type="number">
/// <item>scaling layer x' = (x - shift) / scale per channel, shift (-0.030, -0.088, -0.188), scale (0.458, 0.448,
/// 0.450) (torchvision's ImageNet mean/std rewritten for [-1,1] input; v0.0 skipped it);</item>
/// <item>the five ReLU outputs of torchvision's AlexNet <c>features</c> (relu1..relu5, indices 1, 4, 7, 9, 11),
/// the same trunk for both images;</item>
/// <item>each tap unit-normalised over channels per pixel, f / (sqrt(sum_c f^2) + 1e-10) (eps outside the sqrt);</item>
/// <item>squared difference, a learned non-negative 1x1 convolution to one channel ("lin" layer, no bias),
/// the mean over the layer's pixels;</item>
/// <item>the sum of the five layer values.</item>
/// </list>
///
/// Evaluation conventions (<see cref="Distance"/>): RGB from 8-bit values as x = v/127.5 - 1 (lpips.im2tensor);
/// the same border removed from both images as for PSNR (<see cref="MetricOptions.CropBorder"/>, the scale
/// factor); no resizing, so an image must keep at least 31x31 pixels after cropping (the second max-pool's
/// minimum; smaller gives an <see cref="ArgumentException"/>); float32. Grey images are scored as their three
/// equal channels.
///
/// Precision (tests, fixtures of the weights' SOURCE.txt): float32 is within 1e-7 of the float64 reference on
/// its example pairs; a float64 copy of the module (<c>lpips.to(float64)</c>) within 3e-11. Convolutions run
/// channels-last (<see cref="ChannelsLast"/>, oneDNN's native layout, ~20% faster here); that moves values by ~1e-8.
///
/// Weights: <c>lpips_alex_v0.1.safetensors</c> under the weights root, torchvision's ImageNet AlexNet convolutions
/// (<c>features.0</c>, <c>features.3</c>, <c>features.6</c>, <c>features.8</c>, <c>features.10</c>) and LPIPS's
/// own <c>lin{k}.model.1.weight</c>, the module's names, so the file loads one to one. Frozen, eval mode.
///
/// Thread safety: <see cref="Distance"/> and <see cref="forward"/> may be called from several threads at once.
/// Each call opens its own dispose scope and no_grad (both are per thread in TorchSharp and libtorch) and only
/// reads the shared weights; the module has no dropout, batch norm or other state that a forward changes.
/// Calls are not serialised: concurrent calls share the CPU (each runs libtorch's intra-op threads), and give
/// the same values as sequential ones (a test checks it bit for bit).
/// </summary>
public sealed class Lpips : Module<Tensor, Tensor, Tensor>
{
    /// <summary>Smallest side (in pixels) AlexNet's trunk accepts: relu3..relu5 become 1x1; 30 fails in the second max-pool.</summary>
    public const int MinimumSize = 31;
    /// <summary>Number of tapped layers (relu1..relu5), the length of <see cref="LayerDistances"/>' second axis.</summary>
    public const int Layers = 5;
    /// <summary>Added to the channel norm before dividing (lpips.normalize_tensor's eps).</summary>
    const double NormEps = 1e-10;

    static readonly int[] Channels = [64, 192, 384, 256, 256];
    /// <summary>Indices in torchvision's alexnet().features after which LPIPS taps (the ReLUs).</summary>
    static readonly int[] TapIndices = [1, 4, 7, 9, 11];

    // The scaling layer as plain numbers: tensor fields would be registered as buffers and show up in
    // the state dict, which must hold exactly the file's 15 keys (lpips registers them as buffers, but
    // its weight file does not carry them either).
    // Held as doubles: a float64 copy of the module (module.to(float64)) then uses the exact constants.
    static readonly double[] Shift = [-0.030, -0.088, -0.188];
    static readonly double[] Scale = [0.458, 0.448, 0.450];

    /// <summary>8-bit value to model input, v/127.5 - 1 computed in double and rounded once to float.</summary>
    static readonly float[] ByteToInput = Enumerable.Range(0, 256).Select(v => (float)(v / 127.5 - 1)).ToArray();

    readonly ModuleList<Module<Tensor, Tensor>> features;
    readonly LinLayer lin0, lin1, lin2, lin3, lin4;

    /// <summary>An LPIPS-alex network with untrained weights; use <see cref="Load"/> for the real ones.</summary>
    public Lpips() : base(nameof(Lpips))
    {
        // torchvision's AlexNet features[0:12] (12, the last max-pool, and the classifier are not used).
        features = new ModuleList<Module<Tensor, Tensor>>(
            Conv2d(3, 64, 11, stride: 4, padding: 2), ReLU(), MaxPool2d(3, 2),
            Conv2d(64, 192, 5, padding: 2), ReLU(), MaxPool2d(3, 2),
            Conv2d(192, 384, 3, padding: 1), ReLU(),
            Conv2d(384, 256, 3, padding: 1), ReLU(),
            Conv2d(256, 256, 3, padding: 1), ReLU());
        lin0 = new(Channels[0]);
        lin1 = new(Channels[1]);
        lin2 = new(Channels[2]);
        lin3 = new(Channels[3]);
        lin4 = new(Channels[4]);
        RegisterComponents();
        ChannelsLast.Apply(this); // the layout libtorch computes right on every CPU (lib/Speed/ChannelsLast.cs); values unchanged
        foreach (var p in parameters()) p.requires_grad = false;
        eval();
    }

    /// <summary>The shared LPIPS v0.1 alex weights under the weights root (<c>SRGAN_WEIGHTS</c>).</summary>
    public static string DefaultWeightsPath() =>
        Path.Combine(DataRoot.ResolveWeights(), "lpips-alex", "lpips_alex_v0.1.safetensors");

    /// <summary>A frozen LPIPS-alex from a safetensors file with the module's keys (default: <see cref="DefaultWeightsPath"/>).
    /// A missing file names the path and <c>SRGAN_WEIGHTS</c>; a file without exactly the 15 expected tensors
    /// names the missing, unexpected and misshaped ones.</summary>
    public static Lpips Load(string? path = null)
    {
        path ??= DefaultWeightsPath();
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: LPIPS weights not found. Set {DataRoot.WeightsVariable} to the folder holding " +
                                            "lpips-alex/lpips_alex_v0.1.safetensors (in this project: ../shared/weights).", path);
        var file = SafeTensors.Read(path);
        var model = new Lpips();
        try
        {
            StateDict.Load(model, file.Tensors, path);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in file.Tensors.Values) t.Dispose();
        }
        return model;
    }

    /// <summary>LPIPS of each pair: a tensor of N float distances, from two N x 3 x H x W tensors in [-1, 1].</summary>
    public override Tensor forward(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var layers = LayerDistances(a, b);
        // Summed in lpips's order (relu1 + relu2 + ...), not by a reduction whose order may vary.
        var total = layers[.., 0];
        for (int k = 1; k < Layers; k++) total = total.add(layers[.., k]);
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>The five layer values of each pair, N x 5 (relu1..relu5); their sum is the distance.</summary>
    public Tensor LayerDistances(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var maps = LayerMaps(a, b);
        return stack(maps.Select(m => m.mean([1, 2, 3])).ToArray(), 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// lpips's spatial=True output: each layer's map of lin-weighted differences bilinearly upsampled
    /// (align_corners=False) to H x W and the five summed, N x 1 x H x W. Its mean is close to, not equal to,
    /// the distance (the upsampling weighs border pixels differently).
    /// </summary>
    public Tensor SpatialMap(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long h = a.shape[2], w = a.shape[3];
        Tensor? sum = null;
        foreach (var m in LayerMaps(a, b))
        {
            var up = functional.interpolate(m, [h, w], mode: InterpolationMode.Bilinear, align_corners: false);
            sum = sum is null ? up : sum.add(up);
        }
        return sum!.MoveToOuterDisposeScope();
    }

    /// <summary>The five taps (relu1..relu5 of AlexNet, after the scaling layer) of an N x 3 x H x W tensor in [-1, 1].</summary>
    public IReadOnlyList<Tensor> Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Check(x, nameof(x));
        return Taps(Prepare(x)).Select(t => t.MoveToOuterDisposeScope()).ToList();
    }

    /// <summary>
    /// LPIPS between an SR result and its reference, 8-bit RGB, with <paramref name="cropBorder"/> pixels removed
    /// from each side of both (as PSNR's <see cref="MetricOptions.CropBorder"/>). See the class comment for the
    /// conventions; safe to call from several threads at once.
    /// </summary>
    public double Distance(RgbImage result, RgbImage reference, int cropBorder = 0)
    {
        if (result.Width != reference.Width || result.Height != reference.Height)
            throw new ArgumentException($"Images differ in size: {result.Width}x{result.Height} vs {reference.Width}x{reference.Height}.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var a = InputTensor(result, cropBorder);
        var b = InputTensor(reference, cropBorder);
        return forward(a, b).item<float>();
    }

    /// <summary>
    /// The model input of an 8-bit image: 1 x 3 x H x W float32, x = v/127.5 - 1, <paramref name="cropBorder"/>
    /// pixels removed from each side. Throws <see cref="ArgumentException"/> if fewer than 31x31 pixels remain.
    /// </summary>
    public static Tensor InputTensor(RgbImage image, int cropBorder = 0)
    {
        if (cropBorder < 0) throw new ArgumentOutOfRangeException(nameof(cropBorder), $"The border must not be negative, got {cropBorder}.");
        int w = image.Width - 2 * cropBorder, h = image.Height - 2 * cropBorder;
        if (w < MinimumSize || h < MinimumSize)
            throw new ArgumentException($"LPIPS (AlexNet) needs at least {MinimumSize}x{MinimumSize} pixels; a {image.Width}x{image.Height} image " +
                                        (cropBorder > 0 ? $"keeps {Math.Max(w, 0)}x{Math.Max(h, 0)} after removing a {cropBorder}-pixel border." : "is too small."));
        int plane = w * h;
        var data = new float[3 * plane];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int src = ((y + cropBorder) * image.Width + x + cropBorder) * 3, dst = y * w + x;
                for (int c = 0; c < 3; c++) data[c * plane + dst] = ByteToInput[image.Pixels[src + c]];
            }
        return tensor(data, [1, 3, h, w]);
    }

    /// <summary>Per layer, the lin-weighted squared differences of the normalised taps: N x 1 x h_k x w_k each.</summary>
    List<Tensor> LayerMaps(Tensor a, Tensor b)
    {
        Check(a, nameof(a));
        Check(b, nameof(b));
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"LPIPS compares tensors of one shape, got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
        // Each image through the trunk on its own rather than both in one batch: that keeps d(a,b) = d(b,a)
        // bit for bit (a batch position could change a convolution's rounding) and d(x,x) = 0 exactly.
        var fa = Taps(Prepare(a));
        var fb = Taps(Prepare(b));
        LinLayer[] lins = [lin0, lin1, lin2, lin3, lin4];
        var maps = new List<Tensor>(Layers);
        for (int k = 0; k < Layers; k++)
            maps.Add(lins[k].forward(Normalise(fa[k]).sub(Normalise(fb[k])).square()));
        return maps;
    }

    /// <summary>To the weights' dtype and device, then the scaling layer.</summary>
    Tensor Prepare(Tensor x)
    {
        var weight = ((Conv2d)features[0]).weight!;
        x = ChannelsLast.Of(x.to(weight.dtype, weight.device));
        var shift = tensor(Shift, [1, 3, 1, 1]).to(weight.dtype, weight.device);
        var scale = tensor(Scale, [1, 3, 1, 1]).to(weight.dtype, weight.device);
        return x.sub(shift).div(scale);
    }

    List<Tensor> Taps(Tensor x)
    {
        var taps = new List<Tensor>(Layers);
        for (int i = 0; i <= TapIndices[^1]; i++)
        {
            x = features[i].forward(x);
            if (TapIndices.Contains(i)) taps.Add(x);
        }
        return taps;
    }

    /// <summary>lpips.normalize_tensor: unit length over channels, eps added to the norm (outside the sqrt).</summary>
    static Tensor Normalise(Tensor f) => f.div(f.square().sum(1, keepdim: true).sqrt().add(NormEps));

    static void Check(Tensor x, string name)
    {
        if (x.dim() != 4 || x.shape[1] != 3)
            throw new ArgumentException($"LPIPS expects N x 3 x H x W RGB in [-1, 1], got {name} of shape [{string.Join(", ", x.shape)}].");
        if (x.shape[2] < MinimumSize || x.shape[3] < MinimumSize)
            throw new ArgumentException($"LPIPS (AlexNet) needs at least {MinimumSize}x{MinimumSize} pixels, got {name} of {x.shape[2]}x{x.shape[3]} (H x W).");
    }

    /// <summary>
    /// lpips.NetLinLayer: <c>model</c> = [Dropout, Conv2d(C, 1, 1, bias=False)], so the weight is
    /// <c>lin{k}.model.1.weight</c>. Index 0 is an Identity here: lpips's dropout is inactive in eval, and an
    /// Identity keeps the metric deterministic even if a parent module is put in training mode.
    /// </summary>
    sealed class LinLayer : Module<Tensor, Tensor>
    {
        readonly Sequential model;

        public LinLayer(int channels) : base(nameof(LinLayer))
        {
            model = Sequential(("0", Identity()), ("1", Conv2d(channels, 1, 1, bias: false)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => model.forward(x);
    }
}
