using SrganWorkbench.Models;
using SrganWorkbench.Speed;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SrganWorkbench.Tests.Models;

/// <summary>The fused output convolution against the plain one: values and gradients, and the layout.</summary>
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
        var a = randn(2, 64, 11, 7, generator: generator).requires_grad_();
        var w = randn(3, 16, 9, 9, generator: generator).mul(0.05).requires_grad_();
        var b = randn(3, generator: generator).requires_grad_();
        var slope = rand(slopes, generator: generator).requires_grad_();

        var plain = functional.conv2d(functional.prelu(functional.pixel_shuffle(a, 2), slope), w, b, padding: [4, 4]);
        var fused = functional.pixel_shuffle(functional.conv2d(functional.prelu(a, SubPixelFusion.Slope(slope)),
            SubPixelFusion.Weight(w), SubPixelFusion.Bias(b), padding: [2, 2]), 2);
        Assert.Equal(plain.shape, fused.shape);
        Assert.True((plain - fused).abs().max().item<float>() < 1e-4, "fused output differs");

        var upstream = randn(plain.shape, generator: generator);
        var gradsPlain = autograd.grad([plain.mul(upstream).sum()], [a, w, b, slope]);
        var gradsFused = autograd.grad([fused.mul(upstream).sum()], [a, w, b, slope]);
        string[] names = ["input", "weight", "bias", "slope"];
        for (int i = 0; i < 4; i++)
        {
            double diff = (gradsPlain[i] - gradsFused[i]).abs().max().item<float>();
            double size = gradsPlain[i].abs().max().item<float>();
            Assert.True(diff < 1e-4 * Math.Max(1, size), $"{names[i]} gradient differs by {diff} (max {size})");
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
