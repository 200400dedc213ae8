using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Speed;
using SrganWorkbench.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace SrganWorkbench.Tests.Training;

/// <summary>The trainer's SRGAN step is the paper's: one step written out by hand (D step, then G step) with the
/// library's pieces gives the same losses and the same weights as the trainer's first step.</summary>
[Collection("training")]
public class SrganStepTests(ITestOutputHelper output)
{
    static readonly string Vgg = Path.GetFullPath(Path.Combine(SharedData.Root, "..", "weights", "vgg19-imagenet-partial", "vgg19_features_0-16_caffeRGB.safetensors"));

    /// <summary>The trainer's first step of <paramref name="config"/> in <paramref name="folder"/>: its logged values.</summary>
    Dictionary<string, double> TrainOneStep(TrainingConfig config, string folder)
    {
        Assert.Equal(TrainingStatus.Completed, new Trainer(config, folder, SharedData.Root, output.WriteLine).Run().Status);
        return TrainingLog.Read(Path.Combine(folder, "log.jsonl")).Single(e => e.ContainsKey("lr"));
    }

    /// <summary>The networks as a run of <paramref name="config"/> starts them (the seed decides), in the forms training
    /// runs, their optimisers, the first batch (LR in [0,1], HR in [-1,1]) and the first learning rate.</summary>
    static (SRResNet G, FastGenerator FastG, Discriminator D, Adam OptimG, Adam OptimD, Tensor Lr, Tensor Hr, double Rate) StartOf(TrainingConfig config)
    {
        var g = new SRResNet(config.Generator);
        ModelInit.Reset(g, config.Seed);
        var d = new Discriminator(config.Discriminator);
        ModelInit.Reset(d, config.Seed + 1);
        ChannelsLast.Apply(d);
        var batch = TrainingCrops.FromSets(config.TrainSets, SharedData.Root, config.Data with { Seed = config.Seed }).GetBatch(0);
        var (lr, hrUnit) = ImageTensor.ToTensors(batch);
        g.train(); d.train();
        return (g, new FastGenerator(g), d, new Adam(g), new Adam(d), lr, hrUnit.mul(2).sub(1), config.LearningRateAt(0));
    }

    [Fact]
    public void A_hand_written_step_equals_the_trainers_step()
    {
        using var temp = new SharedData.TempFolder();
        var config = TrainingConfig.ForProfile("smoke", ModelKind.Srgan) with
        {
            Device = "cpu", VggWeights = Vgg, Steps = 1, CheckpointEvery = 1, ContentWeight = 0.01, AdversarialWeight = 0.1,
        };
        var logged = TrainOneStep(config, temp.Path);

        using var scope = NewDisposeScope();
        var (g, fastG, d, optimG, optimD, lr, hr, rate) = StartOf(config);
        var vgg = Vgg19Features.Load("VGG22", Vgg);
        ChannelsLast.Apply(vgg);
        var content = new VggContentLoss(vgg);

        // ---- One SRGAN step, by hand ----
        var sr = fastG.Forward(lr);
        // D step: tell HR (1) from the generator's SR (0); SR detached, so only D learns here.
        var realLogits = d.forward(hr);
        var fakeLogits = d.forward(sr.detach());
        var dLoss = binary_cross_entropy_with_logits(realLogits, ones_like(realLogits))
            .add(binary_cross_entropy_with_logits(fakeLogits, zeros_like(fakeLogits)));
        optimD.ZeroGrad();
        dLoss.backward();
        optimD.Step(rate);
        // G step: content + weighted -log D(G(LR)), through the updated D.
        var contentLoss = content.Compute(sr, hr);
        var fooled = d.forward(sr);
        var adversarialLoss = binary_cross_entropy_with_logits(fooled, ones_like(fooled));
        var gLoss = contentLoss.mul(config.ContentWeight).add(adversarialLoss.mul(config.AdversarialWeight));
        optimG.ZeroGrad();
        gLoss.backward();
        optimG.Step(rate);
        // ---------------------------------

        void Same(string name, double expected, double actual)
        {
            output.WriteLine($"{name}: trainer {actual:G9}, by hand {expected:G9}");
            Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{name}: trainer {actual} vs by hand {expected}");
        }
        Same("d_loss", dLoss.item<float>(), logged["d_loss"]);
        Same("content", contentLoss.item<float>(), logged["content"]);
        Same("adversarial", adversarialLoss.item<float>(), logged["adversarial"]);
        Same("g_loss", gLoss.item<float>(), logged["g_loss"]);

        using var checkpoint = Checkpoint.Read(temp.Path);
        double worst = 0;
        foreach (var (prefix, module) in new (string, TorchSharp.torch.nn.Module)[] { ("generator.", g), ("discriminator.", d) })
            foreach (var (name, t) in module.state_dict())
            {
                var trained = checkpoint.Tensors[prefix + name];
                double diff = (trained.to_type(ScalarType.Float64) - t.to_type(ScalarType.Float64)).abs().max().item<double>();
                worst = Math.Max(worst, diff);
                Assert.True(diff <= 1e-6, $"{prefix}{name} differs by {diff} after one step");
            }
        output.WriteLine($"largest weight difference after the step: {worst:E2}");
        // The step moved the weights (Adam's first step is about the learning rate per weight).
        using var init = new SRResNet(config.Generator);
        ModelInit.Reset(init, config.Seed);
        Assert.True((init.state_dict()["conv_input.weight"] - g.state_dict()["conv_input.weight"]).abs().max().item<float>() > rate / 2);
    }

