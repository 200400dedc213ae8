using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using SrganWorkbench.Speed;

namespace SrganWorkbench.Models;

/// <summary>
/// SRResNet, the generator of Ledig et al., "Photo-Realistic Single Image Super-Resolution Using
/// a Generative Adversarial Network", CVPR 2017, Section 2.1 and Fig. 4 (top):
/// 9x9 conv + PReLU; B residual blocks (3x3 conv, BN, PReLU, 3x3 conv, BN, skip); 3x3 conv + BN
/// plus the long skip from the first PReLU; log2(scale) stages of (3x3 conv to 256 maps,
/// PixelShuffle(2), PReLU); 9x9 conv to RGB. Input LR RGB in [0,1]; output HR RGB (the paper
/// trains it against HR in [-1,1], Section 3.2).
///
/// This class is the paper's network and nothing else. The faster forms that training and inference
/// run (channels-last, the output conv fused with the last sub-pixel stage, batch norm folded, the
/// tail in row bands) are derived from an instance of it in <c>lib/Speed</c> and <c>lib/Inference</c>,
/// and tests check they compute the same outputs and gradients. Its weights are laid out channels-last
/// (<see cref="ChannelsLast"/>): the same values, and the one layout in which libtorch 2.10 computes right gradients
/// on every CPU.
///
/// Submodules are named as a PyTorch port would name them, so state dicts map one to one:
/// <c>conv_input, prelu_input, blocks.{i}.{conv1,bn1,prelu,conv2,bn2}, conv_mid, bn_mid|prelu_mid,
/// upsample.{k}.{conv,prelu}, conv_output</c>. With <see cref="Activation.Relu"/> the <c>prelu*</c> modules are
/// ReLUs: they keep the paper's names, which cost nothing as a ReLU has no parameters (so no keys).
/// </summary>
public sealed class SRResNet : Module<Tensor, Tensor>
{
    public GeneratorOptions Options { get; }

    readonly Conv2d conv_input;
    readonly Module<Tensor, Tensor> prelu_input;
    readonly ModuleList<ResidualBlock> blocks;
    readonly Conv2d conv_mid;
    readonly BatchNorm2d? bn_mid;                // the paper's
    readonly Module<Tensor, Tensor>? prelu_mid;  // the leftthomas peer's
    readonly ModuleList<UpsampleBlock> upsample;
    readonly Conv2d conv_output;

    public SRResNet(GeneratorOptions? options = null) : base(nameof(SRResNet))
    {
        Options = options ?? GeneratorOptions.Paper;
        Options.Validate();
        int c = Options.Channels;
        conv_input = Layers.Conv(Options, 3, c, Options.InputKernel);
        prelu_input = Layers.Activation(Options);
        blocks = new ModuleList<ResidualBlock>(Enumerable.Range(0, Options.Blocks).Select(_ => new ResidualBlock(Options)).ToArray());
        conv_mid = Layers.Conv(Options, c, c, 3, Options.BodyConvBias);
        upsample = new ModuleList<UpsampleBlock>(Enumerable.Range(0, (int)Math.Log2(Options.Scale)).Select(_ => new UpsampleBlock(Options)).ToArray());
        conv_output = Layers.Conv(Options, c, 3, Options.OutputKernel);

        if (Options.Mid == MidLayer.ConvPRelu) prelu_mid = Layers.Activation(Options);
        else if (Options.BatchNorm) bn_mid = BatchNorm2d(c, momentum: Options.BatchNormMomentum);

        RegisterComponents();
        ChannelsLast.Apply(this); // the layout libtorch computes right on every CPU (lib/Speed/ChannelsLast.cs); values unchanged
    }

    /// <summary>HR from LR, as Fig. 4 draws it.</summary>
    public override Tensor forward(Tensor lr)
    {
        using var scope = NewDisposeScope();
        var x = Features(lr);
        foreach (var stage in upsample) x = stage.forward(x);   // log2(scale) x (k3n256s1, PixelShuffle x2, PReLU)
        x = conv_output.forward(x);                             // k9n3s1
        return Activate(x).MoveToOuterDisposeScope();
    }

    /// <summary>Everything before the upsampling: the LR-resolution feature maps the sub-pixel stages enlarge.</summary>
    public Tensor Features(Tensor lr)
    {
        using var scope = NewDisposeScope();
        var head = prelu_input.forward(conv_input.forward(lr)); // k9n64s1, PReLU
        var x = head;
        foreach (var block in blocks) x = block.forward(x);     // B residual blocks
        x = Mid(x).add(head);                                   // k3n64s1, BN; elementwise sum with the head (the long skip)
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The layer between the residual blocks and the long skip: conv + BN (paper), conv + PReLU (peer), or conv alone.</summary>
    public Tensor Mid(Tensor x)
    {
        x = conv_mid.forward(x);
        if (bn_mid is not null) x = BatchNormStep.Forward(bn_mid, x);
        if (prelu_mid is not null) x = prelu_mid.forward(x);
        return x;
    }

    /// <summary>The output activation of <see cref="GeneratorOptions.Output"/> (the paper's is the identity).</summary>
    public Tensor Activate(Tensor x) => Options.Output switch
    {
        OutputActivation.Tanh => x.tanh(),
        OutputActivation.TanhToUnit => x.tanh().add(1).div(2),
        _ => x,
    };

    // The parts, for the forms in lib/Speed and lib/Inference that compute the same function faster.
    public Conv2d ConvInput => conv_input;
    /// <summary>PReLU or ReLU (<see cref="GeneratorOptions.Activation"/>); <see cref="Layers.Slope"/> tells which.</summary>
    public Module<Tensor, Tensor> InputActivation => prelu_input;
    public IList<ResidualBlock> Blocks => blocks;
    public Conv2d ConvMid => conv_mid;
    public BatchNorm2d? BnMid => bn_mid;
    public Module<Tensor, Tensor>? MidActivation => prelu_mid;
    public IList<UpsampleBlock> Upsample => upsample;
    public Conv2d ConvOutput => conv_output;

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}

/// <summary>x + BN(conv(PReLU(BN(conv(x))))): the paper's residual block (Fig. 4, after He et al. 2016 as Gross and Wilber modified it).</summary>
public sealed class ResidualBlock : Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2;
    readonly BatchNorm2d? bn1, bn2;
    readonly Module<Tensor, Tensor> prelu;

