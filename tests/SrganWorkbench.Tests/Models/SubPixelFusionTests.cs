using SrganWorkbench.Models;
using SrganWorkbench.Speed;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SrganWorkbench.Tests.Models;

/// <summary>The fused output convolution against the plain one: values and gradients, and the layout. The plain one
/// is computed in float64 (a reference no float32 kernel touches, Runtime/Float64Reference.cs): the fusion is an
/// identity there to rounding, and the float32 fused form that training runs lands within 1e-4 of it.</summary>
public class SubPixelFusionTests
{
    [Theory]
    [InlineData(1)]  // one PReLU slope per layer (the paper's)
    [InlineData(16)] // one per map
    public void Fused_conv_before_the_shuffle_equals_the_9x9_conv_after_it_with_gradients(int slopes)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        // A: 4C maps before PixelShuffle; W: the 9x9 output conv of C = 16 maps to 3.
        var a = randn(2, 64, 11, 7, generator: generator);
        var w = randn(3, 16, 9, 9, generator: generator).mul(0.05);
        var b = randn(3, generator: generator);
        var slope = rand(slopes, generator: generator);
        var upstream = randn(2, 3, 22, 14, generator: generator);

        (Tensor Output, Tensor[] Gradients) Run(ScalarType dtype, bool fusedForm)
        {
            Tensor[] inputs = [a.to(dtype).requires_grad_(), w.to(dtype).requires_grad_(), b.to(dtype).requires_grad_(), slope.to(dtype).requires_grad_()];
            var (x, weight, bias, s) = (inputs[0], inputs[1], inputs[2], inputs[3]);
            var y = fusedForm
                ? functional.pixel_shuffle(functional.conv2d(functional.prelu(x, SubPixelFusion.Slope(s)),
                    SubPixelFusion.Weight(weight), SubPixelFusion.Bias(bias), padding: [2, 2]), 2)
                : functional.conv2d(functional.prelu(functional.pixel_shuffle(x, 2), s), weight, bias, padding: [4, 4]);
            return (y.detach(), autograd.grad([y.mul(upstream.to(dtype)).sum()], inputs).ToArray());
        }
        var reference = Run(float64, fusedForm: false);
        var fused64 = Run(float64, fusedForm: true);
        var fused32 = Run(float32, fusedForm: true);
        Assert.Equal(reference.Output.shape, fused32.Output.shape);
        string[] names = ["output", "input gradient", "weight gradient", "bias gradient", "slope gradient"];
        Tensor[] expected = [reference.Output, .. reference.Gradients], exact = [fused64.Output, .. fused64.Gradients], training = [fused32.Output, .. fused32.Gradients];
        for (int i = 0; i < names.Length; i++)
        {
            double identity = Runtime.Float64Reference.RelativeError(exact[i], expected[i]);
            double float32 = Runtime.Float64Reference.RelativeError(training[i], expected[i]);
            Assert.True(identity < 1e-12, $"{names[i]}: the fused form differs from the plain one by {identity:E2} in float64");
            Assert.True(float32 <= Runtime.Float64Reference.Tolerance, $"{names[i]}: the float32 fused form is {float32:E2} from float64's");
        }
    }

    [Fact]
    public void The_training_form_fuses_the_paper_generator_and_lays_its_weights_channels_last()
    {
        var o = new GeneratorOptions { Blocks = 1, Channels = 8 };
        Assert.True(FastGenerator.Fuses(o));
        Assert.False(FastGenerator.Fuses(o with { Padding = ConvPadding.Reflect }));
        Assert.False(FastGenerator.Fuses(o with { Upsampling = UpsamplingType.NearestConv }));
        var paper = new SRResNet(o);
        var fast = new FastGenerator(paper);
        if (ChannelsLast.Enabled)
            Assert.All(paper.parameters().Where(p => p.dim() == 4), p => Assert.True(ChannelsLast.Is(p)));
        // Callers get NCHW output whatever the layout inside.
        using var _ = no_grad();
        Assert.True(fast.Forward(rand(1, 3, 6, 5)).is_contiguous());
    }

    [Fact]
    public void Refuses_a_weight_that_is_not_9x9()
    {
        Assert.Contains("9x9", Assert.Throws<ArgumentException>(() => SubPixelFusion.Weight(zeros(3, 4, 3, 3))).Message);
    }
}
