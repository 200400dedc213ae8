using SrganWorkbench.Models;
using SrganWorkbench.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Training;

/// <summary>What the grid probes of issue 14 switch on: ICNR initialisation, the generator's weight average, the loss shift.</summary>
[Collection("training")]
public class GridRemedyTests(ITestOutputHelper output)
{
    static readonly string Vgg = Path.GetFullPath(Path.Combine(SharedData.Root, "..", "weights", "vgg19-imagenet-partial", "vgg19_features_0-16_caffeRGB.safetensors"));

    [Fact]
    public void Icnr_starts_each_subpixel_stage_as_nearest_upsampling_without_a_checkerboard()
    {
        using var scope = NewDisposeScope();
        var g = new SRResNet(new GeneratorOptions { Blocks = 1, Channels = 8 });
        ModelInit.Reset(g, 0);
        var x = randn(1, 8, 6, 6, generator: new Generator(1));
        foreach (var (icnr, stage) in new[] { (false, 0), (true, 0), (true, 1) })
        {
            if (icnr) ModelInit.Icnr(g, 3);
            using var _ = no_grad();
            var conv = g.Upsample[stage].Conv.forward(x);
            var shuffled = nn.functional.pixel_shuffle(conv, 2); // before the activation
            // Within each 2x2 output cell the four phases are equal exactly when the stage has no checkerboard.
            var phases = shuffled.unfold(2, 2, 2).unfold(3, 2, 2).reshape(1, 8, 6, 6, 4);
            double spread = phases.sub(phases.narrow(4, 0, 1)).abs().max().item<float>();
            output.WriteLine($"icnr {icnr}, stage {stage}: largest phase difference {spread:G3}");
            if (icnr) Assert.Equal(0, spread);
            else Assert.True(spread > 0.1, "default init: the phases differ");
        }
        var options = new TrainingConfig { Icnr = true, Generator = new GeneratorOptions { Upsampling = UpsamplingType.NearestConv } };
        Assert.Contains("sub-pixel", Assert.Throws<ArgumentException>(options.Validate).Message);
    }

    [Fact]
    public void The_weight_average_moves_by_one_minus_decay_and_copies_integer_buffers()
    {
        using var scope = NewDisposeScope();
        var g = new SRResNet(new GeneratorOptions { Blocks = 1, Channels = 8 });
        ModelInit.Reset(g, 0);
        using var average = new WeightAverage(g, 0.9, CPU);
        var before = g.ConvInput.weight!.detach().clone();
        using (no_grad())
        {
            g.ConvInput.weight!.add_(1);
            g.Blocks[0].Bn1!.running_mean!.add_(2);
        }
        g.Blocks[0].Bn1!.num_batches_tracked!.add_(5);
        average.Update();
        var expected = before.mul(0.9).add(before.add(1).mul(0.1));
        Assert.True(average.Model.ConvInput.weight!.allclose(expected, rtol: 0, atol: 1e-6));
        Assert.True(average.Model.Blocks[0].Bn1!.running_mean!.allclose(full(8, 0.2f), rtol: 0, atol: 1e-6));
        Assert.Equal(5, average.Model.Blocks[0].Bn1!.num_batches_tracked!.item<long>());
    }

    [Fact]
    public void A_run_with_a_weight_average_keeps_the_average_as_its_generator()
    {
        using var temp = new SharedData.TempFolder();
        var config = TrainingConfig.ForProfile("smoke", ModelKind.SRResNet) with { Device = "cpu", Steps = 6, EmaDecay = 0.5, LossShift = 8 };
        Assert.Equal(TrainingStatus.Completed, new Trainer(config, temp.Path, SharedData.Root, output.WriteLine).Run().Status);
        using var full = Checkpoint.Read(Path.Combine(temp.Path, Checkpoint.FileName));
        using var kept = Checkpoint.Read(Path.Combine(temp.Path, Checkpoint.GeneratorFileName));
        var trained = full.WithPrefix("generator.");
        var average = full.WithPrefix("ema.");
        Assert.Equal(trained.Keys.Order(), average.Keys.Order());
        foreach (var (key, tensor) in kept.WithPrefix("generator."))
            Assert.True(tensor.eq(average[key]).all().item<bool>(), $"{key}: generator.safetensors holds the average");
        Assert.False(trained["conv_input.weight"].eq(average["conv_input.weight"]).all().item<bool>(), "the average lags the trained weights");
    }
}
