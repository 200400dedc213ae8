using SrganWorkbench.Imaging;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Speed;
using SrganWorkbench.Tests.Inference;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Runtime;

/// <summary>
/// Every gradient path the workspace trains through, in float32 as it runs, against the same in float64
/// (<see cref="Float64Reference"/>): the generator in each option variant, in the paper's form and the training form,
/// the discriminator, and the content losses (VGG22, VGG34, VGG34 with L1, pixel, chroma), each within 1e-4 relative for
/// every parameter and for the input. On a CPU where libtorch's NCHW float32 convolutions are wrong (AMD Zen 5 with
/// libtorch 2.10) these fail if any network or loss runs a convolution NCHW; elsewhere they fail for any other wrong kernel.
/// </summary>
public class Float64GradientTests(ITestOutputHelper output)
{
    public static TheoryData<string> GeneratorVariants
    {
        get
        {
            var variants = new TheoryData<string>();
            foreach (string v in InferenceGeneratorTests.Variants) variants.Add(v);
            variants.Add("paper-64"); // 64 channels: the paper's 64 -> 3 9x9 output and 256 -> 12 fused convolutions
            return variants;
        }
    }

    static GeneratorOptions Options(string variant) => variant == "paper-64"
        ? GeneratorOptions.Paper with { Blocks = 2 }
        : InferenceGeneratorTests.Options(variant);

    [Theory]
    [MemberData(nameof(GeneratorVariants))]
    public void Generator_gradients_match_float64_in_the_papers_form_and_the_training_form(string variant)
    {
        using var scope = NewDisposeScope();
        var options = Options(variant);
        var model = InferenceGeneratorTests.RandomModel(options, seed: 23);
        model.train(); // batch statistics, as in training
        var reference = Float64Reference.Copy(model, () => new SRResNet(options));
        using var random = new Generator(3);
        var lr = rand(2, 3, 12, 10, generator: random);
        var upstream = randn(2, 3, 12 * options.Scale, 10 * options.Scale, generator: random);

        var (expected, expectedInput) = Run(reference, x => reference.forward(x), lr.to(float64), upstream.to(float64), out var expectedGrads);
        var (paper, paperInput) = Run(model, model.forward, lr, upstream, out var paperGrads);
        var fast = new FastGenerator(model);
        var (training, trainingInput) = Run(model, fast.Forward, lr, upstream, out var trainingGrads);

        Assert.True(Float64Reference.RelativeError(paper, expected) <= Float64Reference.Tolerance, $"{variant}: the paper's form's output is off");
        Assert.True(Float64Reference.RelativeError(training, expected) <= Float64Reference.Tolerance, $"{variant}: the training form's output is off");
        double inputs = Math.Max(Float64Reference.RelativeError(paperInput, expectedInput), Float64Reference.RelativeError(trainingInput, expectedInput));
        Assert.True(inputs <= Float64Reference.Tolerance, $"{variant}: the input gradient is {inputs:E2} from float64's");
        double worst = Math.Max(Float64Reference.AssertClose($"{variant}, paper's form", paperGrads, expectedGrads),
                                Float64Reference.AssertClose($"{variant}, training form (fused {fast.FusesOutput})", trainingGrads, expectedGrads));
        output.WriteLine($"{variant}: largest relative error against float64: parameters {worst:E2}, input {inputs:E2}");
    }

    [Theory]
    [InlineData(16)] // the smoke profile's
    [InlineData(64)] // the paper's
    public void Discriminator_gradients_match_float64(int baseChannels)
    {
        using var scope = NewDisposeScope();
        var options = new DiscriminatorOptions { BaseChannels = baseChannels, InputSize = 32, DenseWidth = 64 };
        var d = new Discriminator(options);
        ModelInit.Reset(d, seed: 5);
        d.train();
        var reference = Float64Reference.Copy(d, () => new Discriminator(options));
        using var random = new Generator(4);
        var image = rand(2, 3, 32, 32, generator: random).mul(2).sub(1);
        var upstream = randn(2, generator: random);

        var (expected, expectedInput) = Run(reference, reference.forward, image.to(float64), upstream.to(float64), out var expectedGrads);
        var (actual, actualInput) = Run(d, d.forward, image, upstream, out var grads);
        Assert.True(Float64Reference.RelativeError(actual, expected) <= Float64Reference.Tolerance, "the logits are off");
        double input = Float64Reference.RelativeError(actualInput, expectedInput); // what the generator's update receives
        Assert.True(input <= Float64Reference.Tolerance, $"the gradient to the image is {input:E2} from float64's");
        double worst = Float64Reference.AssertClose($"discriminator base {baseChannels}", grads, expectedGrads);
        output.WriteLine($"base {baseChannels}: largest relative error against float64: parameters {worst:E2}, input {input:E2}");
    }

