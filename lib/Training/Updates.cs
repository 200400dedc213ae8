using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Speed;
using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Training;

/// <summary>
/// The training step of Ledig et al. (CVPR 2017, Sections 2.2 and 3.2), written out as the paper states it.
/// SRResNet: G minimises the content loss (Eq. 4, pixel MSE; or a VGG loss, Eq. 5).
/// SRGAN: the min-max game of Eq. 2, alternated as Goodfellow et al. do: a D step (D learns to tell HR
/// from G(LR)) and a G step with D frozen, on the perceptual loss of Eq. 3: content + 1e-3 x adversarial
/// (the adversarial term -log D(G(LR)), Eq. 6), in the config's <see cref="StepOrder"/>. HR arrives in [-1,1], LR in [0,1].
/// </summary>
public sealed class Updates(TrainingConfig config, FastGenerator g, Adam optimG, Discriminator? d, Adam? optimD,
    ContentTerm content, AdversarialLoss adversarial)
{
    /// <summary>The run's random stream: draws the loss-shift offsets (<see cref="TrainingConfig.LossShift"/>); torch's global one when null.</summary>
    public Generator? Random { get; init; }

    /// <summary>One step: G's output, then (SRGAN) the D step and the G step in the config's order. Returns the logged values
    /// (over micro-batches, when the config splits the batch: their means). Without D, or with the G step first, each
    /// micro-batch's gradients add up before one update per network (the whole batch is one part when it is not split).</summary>
    public Dictionary<string, double> Step(Tensor lr, Tensor hr, double learningRate)
    {
        var values = new Dictionary<string, double>();
        var parts = MicroBatches(lr, hr);
        if (d is not null && config.Order == StepOrder.DiscriminatorFirst)
        {
            if (parts.Count > 1) DiscriminatorFirstOverParts(parts, learningRate, values);
            else
            {
                var (sr, hrShifted) = Shifted(g.Forward(lr), hr);
                DiscriminatorStep(sr, hrShifted, learningRate, values);
                GeneratorStep(sr, hrShifted, learningRate, values);
            }
            return values;
        }
        optimG.ZeroGrad();
        optimD?.ZeroGrad();
        foreach (var (partLr, partHr) in parts)
        {
            using var scope = NewDisposeScope(); // each part's graph and activations go before the next part's are made
            var (sr, hrShifted) = Shifted(g.Forward(partLr), partHr);
            if (d is null) GeneratorGradients(sr, hrShifted, parts.Count, values);
            else GeneratorFirstGradients(sr, hrShifted, parts.Count, values);
        }
        optimG.Step(learningRate);
        optimD?.Step(learningRate);
        return values;
    }

    /// <summary>
    /// The gradients of the G step, then the D step (<see cref="StepOrder.GeneratorFirst"/>), added to both networks'
    /// .grad, each loss divided by <paramref name="parts"/>: equal to <see cref="GeneratorStep"/> followed by
    /// <see cref="DiscriminatorStep"/> on the same SR (a test checks it), written so that D runs once on SR. The G
    /// step sees D before D's update, so D's logits on SR are the ones the D step needs too; each loss backpropagates
    /// from them into its own network only (<c>inputs</c>), so G's loss computes no gradient for D's weights and D's
    /// loss none past D's input. Saves one of D's three forward passes per step. The only difference from the written-out
    /// pair: D's batch-norm running statistics (which training never uses, D is always in training mode) see SR once, not twice.
    /// </summary>
    void GeneratorFirstGradients(Tensor sr, Tensor hr, int parts, Dictionary<string, double> values)
    {
        var fakeLogits = d!.forward(sr);
        var realLogits = d.forward(hr);
        var realForG = adversarial.Objective == GanObjective.RelativisticAverage ? realLogits.detach() : null;
        var adversarialLoss = AdversarialLoss.GeneratorFromLogits(adversarial.Objective, realForG, fakeLogits);
        var gLoss = GeneratorLoss(sr, hr, adversarialLoss, parts, values);
        var dLoss = AdversarialLoss.DiscriminatorFromLogits(adversarial.Objective, realLogits, fakeLogits);
        if (adversarial.Objective == GanObjective.WganGp)
            dLoss = dLoss.add(adversarial.GradientPenalty(d, hr, sr).mul(adversarial.GradientPenaltyWeight));
        // D's gradients first, keeping the shared graph for G's backward, which then frees it.
        autograd.backward(Share(dLoss, parts), retain_graph: true, inputs: optimD!.Parameters);
        autograd.backward(Share(gLoss, parts), inputs: optimG.Parameters);
        Log(values, "g_loss", gLoss, parts);
        LogDiscriminator(dLoss, realLogits, fakeLogits, parts, values);
    }

    /// <summary>
    /// D first over micro-batches (<see cref="TrainingConfig.MicroBatch"/>): each part's losses, divided by the number of
    /// parts, add their gradients before one update per network, so the update is the whole batch's as far as no layer
    /// couples the samples (batch norm normalises each part apart; a test checks the equality without it). D's update
    /// needs every part's SR before G's step can go through the updated D, and keeping every part's graph is what the
    /// split avoids, so G runs twice per part: without a graph for D's step (G's batch-norm statistics put back
    /// afterwards, so they move once per part, as without the split they move once per batch), then with one for its own step.
    /// </summary>
    void DiscriminatorFirstOverParts(IReadOnlyList<(Tensor Lr, Tensor Hr)> parts, double learningRate, Dictionary<string, double> values)
    {
        int n = parts.Count;
        var fakes = new List<Tensor>();
        using (KeepBatchNormStatistics(g.Model))
        using (no_grad())
            foreach (var (lr, _) in parts) fakes.Add(g.Forward(lr));
        optimD!.ZeroGrad();
        for (int i = 0; i < n; i++) DiscriminatorGradients(fakes[i], parts[i].Hr, n, values);
        optimD.Step(learningRate);
        optimG.ZeroGrad();
        foreach (var (lr, hr) in parts)
        {
            using var scope = NewDisposeScope();
            GeneratorGradients(g.Forward(lr), hr, n, values);
        }
        optimG.Step(learningRate);
    }

    /// <summary>The batch as the config's micro-batches (one part, the batch itself, when it does not split it).</summary>
    List<(Tensor Lr, Tensor Hr)> MicroBatches(Tensor lr, Tensor hr)
    {
        if (!config.SplitsBatch) return [(lr, hr)];
        return lr.split(config.MicroBatch).Zip(hr.split(config.MicroBatch)).Select(p => (p.First, p.Second)).ToList();
    }

    /// <summary>Puts G's batch-norm running statistics (and every other buffer) back as they were when disposed.</summary>
    static IDisposable KeepBatchNormStatistics(SRResNet model)
    {
        var saved = model.buffers().Select(b => (Buffer: b, Copy: b.detach().clone())).ToList();
        return new Restore(() =>
        {
            using var _ = no_grad();
            foreach (var (buffer, copy) in saved) { buffer.copy_(copy); copy.Dispose(); }
        });
    }

    /// <summary>A loss's share of a step over <paramref name="parts"/> micro-batches (itself when there is one).</summary>
    static Tensor Share(Tensor loss, int parts) => parts == 1 ? loss : loss.div(parts);

    /// <summary>Adds a value's share to the step's log, so that over micro-batches it logs their mean.</summary>
    static void Log(Dictionary<string, double> values, string key, Tensor value, int parts)
    {
        double v = value.item<float>();
        values[key] = parts == 1 ? v : values.GetValueOrDefault(key) + v / parts;
    }

    /// <summary>
    /// SR and HR rolled together by one random offset (dy, dx) in [0, LossShift), with wrap-around; unchanged when
    /// LossShift is 0. The hypothesis it tests: every training crop starts on the LR grid, so the loss networks'
    /// stride-2 stages (VGG's max pool, D's strided convolutions) always sit at the same phase of the generator's
    /// 4-pixel sub-pixel grid, and a pattern at that period they cannot see or that they reward would be painted in
    /// every 4x4 cell. The probes rejected it (results/probes-grid/README.md: 18.5 dB of grid with the shift, 18.1
    /// without); it stays as an option for ablations. The roll changes no pixel term except at the seam, which HR and SR share.
    /// </summary>
    (Tensor Sr, Tensor Hr) Shifted(Tensor sr, Tensor hr)
    {
        if (config.LossShift <= 0) return (sr, hr);
        using var offsets = randint(0, config.LossShift, [2], generator: Random);
        long dy = offsets[0].item<long>(), dx = offsets[1].item<long>();
        if (dy == 0 && dx == 0) return (sr, hr);
        return (sr.roll([dy, dx], [2, 3]), hr.roll([dy, dx], [2, 3]));
    }

    /// <summary>D step: the objective's D loss on HR (real) against the detached SR (fake); Adam on D's parameters.</summary>
    public void DiscriminatorStep(Tensor sr, Tensor hr, double learningRate, Dictionary<string, double> values)
    {
        optimD!.ZeroGrad();
        DiscriminatorGradients(sr, hr, 1, values);
        optimD.Step(learningRate);
    }

    /// <summary>The D step's gradients, its loss divided by <paramref name="parts"/>, added to D's .grad.</summary>
    void DiscriminatorGradients(Tensor sr, Tensor hr, int parts, Dictionary<string, double> values)
    {
        var loss = adversarial.Discriminator(d!, hr, sr.detach(), out var realLogits, out var fakeLogits);
        Share(loss, parts).backward();
        LogDiscriminator(loss, realLogits, fakeLogits, parts, values);
    }

    static void LogDiscriminator(Tensor loss, Tensor realLogits, Tensor fakeLogits, int parts, Dictionary<string, double> values)
    {
        Log(values, "d_loss", loss, parts);
        Log(values, "d_hr", realLogits.detach().sigmoid().mean(), parts);
        Log(values, "d_sr", fakeLogits.detach().sigmoid().mean(), parts);
    }

    /// <summary>G step: content x its weight (+ adversarial x its weight through a frozen D, + optional pixel and
    /// total-variation terms); Adam on G's parameters.</summary>
    public void GeneratorStep(Tensor sr, Tensor hr, double learningRate, Dictionary<string, double> values)
    {
        optimG.ZeroGrad();
        GeneratorGradients(sr, hr, 1, values);
        optimG.Step(learningRate);
    }

    /// <summary>The G step's gradients, its loss divided by <paramref name="parts"/>, added to G's .grad.</summary>
    void GeneratorGradients(Tensor sr, Tensor hr, int parts, Dictionary<string, double> values)
    {
        Tensor? adversarialLoss = null;
        if (d is not null)
            using (Frozen(d)) adversarialLoss = adversarial.Generator(d, hr, sr, out _);
        var total = GeneratorLoss(sr, hr, adversarialLoss, parts, values);
        Share(total, parts).backward();
        if (d is not null) Log(values, "g_loss", total, parts);
    }

    /// <summary>G's loss (Eq. 3 and this workspace's optional terms): content x its weight, + adversarial x its
    /// weight (SRGAN), + pixel, grid, chroma and total-variation terms when their weights are set.</summary>
    Tensor GeneratorLoss(Tensor sr, Tensor hr, Tensor? adversarialLoss, int parts, Dictionary<string, double> values)
    {
        var contentLoss = content.Compute(sr, hr);
        Tensor total;
        if (adversarialLoss is null)
        {
            total = config.ContentWeight == 1 ? contentLoss : contentLoss.mul(config.ContentWeight);
            Log(values, "loss", contentLoss, parts); // SRResNet logs name its loss "loss"
        }
        else
        {
            total = contentLoss.mul(config.ContentWeight).add(adversarialLoss.mul(config.AdversarialWeight));
            Log(values, "content", contentLoss, parts);
            Log(values, "adversarial", adversarialLoss, parts);
        }
        if (config.PixelWeight > 0)
        {
            var pixel = PixelLoss.Compute(sr, hr);
            total = total.add(pixel.mul(config.PixelWeight));
            Log(values, "pixel", pixel, parts);
        }
        if (config.GridWeight > 0)
        {
            var grid = GridLoss.Compute(sr, hr);
            total = total.add(grid.mul(config.GridWeight));
            Log(values, "grid", grid, parts);
        }
        if (config.ChromaWeight > 0)
        {
            var chroma = ChromaLoss.Compute(sr, hr);
            total = total.add(chroma.mul(config.ChromaWeight));
            Log(values, "chroma", chroma, parts);
        }
        if (config.TotalVariationWeight > 0)
        {
            var tv = TotalVariationLoss.Compute(sr);
            total = total.add(tv.mul(config.TotalVariationWeight));
            Log(values, "tv", tv, parts);
        }
        return total;
    }

    /// <summary>D's parameters need no gradient while G learns through it (as BasicSR does): the backward pass
    /// then skips D's weight gradients, which the G step would otherwise compute and throw away.</summary>
    public static IDisposable Frozen(Discriminator d)
    {
        var parameters = d.parameters().Where(p => p.requires_grad).ToList();
        foreach (var p in parameters) p.requires_grad = false;
        return new Restore(() => { foreach (var p in parameters) p.requires_grad = true; });
    }

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}

/// <summary>The content term of a run: a pixel loss, or a VGG loss with the VGG19 weights it needs.</summary>
public sealed class ContentTerm(ContentLoss loss, VggContentLoss? vgg)
{
    public ContentLoss Loss { get; } = loss;

    /// <summary>Loads the VGG19 weights when <paramref name="loss"/> needs them (<paramref name="vggWeights"/>, else the
    /// shared default), channels-last on <paramref name="device"/>.</summary>
    public static ContentTerm Create(ContentLoss loss, string? vggWeights, Device device)
    {
        if (!loss.IsVgg) return new ContentTerm(loss, null);
        var vgg = Vgg19Features.Load(loss.VggLayer!, vggWeights ?? Vgg19Features.DefaultWeightsPath()).to(device);
        return new ContentTerm(loss, new VggContentLoss(vgg, loss.Criterion));
    }

    public Tensor Compute(Tensor sr, Tensor hr) => vgg != null ? vgg.Compute(sr, hr) : PixelLoss.Compute(sr, hr, Loss.Criterion);
}
