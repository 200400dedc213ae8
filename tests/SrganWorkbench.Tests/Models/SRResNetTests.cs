using SrganWorkbench.Models;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Models;

public class SRResNetTests
{
    /// <summary>Fig. 4 counted by hand: conv(c_in, c_out, k) has c_in*c_out*k*k + c_out parameters, BN 2c, PReLU 1.</summary>
    static long PaperCount(int blocks = 16, int c = 64)
    {
        long Conv(int i, int o, int k) => (long)i * o * k * k + o;
        long block = 2 * Conv(c, c, 3) + 2 * 2 * c + 1;
        return Conv(3, c, 9) + 1 + blocks * block + Conv(c, c, 3) + 2 * c + 2 * (Conv(c, 4 * c, 3) + 1) + Conv(c, 3, 9);
    }

    [Fact]
    public void Paper_srresnet_has_about_1_55_million_parameters()
    {
        var model = new SRResNet();
        Assert.Equal(PaperCount(), model.ParameterCount());
        Assert.Equal(1_549_462, model.ParameterCount());
    }

    [Theory]
    [InlineData(UpsamplingType.SubPixel)]
    [InlineData(UpsamplingType.NearestConv)]
    [InlineData(UpsamplingType.TransposedConv)]
    public void Every_upsampling_type_makes_a_4x_image(UpsamplingType type)
    {
        using var scope = NewDisposeScope();
        var model = new SRResNet(new GeneratorOptions { Blocks = 2, Upsampling = type, Padding = ConvPadding.Reflect });
        model.eval();
        using var _ = no_grad();
        Assert.Equal([2L, 3, 40, 28], model.forward(rand(2, 3, 10, 7)).shape);
    }

    [Fact]
    public void State_dict_names_follow_pytorch_naming()
    {
        var keys = new SRResNet(new GeneratorOptions { Blocks = 2 }).state_dict().Keys.ToHashSet();
        foreach (var k in new[] { "conv_input.weight", "prelu_input.weight", "blocks.0.conv1.weight", "blocks.1.bn2.running_var",
                                  "blocks.1.prelu.weight", "conv_mid.bias", "bn_mid.weight", "upsample.0.conv.weight", "upsample.1.prelu.weight", "conv_output.bias" })
            Assert.Contains(k, keys);
        var noBn = new SRResNet(new GeneratorOptions { Blocks = 2, BatchNorm = false }).state_dict().Keys;
        Assert.DoesNotContain(noBn, k => k.Contains("bn"));
        var peer = new SRResNet(new GeneratorOptions { Blocks = 5, Mid = MidLayer.ConvPRelu }).state_dict().Keys;
        Assert.Contains("prelu_mid.weight", peer);
        Assert.DoesNotContain("bn_mid.weight", peer);
    }

    [Fact]
    public void TensorLayer_options_make_its_layers_and_count()
    {
        var o = PeerModels.TensorLayerOptions;
        var model = new SRResNet(o);
        var keys = model.state_dict().Keys.Where(k => !k.EndsWith("num_batches_tracked")).ToHashSet();
        Assert.DoesNotContain(keys, k => k.Contains("prelu"));
        Assert.DoesNotContain("blocks.0.conv1.bias", keys);
        Assert.DoesNotContain("conv_mid.bias", keys);
        Assert.Contains("conv_input.bias", keys);
        Assert.Contains("upsample.1.conv.bias", keys);
        Assert.Equal([64L, 3, 3, 3], model.ConvInput.weight!.shape);
        Assert.Equal([3L, 64, 1, 1], model.ConvOutput.weight!.shape);
        // SOURCE.txt: 1,518,147 trainable parameters; 173 tensors in the file.
        Assert.Equal(1_518_147, model.ParameterCount());
        Assert.Equal(173, keys.Count);
        // The paper's defaults are untouched by the new options.
        Assert.Equal(Activation.PRelu, GeneratorOptions.Paper.Activation);
        Assert.Equal((9, 9, true, InputRange.Unit), (GeneratorOptions.Paper.InputKernel, GeneratorOptions.Paper.OutputKernel, GeneratorOptions.Paper.BodyConvBias, GeneratorOptions.Paper.Input));
    }

    [Fact]
    public void Output_activations_bound_the_range()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = rand(1, 3, 8, 8).mul(50);
        var unit = new SRResNet(new GeneratorOptions { Blocks = 1, Output = OutputActivation.TanhToUnit });
        unit.eval();
        var y = unit.forward(x);
        Assert.True(y.min().item<float>() >= 0 && y.max().item<float>() <= 1);
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Assert.Contains("power of two", Assert.Throws<ArgumentException>(() => new SRResNet(new GeneratorOptions { Scale = 3 })).Message);
        Assert.Contains("Blocks", Assert.Throws<ArgumentException>(() => new SRResNet(new GeneratorOptions { Blocks = -1 })).Message);
        Assert.Contains("InputKernel", Assert.Throws<ArgumentException>(() => new SRResNet(new GeneratorOptions { InputKernel = 4 })).Message);
        Assert.Contains("OutputKernel", Assert.Throws<ArgumentException>(() => new SRResNet(new GeneratorOptions { OutputKernel = 0 })).Message);
    }
}
