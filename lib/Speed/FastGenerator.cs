using SrganWorkbench.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SrganWorkbench.Speed;

/// <summary>
/// The form of an <see cref="SRResNet"/> that training runs: the same parameters (it holds the model,
/// not a copy), the same function and the same gradients (to float rounding; tested), faster on a CPU:
/// <list type="bullet">
/// <item>channels-last activations from the first layer on (<see cref="ChannelsLast"/>, oneDNN's native layout: ~1.4x per
/// step; the model's weights already are);</item>
/// <item>the last sub-pixel stage and the 9x9 output convolution as one 5x5 convolution before PixelShuffle
/// (<see cref="SubPixelFusion"/>: ~3x faster for that layer), when upsampling is sub-pixel, padding zero and the
/// output conv 9x9 (the paper's; a peer's 1x1 output conv is cheap as it is).</item>
/// </list>
/// </summary>
public sealed class FastGenerator
{
    public SRResNet Model { get; }

    public FastGenerator(SRResNet model) => Model = model;

    /// <summary>Whether the output conv is fused with the last sub-pixel stage (sub-pixel upsampling, zero padding, 9x9 output conv).</summary>
    public bool FusesOutput => Fuses(Model.Options);

    /// <summary>Whether <see cref="SubPixelFusion"/> applies: its index construction is for a 9x9 kernel after PixelShuffle(2)
    /// with zero padding 4 (= zero padding 2 at the low resolution; reflect padding does not commute with the shuffle).</summary>
    public static bool Fuses(GeneratorOptions o) =>
        o.Upsampling == UpsamplingType.SubPixel && o.Padding == ConvPadding.Zero && o.OutputKernel == SubPixelFusion.Kernel;

    /// <summary>What <c>Model.forward(lr)</c> computes; plain NCHW out whatever the layout inside (3 maps: a cheap copy).</summary>
    public Tensor Forward(Tensor lr)
    {
        using var scope = NewDisposeScope();
        var x = Model.Features(ChannelsLast.Of(lr));
        var stages = Model.Upsample;
        int plain = FusesOutput ? stages.Count - 1 : stages.Count;
        for (int k = 0; k < plain; k++) x = stages[k].forward(x);
        x = FusesOutput ? FusedOutput(stages[^1], Model.ConvOutput, x) : Model.ConvOutput.forward(x);
        return Model.Activate(x).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The last sub-pixel stage and the output conv: the stage's conv, its PReLU with the slopes moved
    /// before the shuffle (a ReLU, elementwise, commutes with it as it is), the fused 5x5 conv, then PixelShuffle.
    /// Differentiable in all the weights.</summary>
    static Tensor FusedOutput(UpsampleBlock stage, Conv2d output, Tensor x)
    {
        var y = stage.Conv.forward(x);
        y = Layers.Slope(stage.Activation) is { } slope ? functional.prelu(y, SubPixelFusion.Slope(slope)) : functional.relu(y);
        y = functional.conv2d(y, SubPixelFusion.Weight(output.weight!), SubPixelFusion.Bias(output.bias!), padding: [2, 2]);
        return functional.pixel_shuffle(y, 2);
    }
}
