using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Speed;
using SrganWorkbench.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Training;

/// <summary>A step over micro-batches (TrainingConfig.MicroBatch, for batches too large for memory) is the whole
/// batch's step: the same gradients, losses and weights when no layer couples the samples, and G's batch-norm
/// statistics moving once per part in either step order.</summary>
[Collection("training")]
public class MicroBatchTests(ITestOutputHelper output)
{
    static readonly string Vgg = Path.GetFullPath(Path.Combine(SharedData.Root, "..", "weights", "vgg19-imagenet-partial", "vgg19_features_0-16_caffeRGB.safetensors"));

    /// <summary>One step of <paramref name="config"/> from the seed's networks on the first real batch: the logged
    /// values, both networks' weights and both optimisers' first moments (0.1 x the step's gradient) after it.</summary>
    (Dictionary<string, double> Values, Dictionary<string, Tensor> State) OneStep(TrainingConfig config)
    {
        var g = new SRResNet(config.Generator);
        ModelInit.Reset(g, config.Seed);
        var fast = new FastGenerator(g);
        Discriminator? d = null;
        if (config.Kind == ModelKind.Srgan)
        {
            d = new Discriminator(config.Discriminator);
            ModelInit.Reset(d, config.Seed + 1);
            ChannelsLast.Apply(d);
        }
        var optimG = new Adam(g);
        var optimD = d != null ? new Adam(d) : null;
        var updates = new Updates(config, fast, optimG, d, optimD, ContentTerm.Create(config.Content, Vgg, CPU), new AdversarialLoss(config.Adversarial));
        var batch = TrainingCrops.FromSets(config.TrainSets, SharedData.Root, config.Data with { Seed = config.Seed }).GetBatch(0);
        var (lr, hrUnit) = ImageTensor.ToTensors(batch);
        g.train(); d?.train();
        var values = updates.Step(lr, hrUnit.mul(2).sub(1), config.LearningRateAt(0));

        var state = new Dictionary<string, Tensor>();
        foreach (var (name, t) in g.state_dict()) state["generator." + name] = t.detach().clone();
        if (d != null) foreach (var (name, t) in d.state_dict()) state["discriminator." + name] = t.detach().clone();
        foreach (var (name, t) in optimG.StateTensors("optim.generator.")) state[name] = t.clone();
        if (optimD != null) foreach (var (name, t) in optimD.StateTensors("optim.discriminator.")) state[name] = t.clone();
        return (values, state);
    }

    static TrainingConfig Smoke(ModelKind kind, StepOrder order, bool batchNorm)
    {
        var c = TrainingConfig.ForProfile("smoke", kind);
        c = c with
        {
            Device = "cpu", VggWeights = Vgg, Order = order,
            Generator = c.Generator with { BatchNorm = batchNorm }, Discriminator = c.Discriminator with { BatchNorm = batchNorm },
        };
        // SRGAN with every term a run can have (VGG content, pixel, grid, chroma, TV, adversarial), so each is checked over parts.
        return kind == ModelKind.Srgan
            ? c with { Content = ContentLoss.Vgg22, ContentWeight = 0.01, AdversarialWeight = 0.1, PixelWeight = 1, GridWeight = 10, ChromaWeight = 10, TotalVariationWeight = 0.1 }
            : c;
    }

