using System.Text.RegularExpressions;
using SrganWorkbench.Data;
using SrganWorkbench.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using SrganWorkbench.Speed;

namespace SrganWorkbench.Models;

/// <summary>How a set of VGG19 weights expects its input, and how large its features are.</summary>
public enum VggPreprocessing
{
    /// <summary>RGB 0..255 minus the ImageNet mean (123.68, 116.779, 103.939): the original (Caffe/Keras) VGG release, which the paper used.</summary>
    Caffe,
    /// <summary>RGB 0..1, normalised by mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225): torchvision's weights.</summary>
    Torchvision,
}

/// <summary>
/// VGG19 (Simonyan and Zisserman, ICLR 2015) convolutional features up to relu{i}_{j}, frozen,
/// for the paper's content loss: VGG22 = relu2_2, VGG34 = relu3_4, VGG54 = relu5_4. Layers are
/// named as torchvision's <c>vgg19().features</c> (<c>features.0</c>, <c>features.2</c>, ...), so its
/// state dict and the partial safetensors file load one to one. Input: RGB in [0,1].
///
/// Feature scale (<see cref="FeatureScale"/>): the weights carry their preprocessing, and the features are
/// returned on one scale whichever weights are loaded, the paper's: the Caffe VGG19 fed 0..255 RGB, features
/// divided by 12.75 (Section 2.2.1). Weights trained on torchvision's normalised input see inputs 255 x 0.226
/// = 57.6 times smaller (0.226: the mean of its three stds); a ReLU network is positively homogeneous and
/// both releases' conv1_1 weights have similar magnitudes (this Caffe copy's std: 0.19), so their features
/// are multiplied by 57.6 before the 1/12.75. That factor is a first-order match, not a measured one:
/// torchvision's weights are not on this machine.
/// </summary>
public sealed partial class Vgg19Features : Module<Tensor, Tensor>
{
    /// <summary>Channels of the 16 convolutions of VGG19.</summary>
    static readonly int[] ConvChannels = [64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512];
    static readonly int[] BlockSizes = [2, 2, 4, 4, 4];
    /// <summary>The paper's rescaling of the (Caffe-scale) feature maps.</summary>
    public const double PaperRescale = 1 / 12.75;
    /// <summary>How much larger Caffe-preprocessed inputs (0..255) are than torchvision's normalised ones: 255 x mean(std).</summary>
    public const double TorchvisionToCaffeScale = 255 * (0.229 + 0.224 + 0.225) / 3;

    readonly Sequential features;
    // Input normalisation as plain numbers: a Tensor field would be registered as a buffer and
    // show up in the state dict, which must hold exactly torchvision's keys.
    readonly float[] _mean, _scale;
    public string Layer { get; }
    /// <summary>Factor applied to the raw features: puts them on the paper's scale (see the class comment).</summary>
    public double FeatureScale { get; }
    public VggPreprocessing Preprocessing { get; }

    /// <param name="layer">"relu2_2", "relu3_4", "relu5_4" (or the paper's "VGG22", "VGG34", "VGG54").</param>
    /// <param name="preprocessing">What the weights expect of their input.</param>
    /// <param name="featureScale">Factor applied to the raw features; default: the paper's scale for these weights.</param>
    public Vgg19Features(string layer, VggPreprocessing preprocessing, double? featureScale = null) : base(nameof(Vgg19Features))
    {
        Layer = Normalise(layer);
        Preprocessing = preprocessing;
        FeatureScale = featureScale ?? PaperScale(preprocessing);
        int cut = FeatureIndex(Layer);
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int inChannels = 3, conv = 0;
        for (int block = 0; block < BlockSizes.Length && layers.Count <= cut; block++)
        {
            for (int k = 0; k < BlockSizes[block] && layers.Count <= cut; k++)
            {
                layers.Add(($"{layers.Count}", Conv2d(inChannels, ConvChannels[conv], 3, padding: 1)));
                layers.Add(($"{layers.Count}", ReLU()));
                inChannels = ConvChannels[conv++];
            }
            if (layers.Count <= cut) layers.Add(($"{layers.Count}", MaxPool2d(2, 2)));
        }
        features = Sequential(layers.Take(cut + 1));
        (_mean, _scale) = preprocessing == VggPreprocessing.Caffe
            ? (new[] { 123.68f / 255, 116.779f / 255, 103.939f / 255 }, new[] { 255f, 255f, 255f })
            : (new[] { 0.485f, 0.456f, 0.406f }, new[] { 1 / 0.229f, 1 / 0.224f, 1 / 0.225f });
        RegisterComponents();
        ChannelsLast.Apply(this); // the layout libtorch computes right on every CPU (lib/Speed/ChannelsLast.cs); values unchanged
        foreach (var p in parameters()) p.requires_grad = false;
        eval();
    }

    /// <summary>The factor that puts raw features of weights with this preprocessing on the paper's scale.</summary>
    public static double PaperScale(VggPreprocessing preprocessing) =>
        preprocessing == VggPreprocessing.Caffe ? PaperRescale : TorchvisionToCaffeScale * PaperRescale;

