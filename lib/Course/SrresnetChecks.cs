using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SrganWorkbench.Course;

/// <summary>
/// The checks of notebook 02 (SRResNet). Each builds the library's module with seeded weights, runs the student's
/// forward with that module's own submodules on a seeded input, and compares it with the module's forward. Only
/// forward outputs are compared: they are right on every CPU (gradients of some convolutions are not, see
/// <see cref="NumericsCheck"/>).
/// </summary>
public static class SrresnetChecks
{
    /// <summary>Float32 outputs of the same operations in another order (or BN's two forms) differ by about 1e-6 on
    /// values of order 1..10; a missing step or a wrong order moves them by 0.01 or more.</summary>
    public const double Tolerance = 1e-4;

    const int Seed = 28;

    /// <summary>
    /// The student's forward of a residual block (using <paramref name="forward"/>'s argument's Conv1, Bn1, Activation,
    /// Conv2, Bn2) against <see cref="ResidualBlock.forward"/> on a seeded 2x64x12x12 input, in eval mode (batch norm
    /// with its running statistics) and in train mode (with the batch's). The block's batch norms get random statistics
    /// and affine weights first, so that leaving one out changes the output.
    /// </summary>
    public static Check ResidualBlock(Func<ResidualBlock, Tensor, Tensor> forward) => Check.Run("residual block", () =>
    {
        using var scope = NewDisposeScope();
        manual_seed(Seed);
        var block = new ResidualBlock(GeneratorOptions.Paper);
        Randomise(block.Bn1!); Randomise(block.Bn2!);
        using (no_grad()) (block.Activation as PReLU)!.weight.fill_(0.1);
        var x = randn(2, GeneratorOptions.Paper.Channels, 12, 12);
        foreach (bool train in new[] { false, true })
        {
            block.train(train);
            Tensor expected, got;
            using (no_grad()) { expected = block.forward(x); got = forward(block, x); }
            string mode = train ? "train mode (batch statistics)" : "eval mode (running statistics)";
            if (Differences.Tensors($"output in {mode}", expected, got, Tolerance) is { } difference)
                return Check.Differs("residual block", difference, BlockHint(block, x, got));
        }
        return Check.Correct("residual block", $"matches ResidualBlock.forward within {Tolerance:G1} on a 2x64x12x12 input, in eval and in train mode");
    });