    /// <summary>The content terms' gradients with respect to the SR image, on Set5 crops (SR = HR plus noise), as the
    /// generator's update receives them.</summary>
    [Theory]
    [InlineData("vgg22")]
    [InlineData("vgg34")]
    [InlineData("vgg34-l1")]
    [InlineData("pixel-mse")]
    [InlineData("pixel-l1")]
    [InlineData("chroma")]
    public void Content_loss_gradients_match_float64(string loss)
    {
        using var scope = NewDisposeScope();
        var image = ImageFile.Read(System.IO.Path.Combine(SharedData.Set("Set5"), "baby.png"));
        var hr = stack(new[] { image.Crop(200, 120, 40, 40), image.Crop(300, 300, 40, 40) }.Select(c => ImageTensor.ToTensor(c)).ToArray()).mul(2).sub(1);
        using var random = new Generator(9);
        var sr = hr.add(randn(hr.shape, generator: random).mul(0.1));

        Vgg19Features Vgg(ScalarType dtype)
        {
            var vgg = Vgg19Features.Load(loss == "vgg22" ? "relu2_2" : "relu3_4", Vgg19Features.DefaultWeightsPath());
            return dtype == float64 ? Float64Reference.Copy(vgg, () => Vgg19Features.Load(vgg.Layer, Vgg19Features.DefaultWeightsPath())) : vgg;
        }
        // L1's gradient is the sign of each feature difference: where a difference is within rounding of zero, float32
        // and float64 may take opposite signs, which says nothing about the kernels. So VGG34 with L1 is checked as the
        // loss's gradient with the signs float64 gives: sum(features(SR) * sign(features64(SR) - features64(HR))) / N.
        Tensor? signs = null;
        if (loss == "vgg34-l1")
            using (no_grad())
            {
                var vgg64 = Vgg(float64);
                var difference = vgg64.forward(sr.to(float64).add(1).div(2)).sub(vgg64.forward(hr.to(float64).add(1).div(2)));
                signs = difference.sign().div(difference.numel());
            }
        Func<Tensor, Tensor, Tensor> Term(ScalarType dtype)
        {
            if (signs is not null)
            {
                var vgg = Vgg(dtype);
                return (s, _) => vgg.forward(s.add(1).div(2)).mul(signs.to(dtype)).sum();
            }
            if (loss.StartsWith("vgg")) return new VggContentLoss(Vgg(dtype), Criterion.Mse).Compute;
            return loss switch
            {
                "pixel-mse" => (s, h) => PixelLoss.Compute(s, h, Criterion.Mse),
                "pixel-l1" => (s, h) => PixelLoss.Compute(s, h, Criterion.L1),
                _ => ChromaLoss.Compute,
            };
        }
        Tensor Gradient(ScalarType dtype, out Tensor value)
        {
            var s = sr.to(dtype).detach().requires_grad_(true);
            value = Term(dtype)(s, hr.to(dtype));
            value.backward();
            return s.grad!;
        }
        var expected = Gradient(float64, out var expectedValue);
        var actual = Gradient(float32, out var actualValue);
        double error = Float64Reference.RelativeError(actual, expected);
        output.WriteLine($"{loss}: loss {actualValue.item<float>():G6} (float64 {expectedValue.item<double>():G6}); gradient to SR {error:E2} from float64's");
        Assert.True(expected.abs().max().item<double>() > 0, "the reference gradient is zero: the comparison would prove nothing");
        Assert.True(Float64Reference.RelativeError(actualValue, expectedValue) <= Float64Reference.Tolerance, $"{loss}: the loss's value is off");
        Assert.True(error <= Float64Reference.Tolerance, $"{loss}: the gradient to the SR image is {error:E2} from float64's");
    }

    /// <summary>Output, input gradient and every parameter's gradient of <paramref name="forward"/> on <paramref name="input"/>
    /// for the loss sum(output * upstream).</summary>
    static (Tensor Output, Tensor InputGradient) Run(nn.Module module, Func<Tensor, Tensor> forward, Tensor input, Tensor upstream,
        out Dictionary<string, Tensor> gradients)
    {
        var x = input.detach().requires_grad_(true);
        Tensor output = null!;
        gradients = Float64Reference.Gradients(module, () =>
        {
            if (x.grad is { } g) g.zero_();
            output = forward(x);
            return output.mul(upstream).sum();
        });
        return (output.detach(), x.grad!.clone());
    }
}
