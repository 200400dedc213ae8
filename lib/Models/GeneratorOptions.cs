namespace SrganWorkbench.Models;

/// <summary>How the generator doubles resolution in each of its two upsampling stages.</summary>
public enum UpsamplingType
{
    /// <summary>3x3 conv to 4x the channels, PixelShuffle(2), PReLU: the paper's sub-pixel convolution (Shi et al. 2016).</summary>
    SubPixel,
    /// <summary>Nearest-neighbour 2x, then a 3x3 conv and PReLU (Odena et al.'s fix for checkerboard artefacts).</summary>
    NearestConv,
    /// <summary>4x4 transposed convolution with stride 2, then PReLU.</summary>
    TransposedConv,
}

/// <summary>Padding of every convolution.</summary>
public enum ConvPadding { Zero, Reflect }

/// <summary>What the last convolution's output goes through.</summary>
public enum OutputActivation
{
    /// <summary>None: the paper's generator outputs HR in [-1,1] through a linear last layer.</summary>
    Identity,
    /// <summary>tanh: output in (-1,1).</summary>
    Tanh,
    /// <summary>(tanh(y)+1)/2: output in (0,1), as some implementations (e.g. the peer model) do.</summary>
    TanhToUnit,
}

/// <summary>The nonlinearity of the generator: after the input conv, inside each residual block, after each
/// upsampling stage (and after conv_mid with <see cref="MidLayer.ConvPRelu"/>).</summary>
public enum Activation
{
    /// <summary>PReLU: the paper's (Fig. 4).</summary>
    PRelu,
    /// <summary>ReLU: the TensorLayer peer's. No parameters, so no <c>prelu*</c> keys in the state dict.</summary>
    Relu,
}

/// <summary>The value range of the LR image the network takes. The network itself does not map it:
/// <see cref="Inference.ModelUpscaler"/> maps an 8-bit image's [0,1] onto it, as it maps the output back.</summary>
public enum InputRange
{
    /// <summary>[0,1]: the paper's (Section 3.2, "we scaled the range of the LR input images to [0,1]").</summary>
    Unit,
    /// <summary>[-1,1] (x/127.5 - 1): the TensorLayer peer's.</summary>
    Signed,
}

/// <summary>Maps images in [0,1] onto a generator's <see cref="InputRange"/>: the one place both the trainer and the
/// upscaler do it, so a network is trained and used on the same range.</summary>
public static class InputRanges
{
    public static TorchSharp.torch.Tensor FromUnit(this InputRange range, TorchSharp.torch.Tensor unit) =>
        range == InputRange.Signed ? unit.mul(2).sub(1) : unit;
}

/// <summary>The layer between the residual blocks and the long skip connection.</summary>
public enum MidLayer
{
    /// <summary>3x3 conv + batch norm: the paper's Fig. 4.</summary>
    ConvBatchNorm,
    /// <summary>3x3 conv + PReLU: the peer model's variant.</summary>
    ConvPRelu,
}

/// <summary>
/// The generator's shape. Defaults are the paper's SRResNet (Fig. 4): 16 residual blocks of 64
/// channels with batch norm, sub-pixel upsampling, zero padding, linear output; PReLU with one
/// shared parameter per layer (PyTorch's default nn.PReLU(); the peer model uses the same); LR input in [0,1].
/// The other values describe peers' variants of it (see <see cref="PeerModels"/>).
/// </summary>
public sealed record GeneratorOptions
{
    public int Blocks { get; init; } = 16;
    public int Channels { get; init; } = 64;
    public bool BatchNorm { get; init; } = true;
    /// <summary>Batch norm's running-statistics momentum in PyTorch's convention (new = (1-m) x old + m x batch; 0.1,
    /// PyTorch's default). Keras states the opposite (its momentum is the old statistics' weight), so a Keras
    /// recipe's 0.5 is 0.5 here and its 0.8 is 0.2; it changes only the statistics eval mode uses.</summary>
    public double BatchNormMomentum { get; init; } = 0.1;
    public UpsamplingType Upsampling { get; init; } = UpsamplingType.SubPixel;
    public ConvPadding Padding { get; init; } = ConvPadding.Zero;
    public OutputActivation Output { get; init; } = OutputActivation.Identity;
    public MidLayer Mid { get; init; } = MidLayer.ConvBatchNorm;
    /// <summary>One PReLU slope per channel instead of one per layer.</summary>
    public bool PReluPerChannel { get; init; }
    /// <summary>A power of two; each x2 stage is one upsampling block.</summary>
    public int Scale { get; init; } = 4;
    public Activation Activation { get; init; } = Activation.PRelu;
    /// <summary>Kernel size of conv_input: the paper's 9 (k9n64s1), TensorLayer's 3.</summary>
    public int InputKernel { get; init; } = 9;
    /// <summary>Kernel size of conv_output: the paper's 9 (k9n3s1), TensorLayer's 1.</summary>
    public int OutputKernel { get; init; } = 9;
    /// <summary>Whether the body's convolutions (residual blocks, conv_mid) have a bias: the paper's do; TensorLayer's
    /// do not, as a batch norm right after a convolution subtracts any bias again.</summary>
    public bool BodyConvBias { get; init; } = true;
    /// <summary>What range the LR input is in (the output's is <see cref="Output"/>'s).</summary>
    public InputRange Input { get; init; } = InputRange.Unit;

    public static GeneratorOptions Paper { get; } = new();

    public void Validate()
    {
        if (Blocks < 0) throw new ArgumentException($"Blocks must be >= 0, got {Blocks}.");
        if (BatchNormMomentum is <= 0 or > 1) throw new ArgumentException($"BatchNormMomentum must be in (0, 1] (PyTorch's convention), got {BatchNormMomentum}.");
        if (Channels <= 0) throw new ArgumentException($"Channels must be positive, got {Channels}.");
        if (Scale < 2 || (Scale & (Scale - 1)) != 0) throw new ArgumentException($"Scale must be a power of two >= 2, got {Scale}.");
        // Odd, so that "same" padding of k/2 keeps the size and centres the kernel.
        if (InputKernel < 1 || InputKernel % 2 == 0) throw new ArgumentException($"InputKernel must be odd and positive, got {InputKernel}.");
        if (OutputKernel < 1 || OutputKernel % 2 == 0) throw new ArgumentException($"OutputKernel must be odd and positive, got {OutputKernel}.");
    }
}
