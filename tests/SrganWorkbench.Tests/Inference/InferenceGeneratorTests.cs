using SrganWorkbench.Inference;
using SrganWorkbench.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Inference;

/// <summary>The inference generator (folded BN, fused output conv, row bands) computes what SRResNet.forward computes in eval mode.</summary>
public class InferenceGeneratorTests(ITestOutputHelper output)
{
    public static TheoryData<string> Variants => new() { "paper", "peer", "per-channel", "nearest", "transposed", "reflect", "x2", "x8", "no-bn", "tensorlayer" };

    internal static GeneratorOptions Options(string variant)
    {
        var small = new GeneratorOptions { Blocks = 3, Channels = 16 };
        return variant switch
        {
            "paper" => small,
            "peer" => small with { Mid = MidLayer.ConvPRelu, Output = OutputActivation.TanhToUnit },
            "per-channel" => small with { PReluPerChannel = true, Output = OutputActivation.Tanh },
            "nearest" => small with { Upsampling = UpsamplingType.NearestConv },
            "transposed" => small with { Upsampling = UpsamplingType.TransposedConv },
            "reflect" => small with { Padding = ConvPadding.Reflect },
            "x2" => small with { Scale = 2 },
            "x8" => small with { Scale = 8, PReluPerChannel = true },
            "no-bn" => small with { BatchNorm = false },
            // ReLU, 3x3 input and 1x1 output convs (so no output fusion, a smaller halo), bias-free body convs, tanh.
            "tensorlayer" => PeerModels.TensorLayerOptions with { Blocks = 3, Channels = 16 },
            _ => throw new ArgumentException(variant),
        };
    }

    /// <summary>A model whose every weight, slope and batch-norm statistic is random, so folding and fusing are really exercised.</summary>
    internal static SRResNet RandomModel(GeneratorOptions options, int seed)
    {
        var model = new SRResNet(options);
        using var _ = no_grad();
        using var generator = new Generator((ulong)seed);
        foreach (var (name, t) in model.state_dict())
        {
            if (name.EndsWith("num_batches_tracked")) continue;
            using var r = rand(t.shape, generator: generator);
            if (name.EndsWith("running_var")) t.copy_(r.mul(2).add(0.2));          // positive, far from 1
            else if (name.Contains("prelu")) t.copy_(r.mul(0.5));                  // slopes in [0, 0.5)
            else if (name.Contains(".bn") || name.StartsWith("bn_")) t.copy_(r.sub(0.5).mul(2)); // gamma, beta, mean
            else t.copy_(r.sub(0.5).mul(2 * Math.Sqrt(3.0 / (t.dim() == 4 ? t.shape[1] * t.shape[2] * t.shape[3] : 16)))); // variance 1/fan-in
        }
        model.eval();
        return model;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Matches_the_model_in_eval_mode_across_bands(string variant)
    {
        var options = Options(variant);
        var model = RandomModel(options, seed: variant.GetHashCode() & 0xffff);
        using var generator = new Generator(7);
        using var lr = rand(2, 3, 37, 29, generator: generator); // odd sizes, two images
        using var expected = model.forward(lr);
        // A tiny band bound: the minimum of 8 rows, so 37 rows make 5 bands with halos to stitch.
        using var fast = InferenceGenerator.From(model, bandBytes: 1);
        using var actual = fast.Forward(lr);
        using var whole = InferenceGenerator.From(model, bandBytes: 1L << 30).Forward(lr);
        Assert.Equal(expected.shape, actual.shape);
        double diff = (actual - expected).abs().max().item<float>();
        double bands = (actual - whole).abs().max().item<float>();
        double range = expected.abs().max().item<float>();
        output.WriteLine($"{variant}: max |fast - model| {diff:E2} (output max {range:F3}); banded vs one band {bands:E2}");
        Assert.True(range > 0.05, "the random model should produce a non-trivial output");
        Assert.True(diff < 1e-4 * Math.Max(1, range), $"{variant}: inference generator differs from the model by {diff}");
        Assert.True(bands < 1e-4 * Math.Max(1, range), $"{variant}: bands differ from one band by {bands}");
    }

    [Fact]
    public void Is_a_snapshot_and_refuses_bad_input()
    {
        var model = RandomModel(Options("paper"), seed: 1);
        using var lr = rand(1, 3, 12, 12);
        using var fast = InferenceGenerator.From(model);
        using var before = fast.Forward(lr);
        using (no_grad()) foreach (var p in model.parameters()) p.mul_(1.5);
        using var after = fast.Forward(lr);
        Assert.True(before.eq(after).all().item<bool>(), "changing the model afterwards must not change a built generator");
        Assert.Contains("[N, 3, h, w]", Assert.Throws<ArgumentException>(() => fast.Forward(rand(3, 12, 12))).Message);
    }
}