    [Theory]
    [InlineData(ModelKind.SRResNet, StepOrder.DiscriminatorFirst)]
    [InlineData(ModelKind.Srgan, StepOrder.GeneratorFirst)]
    [InlineData(ModelKind.Srgan, StepOrder.DiscriminatorFirst)]
    public void Without_batch_norm_a_step_over_micro_batches_equals_the_whole_batch_step(ModelKind kind, StepOrder order)
    {
        using var scope = NewDisposeScope();
        var whole = Smoke(kind, order, batchNorm: false);
        Assert.Equal(4, whole.Data.BatchSize);
        var split = whole with { MicroBatch = 2 };
        split.Validate();
        var (wholeValues, wholeState) = OneStep(whole);
        var (splitValues, splitState) = OneStep(split);

        Assert.Equal(wholeValues.Keys.Order(), splitValues.Keys.Order());
        foreach (var (key, v) in wholeValues)
        {
            output.WriteLine($"{key}: whole {v:G9}, two parts {splitValues[key]:G9}");
            Assert.True(Math.Abs(splitValues[key] - v) <= 1e-5 * Math.Max(1, Math.Abs(v)), $"{key}: whole batch {v}, two parts {splitValues[key]}");
        }
        double rate = whole.LearningRateAt(0);
        int moments = 0;
        foreach (var (name, t) in wholeState)
        {
            var other = splitState[name];
            double diff = (other.to_type(ScalarType.Float64) - t.to_type(ScalarType.Float64)).abs().max().item<double>();
            if (name.EndsWith(".exp_avg", StringComparison.Ordinal))
            {
                // The gradient itself (Adam's first moment after one step is 0.1 x it), to float rounding of its size.
                double scale = t.abs().max().item<float>();
                Assert.True(scale > 0, $"{name}: no gradient reached it");
                Assert.True(diff <= 1e-4 * scale, $"{name}: the gradients differ by {diff} (largest {scale})");
                moments++;
            }
            else if (!name.Contains("exp_avg_sq", StringComparison.Ordinal))
                Assert.True(diff <= 1e-2 * rate, $"{name}: the weights differ by {diff} after one step (learning rate {rate})"); // Adam moves each weight by about the rate; a gradient near 0 moves its share with rounding
        }
        Assert.True(moments >= (kind == ModelKind.Srgan ? 30 : 10), $"compared only {moments} gradients");
    }

    /// <summary>D first over micro-batches runs G twice per part (once for D's step, without a graph, then for its
    /// own step): its batch-norm statistics must still move once per part, as G first (one G pass) moves them.</summary>
    [Fact]
    public void D_first_over_micro_batches_moves_the_generators_batch_norm_statistics_once_per_part()
    {
        using var scope = NewDisposeScope();
        var gFirst = Smoke(ModelKind.Srgan, StepOrder.GeneratorFirst, batchNorm: true) with { MicroBatch = 2 };
        var (_, a) = OneStep(gFirst);
        var (_, b) = OneStep(gFirst with { Order = StepOrder.DiscriminatorFirst });
        var (_, whole) = OneStep(gFirst with { MicroBatch = 0 });
        int compared = 0;
        foreach (var (name, t) in a.Where(kv => kv.Key.StartsWith("generator.", StringComparison.Ordinal) && kv.Key.Contains("running_")))
        {
            double diff = (b[name] - t).abs().max().item<float>();
            Assert.True(diff <= 1e-6, $"{name}: D first {diff} away from G first");
            compared++;
        }
        Assert.True(compared >= 4, $"compared only {compared} statistics");
        // Two parts move them twice (momentum applied per part), the whole batch once: they differ, as the config says.
        static long Tracked(Dictionary<string, Tensor> state) => state
            .Where(kv => kv.Key.StartsWith("generator.", StringComparison.Ordinal) && kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .Select(kv => kv.Value.item<long>()).Distinct().Single();
        Assert.Equal(2, Tracked(a));
        Assert.Equal(2, Tracked(b));
        Assert.Equal(1, Tracked(whole));
    }

    [Fact]
    public void A_micro_batch_that_does_not_divide_the_batch_is_a_clear_error()
    {
        var config = TrainingConfig.ForProfile("smoke", ModelKind.Srgan) with { MicroBatch = 3 };
        var e = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Equal("MicroBatch (--micro-batch) must divide the batch of 4 crops (or be 0: the whole batch), got 3.", e.Message);
        Assert.Throws<ArgumentException>((config with { MicroBatch = 2, LossShift = 8 }).Validate);
    }
}
