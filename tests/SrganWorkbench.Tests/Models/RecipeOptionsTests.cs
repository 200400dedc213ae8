using SrganWorkbench.Models;
using SrganWorkbench.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Models;

/// <summary>Options the seed implementations' recipes need: batch-norm momentum per network and a [-1,1] LR input.</summary>
public class RecipeOptionsTests
{
    /// <summary>One training-mode pass from fresh statistics (mean 0): running mean = momentum x the batch mean.</summary>
    static void AssertMomentum(BatchNorm2d bn, double momentum)
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(5);
        var x = randn([8, bn.num_features, 6, 6], generator: generator).add(3);
        bn.train();
        bn.forward(x);
        var expected = x.mean([0L, 2L, 3L]).mul(momentum);
        Assert.True(bn.running_mean!.allclose(expected, rtol: 1e-5, atol: 1e-6), $"running mean is not {momentum} x the batch mean");
    }

    [Fact]
    public void Batch_norm_momentum_is_set_per_network_in_pytorchs_convention()
    {
        var g = new SRResNet(new GeneratorOptions { Blocks = 1, Channels = 4, BatchNormMomentum = 0.5 });
        AssertMomentum(g.Blocks[0].Bn1!, 0.5);
        AssertMomentum(g.Blocks[0].Bn2!, 0.5);
        AssertMomentum(g.BnMid!, 0.5);
        var d = new Discriminator(new DiscriminatorOptions { InputSize = 32, BaseChannels = 4, DenseWidth = 8, BatchNormMomentum = 0.2 });
        var norms = d.modules().OfType<BatchNorm2d>().ToList();
        Assert.Equal(7, norms.Count);
        foreach (var bn in norms) AssertMomentum(bn, 0.2);
        AssertMomentum(new SRResNet(new GeneratorOptions { Blocks = 1, Channels = 4 }).BnMid!, 0.1); // PyTorch's default
        Assert.Throws<ArgumentException>(() => new GeneratorOptions { BatchNormMomentum = 0 }.Validate());
    }

    [Fact]
    public void A_signed_input_generator_is_trained_on_lr_in_minus_one_to_one()
    {
        using var scope = NewDisposeScope();
        var unit = tensor(new float[] { 0, 0.25f, 1 });
        Assert.Equal(new float[] { -1, -0.5f, 1 }, InputRange.Signed.FromUnit(unit).data<float>().ToArray());
        Assert.Equal(new float[] { 0, 0.25f, 1 }, InputRange.Unit.FromUnit(unit).data<float>().ToArray());
        // The trainer accepts it (it maps LR as the upscaler does; keras-384's smoke run trains one).
        var smoke = TrainingConfig.ForProfile("smoke", ModelKind.Srgan);
        var signed = smoke with { Generator = smoke.Generator with { Input = InputRange.Signed } };
        signed.Validate();
    }
}
