using SrganWorkbench.Models;
using SrganWorkbench.Speed;
using SrganWorkbench.Tests.Inference;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Speed;

/// <summary>The training form (channels-last, fused output conv) computes the paper's SRResNet.forward: the same
/// outputs and, for every parameter, the same gradients, for every generator option.</summary>
public class FastGeneratorTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(InferenceGeneratorTests.Variants), MemberType = typeof(InferenceGeneratorTests))]
    public void Same_outputs_and_gradients_as_the_papers_forward(string variant)
    {
        using var scope = NewDisposeScope();
        var model = InferenceGeneratorTests.RandomModel(InferenceGeneratorTests.Options(variant), seed: 11);
        model.train(); // batch statistics, as in training
        using var generator = new Generator(5);
        var lr = rand(2, 3, 13, 11, generator: generator);
        var upstream = randn(2, 3, 13 * model.Options.Scale, 11 * model.Options.Scale, generator: generator);

        // The paper's form first, on the weights as constructed (NCHW), then the fast form on the same parameters.
        var expected = model.forward(lr);
        var paperGrads = Gradients(model, expected.mul(upstream).sum());
        var fast = new FastGenerator(model);
        var actual = fast.Forward(lr);
        var fastGrads = Gradients(model, actual.mul(upstream).sum());

        double range = expected.abs().max().item<float>();
        double diff = (actual - expected).abs().max().item<float>();
        output.WriteLine($"{variant}: fused {fast.FusesOutput}, max |fast - paper| {diff:E2} (output max {range:F3})");
        Assert.True(range > 0.05, "the random model should produce a non-trivial output");
        Assert.True(diff < 1e-4 * Math.Max(1, range), $"{variant}: outputs differ by {diff}");
        Assert.True(actual.is_contiguous());

        // Every parameter of the model gets a gradient from both forms, and they agree: the fast form cannot leave a layer out.
        Assert.Equal(paperGrads.Keys.Order(), fastGrads.Keys.Order());
        foreach (var (name, g) in paperGrads)
        {
            double size = g.abs().max().item<float>(), d = (fastGrads[name] - g).abs().max().item<float>();
            Assert.True(size > 0, $"{variant}: {name} got no gradient");
            Assert.True(d < 1e-3 * Math.Max(1, size), $"{variant}: gradient of {name} differs by {d} (max {size})");
        }
    }

    [Fact]
    public void Fuses_only_a_9x9_output_conv_after_zero_padded_sub_pixel_stages()
    {
        Assert.True(FastGenerator.Fuses(GeneratorOptions.Paper));
        Assert.False(FastGenerator.Fuses(PeerModels.TensorLayerOptions)); // 1x1 output conv
        Assert.False(FastGenerator.Fuses(GeneratorOptions.Paper with { OutputKernel = 5 }));
        Assert.False(FastGenerator.Fuses(GeneratorOptions.Paper with { Padding = ConvPadding.Reflect }));
        Assert.False(FastGenerator.Fuses(GeneratorOptions.Paper with { Upsampling = UpsamplingType.NearestConv }));
    }

    static Dictionary<string, Tensor> Gradients(SRResNet model, Tensor loss)
    {
        foreach (var p in model.parameters()) p.grad?.zero_();
        loss.backward();
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
    }
}