    public ResidualBlock(GeneratorOptions o) : base(nameof(ResidualBlock))
    {
        conv1 = Layers.Conv(o, o.Channels, o.Channels, 3, o.BodyConvBias);
        conv2 = Layers.Conv(o, o.Channels, o.Channels, 3, o.BodyConvBias);
        prelu = Layers.Activation(o);
        if (o.BatchNorm) { bn1 = BatchNorm2d(o.Channels, momentum: o.BatchNormMomentum); bn2 = BatchNorm2d(o.Channels, momentum: o.BatchNormMomentum); }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = conv1.forward(x);
        if (bn1 is not null) y = BatchNormStep.Forward(bn1, y);
        y = conv2.forward(prelu.forward(y));
        if (bn2 is not null) y = BatchNormStep.Forward(bn2, y);
        return y.add_(x).MoveToOuterDisposeScope();
    }

    public Conv2d Conv1 => conv1;
    public BatchNorm2d? Bn1 => bn1;
    public Module<Tensor, Tensor> Activation => prelu;
    public Conv2d Conv2 => conv2;
    public BatchNorm2d? Bn2 => bn2;
}

/// <summary>One x2 upsampling stage of the generator: <see cref="Enlarge"/>, then PReLU (or ReLU).</summary>
public sealed class UpsampleBlock : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> conv;
    readonly Module<Tensor, Tensor> prelu;

    public UpsampleBlock(GeneratorOptions o) : base(nameof(UpsampleBlock))
    {
        Type = o.Upsampling;
        int c = o.Channels;
        conv = Type switch
        {
            UpsamplingType.SubPixel => Layers.Conv(o, c, c * 4, 3),
            UpsamplingType.NearestConv => Layers.Conv(o, c, c, 3),
            _ => ConvTranspose2d(c, c, 4, stride: 2, padding: 1),
        };
        prelu = Layers.Activation(o);
        RegisterComponents();
    }

    public UpsamplingType Type { get; }
    public Module<Tensor, Tensor> Conv => conv;
    public Module<Tensor, Tensor> Activation => prelu;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return prelu.forward(Enlarge(x)).MoveToOuterDisposeScope();
    }

    /// <summary>Twice the resolution, before the activation: conv then PixelShuffle (the paper's sub-pixel
    /// convolution, Shi et al. 2016), nearest-neighbour then conv, or a stride-2 transposed conv.</summary>
    public Tensor Enlarge(Tensor x) => Type switch
    {
        UpsamplingType.SubPixel => functional.pixel_shuffle(conv.forward(x), 2),
        UpsamplingType.NearestConv => conv.forward(functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)),
        _ => conv.forward(x),
    };
}

static class Layers
{
    /// <summary>A stride-1 convolution with "same" padding of the options' kind (k odd).</summary>
    public static Conv2d Conv(GeneratorOptions o, int input, int output, int kernel, bool bias = true) =>
        Conv2d(input, output, kernel, padding: kernel / 2, bias: bias,
            padding_mode: o.Padding == ConvPadding.Reflect ? PaddingModes.Reflect : PaddingModes.Zeros);

    /// <summary>The options' nonlinearity: PReLU with PyTorch's default initial slope 0.25, or ReLU.</summary>
    public static Module<Tensor, Tensor> Activation(GeneratorOptions o)
    {
        if (o.Activation == Models.Activation.Relu) return ReLU();
        // TorchSharp's PReLU constructor fills its weight through a temporary Scalar that the GC may finalise while the
        // native fill still reads it: "Expected false to be true ... toFloat" (seen when notebook 04 built generators for
        // 11 runs while another thread scored images), or a wrong slope. So: retry the rare failure, then set the slope
        // again from a Scalar kept alive across the call.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var prelu = PReLU(o.PReluPerChannel ? o.Channels : 1, 0.25);
                using (no_grad())
                using (var slope = 0.25.ToScalar())
                    prelu.weight.fill_(slope);
                return prelu;
            }
            catch (System.Runtime.InteropServices.ExternalException) when (attempt < 4) { }
        }
    }

    /// <summary>An activation's PReLU slopes, or null for a ReLU (which is PReLU with slope 0): what the fast forms,
    /// which apply activations functionally, need to know.</summary>
    public static Tensor? Slope(Module<Tensor, Tensor> activation) => activation is PReLU p ? p.weight : null;
}
