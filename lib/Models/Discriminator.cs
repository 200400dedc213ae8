using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using SrganWorkbench.Speed;

namespace SrganWorkbench.Models;

/// <summary>How the discriminator turns its 512 feature maps into a vector for the dense layers.</summary>
public enum DiscriminatorHead
{
    /// <summary>Flatten the (size/16)^2 x 512 maps: the paper's; the input size is then fixed.</summary>
    Flatten,
    /// <summary>Average over space first: any input size, far fewer parameters.</summary>
    GlobalAveragePool,
}

/// <summary>The discriminator's shape; defaults are the paper's (Fig. 4, bottom) for 96 px crops.</summary>
public sealed record DiscriminatorOptions
{
    public int InputSize { get; init; } = 96;
    /// <summary>Width of the first dense layer: 1024 in the paper; 256 in some implementations.</summary>
    public int DenseWidth { get; init; } = 1024;
    public int BaseChannels { get; init; } = 64;
    public DiscriminatorHead Head { get; init; } = DiscriminatorHead.Flatten;
    /// <summary>Batch norm after every conv but the first; off for WGAN-GP, whose penalty assumes per-sample gradients.</summary>
    public bool BatchNorm { get; init; } = true;
    /// <summary>Batch norm's momentum in PyTorch's convention (0.1, its default); a Keras momentum k is 1 - k here
    /// (see <see cref="GeneratorOptions.BatchNormMomentum"/>).</summary>
    public double BatchNormMomentum { get; init; } = 0.1;
    public double LeakySlope { get; init; } = 0.2;
}

/// <summary>
/// The SRGAN discriminator of Ledig et al., CVPR 2017, Fig. 4 (bottom): eight 3x3 convolutions,
/// 64 to 512 maps, stride 2 whenever the number of maps stays (every second conv), LeakyReLU 0.2,
/// batch norm after all but the first; then dense(1024), LeakyReLU, dense(1). It returns the logit;
/// the losses apply the sigmoid (BCE with logits), which is the paper's sigmoid, computed stably.
///
/// Names as a PyTorch nn.Sequential would give them: <c>features.{i}</c>, <c>classifier.{i}</c>.
/// </summary>
public sealed class Discriminator : Module<Tensor, Tensor>
{
    public DiscriminatorOptions Options { get; }
    readonly Sequential features;
    readonly Sequential classifier;

    public Discriminator(DiscriminatorOptions? options = null) : base(nameof(Discriminator))
    {
        Options = options ?? new DiscriminatorOptions();
        if (Options.Head == DiscriminatorHead.Flatten && Options.InputSize % 16 != 0)
            throw new ArgumentException($"Discriminator input size must be a multiple of 16 with a flatten head, got {Options.InputSize}.");
        int c = Options.BaseChannels;
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int inChannels = 3;
        for (int i = 0; i < 8; i++)
        {
            int outChannels = c << (i / 2);
            int stride = i % 2 == 1 ? 2 : 1;
            layers.Add(($"{layers.Count}", Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1)));
            if (i > 0 && Options.BatchNorm) layers.Add(($"{layers.Count}", BatchNorm2d(outChannels, momentum: Options.BatchNormMomentum)));
            layers.Add(($"{layers.Count}", LeakyReLU(Options.LeakySlope)));
            inChannels = outChannels;
        }
        features = Sequential(layers);
        int flat = Options.Head == DiscriminatorHead.Flatten ? inChannels * (Options.InputSize / 16) * (Options.InputSize / 16) : inChannels;
        classifier = Sequential(
            ("0", Linear(flat, Options.DenseWidth)),
            ("1", LeakyReLU(Options.LeakySlope)),
            ("2", Linear(Options.DenseWidth, 1)));
        RegisterComponents();
        ChannelsLast.Apply(this); // the layout libtorch computes right on every CPU (lib/Speed/ChannelsLast.cs); values unchanged
    }

    /// <summary>Logits, one per image (N).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (Options.Head == DiscriminatorHead.Flatten && (x.shape[2] != Options.InputSize || x.shape[3] != Options.InputSize))
            throw new ArgumentException($"The discriminator takes {Options.InputSize}x{Options.InputSize} images (flatten head), got {x.shape[3]}x{x.shape[2]}.");
        var f = x;
        foreach (var layer in features.children()) // as features.forward(x), but batch norm through BatchNormStep
            f = layer is BatchNorm2d bn ? BatchNormStep.Forward(bn, f) : ((Module<Tensor, Tensor>)layer).forward(f);
        f = Options.Head == DiscriminatorHead.Flatten ? f.flatten(1) : f.mean([2L, 3L]);
        return classifier.forward(f).squeeze(1).MoveToOuterDisposeScope();
    }

    public long ParameterCount() => parameters().Sum(p => p.numel());
}