    /// <summary>
    /// The G-first step (BasicSR's order) runs D once on SR and backpropagates both losses from that forward
    /// (Updates.GeneratorFirstGradients). Written out the plain way instead, as BasicSR does it (G step through a frozen
    /// D, then the D step on the detached SR, D running three times), it must give the same losses and weights.
    /// </summary>
    [Theory]
    [InlineData(GanObjective.Bce)]
    [InlineData(GanObjective.LeastSquares)]
    [InlineData(GanObjective.RelativisticAverage)]
    public void The_generator_first_step_with_one_D_forward_equals_the_written_out_pair(GanObjective objective)
    {
        using var temp = new SharedData.TempFolder();
        var config = TrainingConfig.ForProfile("smoke", ModelKind.Srgan) with
        {
            Device = "cpu", VggWeights = Vgg, Steps = 1, CheckpointEvery = 1, ContentWeight = 0.01, AdversarialWeight = 0.1,
            PixelWeight = 1, GridWeight = 10, ChromaWeight = 10, Adversarial = objective, Order = StepOrder.GeneratorFirst,
        };
        var logged = TrainOneStep(config, temp.Path);

        using var scope = NewDisposeScope();
        var (g, fastG, d, optimG, optimD, lr, hr, rate) = StartOf(config);
        var plain = config with { Order = StepOrder.DiscriminatorFirst };
        var updates = new Updates(plain, fastG, optimG, d, optimD, ContentTerm.Create(config.Content, Vgg, CPU), new AdversarialLoss(objective));

        var sr = fastG.Forward(lr);
        var values = new Dictionary<string, double>();
        updates.GeneratorStep(sr, hr, rate, values);      // through D as it is, D frozen
        updates.DiscriminatorStep(sr, hr, rate, values);  // then D, on the same (detached) SR

        foreach (string key in new[] { "d_loss", "d_hr", "d_sr", "content", "adversarial", "pixel", "grid", "chroma", "g_loss" })
        {
            output.WriteLine($"{key}: trainer {logged[key]:G9}, written out {values[key]:G9}");
            Assert.True(Math.Abs(values[key] - logged[key]) <= 1e-6 * Math.Max(1, Math.Abs(values[key])), $"{key}: trainer {logged[key]} vs written out {values[key]}");
        }
        using var checkpoint = Checkpoint.Read(temp.Path);
        int compared = 0;
        foreach (var (prefix, module) in new (string, TorchSharp.torch.nn.Module)[] { ("generator.", g), ("discriminator.", d) })
            foreach (var (name, t) in module.state_dict())
            {
                // D's batch-norm running statistics see SR once in the shared form and twice written out; training never reads them.
                if (prefix == "discriminator." && (name.EndsWith("running_mean") || name.EndsWith("running_var") || name.EndsWith("num_batches_tracked"))) continue;
                var trained = checkpoint.Tensors[prefix + name];
                double diff = (trained.to_type(ScalarType.Float64) - t.to_type(ScalarType.Float64)).abs().max().item<double>();
                Assert.True(diff <= 1e-6, $"{prefix}{name} differs by {diff} after one step");
                compared++;
            }
        Assert.True(compared > 40, $"compared only {compared} tensors");
        // Both networks moved.
        using var initD = new Discriminator(config.Discriminator);
        ModelInit.Reset(initD, config.Seed + 1);
        Assert.True((initD.state_dict()["features.0.weight"] - d.state_dict()["features.0.weight"]).abs().max().item<float>() > rate / 2);
    }
}