    static string BlockHint(ResidualBlock block, Tensor x, Tensor got)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var body = block.Bn2!.forward(block.Conv2.forward(block.Activation.forward(block.Bn1!.forward(block.Conv1.forward(x)))));
        if (Differences.Tensors("", body, got, Tolerance) is null) return "the skip connection is missing: the block returns x + (its body).";
        return "Fig. 4: conv1 (k3n64s1) -> BN -> PReLU -> conv2 (k3n64s1) -> BN, then add the input x. Use the block's own modules (block.Conv1, block.Bn1, ...).";
    }

    /// <summary>Running statistics and affine weights away from their defaults (mean 0, var 1, scale 1, shift 0, with
    /// which batch norm in eval mode is nearly the identity).</summary>
    static void Randomise(BatchNorm2d bn)
    {
        using var _ = no_grad();
        bn.running_mean!.copy_(randn(bn.running_mean.shape) * 0.5);
        bn.running_var!.copy_(rand(bn.running_var.shape) + 0.5);
        bn.weight!.copy_(rand(bn.weight.shape) + 0.5);
        bn.bias!.copy_(randn(bn.bias.shape) * 0.2);
    }

    /// <summary>
    /// The student's forward of one x2 sub-pixel upsampling stage (conv to 256 maps, PixelShuffle(2), PReLU; using the
    /// argument's Conv and Activation) against <see cref="UpsampleBlock.forward"/> on a seeded 1x64x12x12 input.
    /// </summary>
    public static Check UpsampleStage(Func<UpsampleBlock, Tensor, Tensor> forward) =>
        UpsampleStageAgainstLibrary("sub-pixel upsampling stage", GeneratorOptions.Paper, "UpsampleBlock.forward", forward,
            (stage, x, expected, got) => expected.shape.SequenceEqual(got.shape)
                ? "conv (64 -> 256 maps), then PixelShuffle(2) (functional.pixel_shuffle(x, 2)), then the stage's PReLU."
                : "PixelShuffle(2) turns 256 maps of H x W into 64 maps of 2H x 2W: the conv first, then the shuffle (functional.pixel_shuffle(x, 2)).");

    /// <summary>
    /// An upsampling stage check (this notebook's sub-pixel stage, notebook 04's nearest + conv one): the library's stage
    /// of <paramref name="options"/>' type, seeded, its PReLU slope set to 0.1 (so that a missing activation shows), run
    /// by the student's forward and by its own on a seeded 1x64x12x12 input; <paramref name="hint"/> (stage, input,
    /// expected, got) words what differs.
    /// </summary>
    internal static Check UpsampleStageAgainstLibrary(string exercise, GeneratorOptions options, string library,
        Func<UpsampleBlock, Tensor, Tensor> forward, Func<UpsampleBlock, Tensor, Tensor, Tensor, string> hint) => Check.Run(exercise, () =>
    {
        using var scope = NewDisposeScope();
        manual_seed(Seed);
        var stage = new UpsampleBlock(options);
        using (no_grad()) (stage.Activation as PReLU)!.weight.fill_(0.1);
        var x = randn(1, options.Channels, 12, 12);
        Tensor expected, got;
        using (no_grad()) { expected = stage.forward(x); got = forward(stage, x); }
        if (Differences.Tensors("output", expected, got, Tolerance) is { } difference)
            return Check.Differs(exercise, difference, hint(stage, x, expected, got));
        return Check.Correct(exercise, $"matches {library} within {Tolerance:G1}: 1x64x12x12 in, {Differences.Shape(expected)} out");
    });

    /// <summary>Eq. 4's mean of squares agrees with <see cref="PixelLoss.Compute"/> to this relative precision (float32 sums in another order).</summary>
    public const double LossRelativeTolerance = 1e-5;

    /// <summary>
    /// The student's pixel-wise MSE (Eq. 4: the mean over every element of (HR - SR)^2) against
    /// <see cref="PixelLoss.Compute"/> on two real pairs from Set5 (bicubic upscaling of the bicubic LR against HR, both
    /// mapped to [-1, 1] as in training, a batch of two 96x96 crops) and on a seeded batch.
    /// </summary>
    public static Check PixelMse(Func<Tensor, Tensor, Tensor> loss, string? dataRoot = null) => Check.Run("pixel-wise MSE (Eq. 4)", () =>
    {
        using var scope = NewDisposeScope();
        var (realSr, realHr) = CheckInputs.Set5Crops(dataRoot);
        manual_seed(Seed);
        var cases = new[] { ("Set5 butterfly and bird, 2x3x96x96 in [-1, 1]", realSr, realHr), ("seeded 4x3x8x8", randn(4, 3, 8, 8), randn(4, 3, 8, 8)) };
        foreach (var (name, sr, hr) in cases)
        {
            double expected = PixelLoss.Compute(sr, hr).item<float>();
            var value = loss(sr, hr);
            if (value.numel() != 1) return Check.Differs("pixel-wise MSE (Eq. 4)", $"{name}: expected one number, got a tensor of shape {Differences.Shape(value)}", "Eq. 4 averages over every element: .mean() (or .sum() / numel()).");
            double got = value.item<float>();
            if (Differences.Scalar(name, expected, got, LossRelativeTolerance * expected) is { } difference)
                return Check.Differs("pixel-wise MSE (Eq. 4)", difference, MseHint(sr, hr, got));
        }
        return Check.Correct("pixel-wise MSE (Eq. 4)", $"agrees with PixelLoss.Compute within a relative {LossRelativeTolerance:G1} on {string.Join(" and on ", cases.Select(c => c.Item1))}");
    });

    static string MseHint(Tensor sr, Tensor hr, double got)
    {
        double sum = (hr - sr).pow(2).sum().item<float>(), n = sr.numel();
        if (Math.Abs(got - sum) <= 1e-4 * sum) return "that is the sum of the squares: Eq. 4 divides it by the number of elements (B x 3 x rW x rH).";
        double mean = (hr - sr).pow(2).mean().item<float>();
        if (Math.Abs(got - Math.Sqrt(mean)) <= 1e-4 * mean) return "that is the root of the mean square: Eq. 4 has no square root.";
        if (Math.Abs(got - (hr - sr).abs().mean().item<float>()) <= 1e-4) return "that is the mean absolute difference (L1): Eq. 4 squares the differences.";
        return $"Eq. 4: the mean over all {n:N0} elements of (HR - SR)^2.";
    }
}
