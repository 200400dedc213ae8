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
    /// <summary>Float32 convolutions of values of order 1 in another order differ by about 1e-6; upsampling after the
    /// conv, or bilinear instead of nearest, moves outputs by 0.01 or more.</summary>
    public const double Tolerance = 1e-4;

    const int Seed = 28;

    /// <summary>
    /// The student's forward of one x2 nearest-neighbour + conv stage (using the argument's Conv and Activation: a 3x3
    /// conv 64 -> 64 and PReLU) against the library's on a seeded 1x64x12x12 input.
    /// </summary>
    public static Check NearestConvStage(Func<UpsampleBlock, Tensor, Tensor> forward) => Check.Run("nearest-neighbour + conv stage", () =>
    {
        using var scope = NewDisposeScope();
        manual_seed(Seed);
        var stage = new UpsampleBlock(new GeneratorOptions { Upsampling = UpsamplingType.NearestConv });
        using (no_grad()) (stage.Activation as PReLU)!.weight.fill_(0.1);
        var x = randn(1, 64, 12, 12);
        Tensor expected, got;
        using (no_grad()) { expected = stage.forward(x); got = forward(stage, x); }
        if (Differences.Tensors("output", expected, got, Tolerance) is { } difference)
            return Check.Differs("nearest-neighbour + conv stage", difference, Hint(stage, x, got));
        return Check.Correct("nearest-neighbour + conv stage", $"matches UpsampleBlock.forward (NearestConv) within {Tolerance:G1}: 1x64x12x12 in, {Differences.Shape(expected)} out");
    });

    static string Hint(UpsampleBlock stage, Tensor x, Tensor got)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (got.shape.SequenceEqual(x.shape)) return "the output must be twice the size: upsample x2 first (functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)).";
        bool Matches(Tensor slip) => slip.shape.SequenceEqual(got.shape) && Differences.Tensors("", slip, got, Tolerance) is null;
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