    /// <summary>Rescaled features of RGB images in [0,1].</summary>
    public override Tensor forward(Tensor rgb)
    {
        using var scope = NewDisposeScope();
        var mean = tensor(_mean, [1, 3, 1, 1], device: rgb.device);
        var scale = tensor(_scale, [1, 3, 1, 1], device: rgb.device);
        return features.forward(rgb.sub(mean).mul(scale)).mul(FeatureScale).MoveToOuterDisposeScope();
    }

    /// <summary>Loads weights with torchvision key names (features.N.weight/bias); names the layers a file lacks.</summary>
    public void LoadWeights(IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var needed = state_dict().Keys.ToList();
        var absent = needed.Where(k => !weights.ContainsKey(k)).ToList();
        if (absent.Count > 0)
        {
            var have = weights.Keys.Where(k => k.StartsWith("features.", StringComparison.Ordinal) && k.EndsWith(".weight", StringComparison.Ordinal))
                .Select(k => ConvName(int.Parse(k.Split('.')[1]))).ToList();
            throw new InvalidDataException(
                $"{source} has no weights for {string.Join(", ", absent.Where(k => k.EndsWith(".weight")).Select(k => ConvName(int.Parse(k.Split('.')[1]))))}, " +
                $"which VGG layer {Layer} needs (the file has {(have.Count == 0 ? "no VGG convolutions" : $"{have.First()}..{have.Last()}")}). " +
                "Choose a shallower layer (relu2_2 = VGG22, relu3_4 = VGG34) or use torchvision's full VGG19 weights (`srgan weights download vgg19`).");
        }
        StateDict.Load(this, weights.Where(kv => needed.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value), source);
    }

    /// <summary>The shared ImageNet VGG19 (conv1_1..conv3_4, Caffe preprocessing) under the weights root: enough for VGG22 and VGG34.</summary>
    public static string DefaultWeightsPath() =>
        Path.Combine(DataRoot.ResolveWeights(), "vgg19-imagenet-partial", "vgg19_features_0-16_caffeRGB.safetensors");

    /// <summary>A frozen extractor from a weights file, with the preprocessing the file states: torchvision's .pth
    /// (torchvision preprocessing), or safetensors whose metadata "preprocess" names the 0..255 Caffe input (as the
    /// shared partial VGG19's does; Caffe preprocessing) or does not (timm's vgg19.tv_in1k: torchvision).</summary>
    public static Vgg19Features Load(string layer, string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: VGG19 weights not found. Set {DataRoot.WeightsVariable} to the folder holding vgg19-imagenet-partial/, " +
                                            "set VggWeights in the config, or download torchvision's with `srgan weights download vgg19`.", path);
        bool pth = path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase);
        IReadOnlyDictionary<string, Tensor> weights;
        var preprocessing = VggPreprocessing.Torchvision;
        if (pth) weights = PyTorchZip.ReadStateDict(path);
        else
        {
            var file = SafeTensors.Read(path);
            weights = file.Tensors;
            if (file.Metadata.TryGetValue("preprocess", out var p) && p.Contains("0..255", StringComparison.Ordinal)) preprocessing = VggPreprocessing.Caffe;
        }
        var model = new Vgg19Features(layer, preprocessing);
        model.LoadWeights(weights, path);
        foreach (var t in weights.Values) t.Dispose();
        return model;
    }

    /// <summary>"VGG22" -> "relu2_2"; "relu3_4" stays.</summary>
    public static string Normalise(string layer)
    {
        var vgg = VggName().Match(layer.Trim());
        if (vgg.Success) return $"relu{vgg.Groups[1].Value}_{vgg.Groups[2].Value}";
        var relu = ReluName().Match(layer.Trim());
        if (!relu.Success) throw new ArgumentException($"Unknown VGG layer '{layer}': expected relu<i>_<j> (e.g. relu2_2, relu5_4) or VGG<ij> (e.g. VGG22, VGG54).");
        return $"relu{relu.Groups[1].Value}_{relu.Groups[2].Value}";
    }

    /// <summary>Index of relu{i}_{j} in torchvision's vgg19().features.</summary>
    public static int FeatureIndex(string layer)
    {
        var m = ReluName().Match(Normalise(layer));
        int block = int.Parse(m.Groups[1].Value), conv = int.Parse(m.Groups[2].Value);
        if (block < 1 || block > 5 || conv < 1 || conv > BlockSizes[block - 1])
            throw new ArgumentException($"VGG19 has no layer {layer}: block 1-2 have 2 convolutions, blocks 3-5 have 4.");
        int index = 0;
        for (int b = 1; b < block; b++) index += 2 * BlockSizes[b - 1] + 1; // conv+relu pairs, then a pool
        return index + 2 * (conv - 1) + 1;
    }

    static string ConvName(int featureIndex)
    {
        int index = 0;
        for (int b = 0; b < BlockSizes.Length; b++)
        {
            for (int k = 0; k < BlockSizes[b]; k++, index += 2)
                if (index == featureIndex) return $"conv{b + 1}_{k + 1}";
            index++;
        }
        return $"features.{featureIndex}";
    }

    [GeneratedRegex(@"^(?:relu)?(\d)_(\d)$", RegexOptions.IgnoreCase)]
    private static partial Regex ReluName();
    [GeneratedRegex(@"^VGG(\d)(\d)$", RegexOptions.IgnoreCase)]
    private static partial Regex VggName();
}
