using SrganWorkbench.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SrganWorkbench.Course;

/// <summary>
/// The check of notebook 04 (ablations): the nearest-neighbour + convolution upsampling stage (Odena et al. 2016), one
/// of the three upsampling types section 3 compares, against <see cref="UpsampleBlock.forward"/> of the library's
/// stage of type <see cref="UpsamplingType.NearestConv"/>. Forward outputs only (right on every CPU).
/// </summary>
public static class AblationChecks
{
    /// <summary>
    /// The student's forward of one x2 nearest-neighbour + conv stage (using the argument's Conv and Activation: a 3x3
    /// conv 64 -> 64 and PReLU) against the library's on a seeded 1x64x12x12 input, as notebook 02's sub-pixel stage is
    /// checked (<see cref="SrresnetChecks.Tolerance"/>).
    /// </summary>
    public static Check NearestConvStage(Func<UpsampleBlock, Tensor, Tensor> forward) =>
        SrresnetChecks.UpsampleStageAgainstLibrary("nearest-neighbour + conv stage", new GeneratorOptions { Upsampling = UpsamplingType.NearestConv },
            "UpsampleBlock.forward (NearestConv)", forward, (stage, x, _, got) => Hint(stage, x, got));

    static string Hint(UpsampleBlock stage, Tensor x, Tensor got)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (got.shape.SequenceEqual(x.shape)) return "the output must be twice the size: upsample x2 first (functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)).";
        bool Matches(Tensor slip) => slip.shape.SequenceEqual(got.shape) && Differences.Tensors("", slip, got, SrresnetChecks.Tolerance) is null;
        var up = nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        if (Matches(nn.functional.interpolate(stage.Conv.forward(x), scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)) ||
            Matches(stage.Activation.forward(nn.functional.interpolate(stage.Conv.forward(x), scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest))))
            return "the conv comes after the upsampling: conv after nearest lets each output pixel of a 2x2 block see different neighbours; before it, the block is four copies.";
        if (Matches(stage.Conv.forward(up))) return "the stage's activation (PReLU) is missing after the conv.";
        if (Matches(stage.Activation.forward(stage.Conv.forward(nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear)))))
            return "that is bilinear upsampling: this stage repeats each pixel (mode: InterpolationMode.Nearest).";
        return "nearest-neighbour x2 (functional.interpolate, mode Nearest), then the stage's conv (3x3, 64 -> 64), then its PReLU.";
    }
}
