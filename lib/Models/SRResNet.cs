using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SrganWorkbench.Models;

/// <summary>
/// SRResNet, the generator of Ledig et al., "Photo-Realistic Single Image Super-Resolution Using
/// a Generative Adversarial Network", CVPR 2017, Fig. 4 (top):
/// 9x9 conv + PReLU; B residual blocks (3x3 conv, BN, PReLU, 3x3 conv, BN, skip); 3x3 conv + BN
/// plus the long skip from the first PReLU; log2(scale) stages of (3x3 conv to 256 maps,
/// PixelShuffle(2), PReLU); 9x9 conv to RGB. Input LR RGB in [0,1]; output HR RGB (the paper
/// trains it against HR in [-1,1]).
///
/// Submodules are named as a PyTorch port would name them, so state dicts map one to one:
/// <c>conv_input, prelu_input, blocks.{i}.{conv1,bn1,prelu,conv2,bn2}, conv_mid, bn_mid|prelu_mid,
/// upsample.{k}.{conv,prelu}, conv_output</c>.
/// </summary>
public sealed class SRResNet : Module<Tensor, Tensor>
{
    public GeneratorOptions Options { get; }

    readonly Conv2d conv_input;
    readonly PReLU prelu_input;
    readonly ModuleList<ResidualBlock> blocks;
    readonly Conv2d conv_mid;
    readonly BatchNorm2d? bn_mid;   // the paper's
    readonly PReLU? prelu_mid;      // the peer model's
    readonly ModuleList<UpsampleBlock> upsample;
    readonly Conv2d conv_output;

    public SRResNet(GeneratorOptions? options = null) : base(nameof(SRResNet))
    {
        Options = options ?? GeneratorOptions.Paper;
        Options.Validate();
        int c = Options.Channels;
        var pad = Options.Padding == ConvPadding.Reflect ? PaddingModes.Reflect : PaddingModes.Zeros;
        conv_input = Conv2d(3, c, 9, padding: 4, padding_mode: pad);
        prelu_input = Layers.PRelu(c, Options.PReluPerChannel);
        blocks = new ModuleList<ResidualBlock>(Enumerable.Range(0, Options.Blocks).Select(_ => new ResidualBlock(c, Options.BatchNorm, Options.PReluPerChannel, pad)).ToArray());
        conv_mid = Conv2d(c, c, 3, padding: 1, padding_mode: pad);
        upsample = new ModuleList<UpsampleBlock>(Enumerable.Range(0, (int)Math.Log2(Options.Scale)).Select(_ => new UpsampleBlock(c, Options.Upsampling, Options.PReluPerChannel, pad)).ToArray());
        conv_output = Conv2d(c, 3, 9, padding: 4, padding_mode: pad);

        if (Options.Mid == MidLayer.ConvPRelu) prelu_mid = Layers.PRelu(c, Options.PReluPerChannel);
        else if (Options.BatchNorm) bn_mid = BatchNorm2d(c);

        RegisterComponents();
        ChannelsLast.Apply(this);
    }

    public override Tensor forward(Tensor lr)
    {
        using var scope = NewDisposeScope();
        var head = prelu_input.forward(conv_input.forward(ChannelsLast.Of(lr)));
        var x = head;
        foreach (var block in blocks) x = block.forward(x);
        x = conv_mid.forward(x);
        if (bn_mid is not null) x = bn_mid.forward(x);
        if (prelu_mid is not null) x = prelu_mid.forward(x);
        x = x.add_(head);
        if (FusesOutput)
        {
            // The last sub-pixel stage and the 9x9 output conv as one 5x5 conv before PixelShuffle (SubPixelFusion): same function, ~3x faster layer.
            for (int k = 0; k < upsample.Count - 1; k++) x = upsample[k].forward(x);
            x = upsample[upsample.Count - 1].ForwardBeforeShuffle(x);
            x = functional.conv2d(x, SubPixelFusion.Weight(conv_output.weight!), SubPixelFusion.Bias(conv_output.bias!), padding: [2, 2]);
            x = functional.pixel_shuffle(x, 2);
        }
        else
        {
            foreach (var stage in upsample) x = stage.forward(x);
            x = conv_output.forward(x);
        }
        x = Options.Output switch
        {
            OutputActivation.Tanh => x.tanh(),
            OutputActivation.TanhToUnit => x.tanh().add(1).div(2),
            _ => x,
        };
        // Callers get plain NCHW whatever the layout inside (3 channels: a cheap copy).
        return x.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Whether forward runs the last sub-pixel stage and the output conv fused (sub-pixel upsampling with zero padding).</summary>
    public bool FusesOutput => Options.Upsampling == UpsamplingType.SubPixel && Options.Padding == ConvPadding.Zero;

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}

/// <summary>x + BN(conv(PReLU(BN(conv(x))))): the paper's residual block.</summary>
public sealed class ResidualBlock : Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2;
    readonly BatchNorm2d? bn1, bn2;
    readonly PReLU prelu;

    public ResidualBlock(int channels, bool batchNorm, bool preluPerChannel, PaddingModes padding) : base(nameof(ResidualBlock))
    {
        conv1 = Conv2d(channels, channels, 3, padding: 1, padding_mode: padding);
        conv2 = Conv2d(channels, channels, 3, padding: 1, padding_mode: padding);
        prelu = Layers.PRelu(channels, preluPerChannel);
        if (batchNorm) { bn1 = BatchNorm2d(channels); bn2 = BatchNorm2d(channels); }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = conv1.forward(x);
        if (bn1 is not null) y = bn1.forward(y);
        y = conv2.forward(prelu.forward(y));
        if (bn2 is not null) y = bn2.forward(y);
        return y.add_(x).MoveToOuterDisposeScope();
    }
}

/// <summary>One x2 upsampling stage of the generator.</summary>
public sealed class UpsampleBlock : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> conv;
    readonly PReLU prelu;
    readonly UpsamplingType type;

    public UpsampleBlock(int channels, UpsamplingType type, bool preluPerChannel, PaddingModes padding) : base(nameof(UpsampleBlock))
    {
        this.type = type;
        conv = type switch
        {
            UpsamplingType.SubPixel => Conv2d(channels, channels * 4, 3, padding: 1, padding_mode: padding),
            UpsamplingType.NearestConv => Conv2d(channels, channels, 3, padding: 1, padding_mode: padding),
            _ => ConvTranspose2d(channels, channels, 4, stride: 2, padding: 1),
        };
        prelu = Layers.PRelu(channels, preluPerChannel);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = type switch
        {
            UpsamplingType.SubPixel => functional.pixel_shuffle(conv.forward(x), 2),
            UpsamplingType.NearestConv => conv.forward(functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)),
            _ => conv.forward(x),
        };
        return prelu.forward(y).MoveToOuterDisposeScope();
    }

    /// <summary>Sub-pixel stage without its PixelShuffle: conv, then PReLU with the slopes moved before the shuffle.</summary>
    public Tensor ForwardBeforeShuffle(Tensor x)
    {
        if (type != UpsamplingType.SubPixel) throw new InvalidOperationException("only a sub-pixel stage has a shuffle to defer");
        using var scope = NewDisposeScope();
        return functional.prelu(conv.forward(x), SubPixelFusion.Slope(prelu.weight!)).MoveToOuterDisposeScope();
    }
}

static class Layers
{
    /// <summary>PReLU with PyTorch's default initial slope 0.25.</summary>
    public static PReLU PRelu(int channels, bool perChannel) => PReLU(perChannel ? channels : 1, 0.25);
}
