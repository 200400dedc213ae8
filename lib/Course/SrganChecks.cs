using System.Globalization;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Training;
using SrganWorkbench.Weights;
using static TorchSharp.torch;

namespace SrganWorkbench.Course;

/// <summary>
/// The checks of notebook 03 (SRGAN): the VGG content loss (Eq. 5) against <see cref="VggContentLoss"/> on Set5 crops,
/// the discriminator's and the generator's adversarial losses (Eqs. 2 and 6) against <see cref="AdversarialLoss"/> on
/// fixed logits, and one SRGAN step against <see cref="Trainer"/>'s first step from the same seed and batch.
/// </summary>
public static class SrganChecks
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Eq. 5 sums 2 x 128 x 48 x 48 float32 squares: another summation order moves the mean by about 1e-6
    /// relative; a missing rescale or a wrong mean moves it by a factor of 2 or more.</summary>
    public const double ContentRelativeTolerance = 1e-4;

    /// <summary>
    /// The student's VGG loss (Eq. 5): <paramref name="loss"/>(vgg, sr, hr) with SR and HR in [-1, 1] and
    /// <c>vgg</c> VGG19 up to relu2_2 with the Caffe preprocessing inside (it takes RGB in [0, 1]) but without the
    /// paper's 1/12.75, against <see cref="VggContentLoss.Compute"/> with the library's VGG22 (which includes it), on
    /// two 96x96 Set5 crops (HR and its bicubic x4 restoration).
    /// </summary>
    public static Check ContentLoss(Func<Vgg19Features, Tensor, Tensor, Tensor> loss, string? dataRoot = null, string? vggWeights = null) =>
        Check.Run("VGG content loss (Eq. 5)", () =>
    {
        using var scope = NewDisposeScope();
        string weights = vggWeights ?? Vgg19Features.DefaultWeightsPath();
        var library = Vgg19Features.Load("VGG22", weights);
        var raw = new Vgg19Features("VGG22", library.Preprocessing, featureScale: 1);
        raw.LoadWeights(SafeTensors.Read(weights).Tensors, weights);
        var (sr, hr) = CheckInputs.Set5Crops(dataRoot);
        double expected;
        using (no_grad()) expected = new VggContentLoss(library).Compute(sr, hr).item<float>();
        Tensor value;
        using (no_grad()) value = loss(raw, sr, hr);
        if (value.numel() != 1)
            return Check.Differs("VGG content loss (Eq. 5)", $"expected one number, got a tensor of shape {Differences.Shape(value)}", "Eq. 5 averages the squared differences: .mean() at the end.");
        double got = value.item<float>();
        if (Differences.Scalar("Set5 butterfly and bird, 2x3x96x96 crops", expected, got, ContentRelativeTolerance * expected) is { } difference)
            return Check.Differs("VGG content loss (Eq. 5)", difference, ContentHint(raw, sr, hr, expected, got));
        return Check.Correct("VGG content loss (Eq. 5)",
            string.Format(Inv, "{0:G6}, as VggContentLoss.Compute within a relative {1:G1}, on two 96x96 Set5 crops (bicubic x4 against HR)", got, ContentRelativeTolerance));
    });

    /// <summary>Recomputes the usual slips with the library and names the one the student's value matches.</summary>
    static string ContentHint(Vgg19Features raw, Tensor sr, Tensor hr, double expected, double got)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        bool Near(double slip) => Math.Abs(got - slip) <= 1e-3 * Math.Abs(slip);
        double rescale = Vgg19Features.PaperRescale;
        if (Near(expected / (rescale * rescale))) return "that is Eq. 5 on the raw features: the paper divides the feature maps by 12.75 first (the loss by 12.75^2 = 162.6).";
        if (Near(expected * rescale)) return "the rescaling divides the feature maps by 12.75, so the squared distance by 12.75^2, not by 12.75.";
        var phiSr = raw.forward(sr.add(1).div(2)).mul(rescale); var phiHr = raw.forward(hr.add(1).div(2)).mul(rescale);
        var squares = (phiHr - phiSr).pow(2);
        if (Near(squares.sum().item<float>())) return "that is the sum of the squares: Eq. 5 divides by W x H (and, as the library does, by the maps and the batch): .mean().";
        if (Near(squares.sum([0L, 1L]).mean().item<float>() ) || Near(squares.mean([2L, 3L]).sum().item<float>()))
            return "you average over W x H only, as Eq. 5 writes it for one map; the library also averages over the 128 maps and the batch (a plain .mean() over every element).";
        if (Near(raw.forward(sr).sub(raw.forward(hr)).mul(rescale).pow(2).mean().item<float>()))
            return "the images arrive in [-1, 1] and VGG takes [0, 1]: map them first, (x + 1) / 2.";
        if (Near((phiHr - phiSr).abs().mean().item<float>())) return "that is the mean absolute difference: Eq. 5 squares the differences.";
        return "map SR and HR from [-1, 1] to [0, 1], take vgg.forward of each, multiply by 1/12.75 (Vgg19Features.PaperRescale), then the mean of the squared differences.";
    }

    /// <summary>The losses are a few float32 operations on 6 logits: they agree with the library's to about 1e-7.</summary>
    public const double AdversarialTolerance = 1e-5;

    /// <summary>
    /// The student's discriminator loss (Eq. 2's inner maximisation as a loss to minimise: -[log D(HR) + log(1 - D(SR))]
    /// averaged over the batch) and generator's adversarial loss (Eq. 6, -log D(G(LR)), averaged), both from D's logits,
    /// against <see cref="AdversarialLoss.DiscriminatorFromLogits"/> and <see cref="AdversarialLoss.GeneratorFromLogits"/>
    /// (objective <see cref="GanObjective.Bce"/>) on fixed logits: moderate ones, then a confident D's (logits of +-40,
    /// where a sigmoid in float32 is exactly 0 or 1 and a log of it is infinite).
    /// </summary>
    public static Check AdversarialLosses(Func<Tensor, Tensor, Tensor> discriminatorLoss, Func<Tensor, Tensor> generatorLoss) =>
        Check.Run("adversarial losses (Eqs. 2 and 6)", () =>
    {
        using var scope = NewDisposeScope();
        var cases = new (string Name, Tensor Real, Tensor Fake)[]
        {
            ("logits real [2.0, 0.5, -1.0], fake [-1.5, 0.3, 1.2]", tensor(new[] { 2.0f, 0.5f, -1.0f }), tensor(new[] { -1.5f, 0.3f, 1.2f })),
            ("a confident D: real [40, 3, -2], fake [-40, 40, 0]", tensor(new[] { 40f, 3f, -2f }), tensor(new[] { -40f, 40f, 0f })),
        };
        foreach (var (name, real, fake) in cases)
        {
            double expectedD = AdversarialLoss.DiscriminatorFromLogits(GanObjective.Bce, real, fake).item<float>();
            double gotD = Number(discriminatorLoss(real, fake), out string? shapeD);
            if (shapeD != null) return Check.Differs("adversarial losses (Eqs. 2 and 6)", $"D's loss: {shapeD}", "average over the batch: one number per loss.");
            if (Differences.Scalar($"D's loss, {name}", expectedD, gotD, AdversarialTolerance * Math.Max(1, Math.Abs(expectedD))) is { } dDiff)
                return Check.Differs("adversarial losses (Eqs. 2 and 6)", dDiff, DiscriminatorHint(real, fake, gotD));
            double expectedG = AdversarialLoss.GeneratorFromLogits(GanObjective.Bce, null, fake).item<float>();
            double gotG = Number(generatorLoss(fake), out string? shapeG);
            if (shapeG != null) return Check.Differs("adversarial losses (Eqs. 2 and 6)", $"G's adversarial loss: {shapeG}", "average over the batch: one number per loss.");
            if (Differences.Scalar($"G's adversarial loss, {name}", expectedG, gotG, AdversarialTolerance * Math.Max(1, Math.Abs(expectedG))) is { } gDiff)
                return Check.Differs("adversarial losses (Eqs. 2 and 6)", gDiff, GeneratorHint(fake, gotG));
        }
        return Check.Correct("adversarial losses (Eqs. 2 and 6)", string.Format(Inv,
            "D's loss and G's -log D(G(LR)) agree with AdversarialLoss (BCE with logits) within {0:G1} on moderate logits and on a confident D's (logits of +-40)", AdversarialTolerance));
    });

    static double Number(Tensor value, out string? shape)
    {
        shape = value.numel() == 1 ? null : $"expected one number, got a tensor of shape {Differences.Shape(value)}";
        return shape == null ? value.item<float>() : double.NaN;
    }

    static string DiscriminatorHint(Tensor real, Tensor fake, double got)
    {
        if (double.IsInfinity(got) || double.IsNaN(got))
            return "log(sigmoid(x)) overflows for a confident D (sigmoid(40) is exactly 1 in float32): use the stable form, binary_cross_entropy_with_logits (or -softplus(-x) for log sigmoid(x)).";
        bool Near(Tensor slip) => Math.Abs(got - slip.item<float>()) <= 1e-4 * Math.Max(1, Math.Abs(got));
        var bce = AdversarialLoss.DiscriminatorFromLogits;
        if (Near(bce(GanObjective.Bce, fake, real))) return "the labels are swapped: HR is real (target 1), G(LR) is fake (target 0).";
        if (Near(bce(GanObjective.Bce, real, fake).neg())) return "the sign: D maximises log D(HR) + log(1 - D(G(LR))), so its loss to minimise is the negative.";
        if (Near(bce(GanObjective.Bce, real, fake).mul(0.5))) return "no factor 1/2: the library adds the two cross-entropies (each a mean over the batch).";
        if (Near(bce(GanObjective.Bce, real.sigmoid(), fake.sigmoid()))) return "the sigmoid is applied twice: the logits go straight into binary_cross_entropy_with_logits.";
        return "BCE(D(HR), 1) + BCE(D(G(LR)), 0), each a mean over the batch, with BCE from logits: functional.binary_cross_entropy_with_logits(logits, target).";
    }

    static string GeneratorHint(Tensor fake, double got)
    {
        if (double.IsInfinity(got) || double.IsNaN(got))
            return "-log(sigmoid(x)) overflows for a confident D: use binary_cross_entropy_with_logits(logits, ones_like(logits)), its stable form.";
        bool Near(Tensor slip) => Math.Abs(got - slip.item<float>()) <= 1e-4 * Math.Max(1, Math.Abs(got));
        var log1MinusD = nn.functional.softplus(fake).neg().mean(); // log(1 - sigmoid(x)) = -softplus(x)
        if (Near(log1MinusD)) return "that is Eq. 2's saturating log(1 - D(G(LR))): Eq. 6 minimises -log D(G(LR)) instead, which keeps G's gradient strong when D rejects its images.";
        if (Near(AdversarialLoss.GeneratorFromLogits(GanObjective.Bce, null, fake).neg())) return "the sign: G minimises -log D(G(LR)).";
        if (Near(nn.functional.softplus(fake.neg()).sum())) return "that is Eq. 6's sum over the batch; the library averages (the same gradient direction, scaled by 1/B).";
        if (Near(nn.functional.softplus(fake).mean())) return "the target: G wants D to say real (1) for its images, BCE(D(G(LR)), 1).";
        return "Eq. 6: -log D(G(LR)) = BCE(D(G(LR)), 1), averaged over the batch, from logits: binary_cross_entropy_with_logits.";
    }

    /// <summary>A step's logged values are float32 losses; the written-out step and the trainer's run the same operations
    /// in the same order, so they agree to float rounding (about 1e-7); a wrong term or order moves them by 1e-3 or more.</summary>
    public const double StepTolerance = 1e-5;

    /// <summary>
    /// The SRGAN step the check compares: smoke-sized networks, G and D from the seed, the first batch of T91 + BSD200,
    /// with the cpu profile's loss (VGG22, the pixel, grid and chroma terms, 1e-3 x adversarial) and the given order.
    /// </summary>
    public static TrainingConfig StepConfig(StepOrder order)
    {
        var cpu = TrainingConfig.ForProfile("cpu", ModelKind.Srgan, Losses.ContentLoss.Vgg22);
        return TrainingConfig.ForProfile("smoke", ModelKind.Srgan, Losses.ContentLoss.Vgg22) with
        {
            TrainSets = ["T91", "BSD200"], Steps = 1, CheckpointEvery = 1, LogEvery = 1, EvalEvery = 0, Device = "cpu",
            ContentWeight = cpu.ContentWeight, AdversarialWeight = cpu.AdversarialWeight, PixelWeight = cpu.PixelWeight,
            GridWeight = cpu.GridWeight, ChromaWeight = cpu.ChromaWeight, Order = order,
        };
    }

    /// <summary>
    /// The student's SRGAN step (<paramref name="step"/> updates D and G of a <see cref="SrganStepStart"/> once, in the
    /// config's order, and returns the values the trainer logs: d_loss, content, adversarial, pixel, grid, chroma,
    /// g_loss) against <see cref="Trainer"/>'s first step of <see cref="StepConfig"/> run in a temporary folder: every
    /// value it logs and every weight of G and D after the step. D's batch-norm running statistics are not compared:
    /// the trainer runs D once on SR for both updates where a written-out step may run it twice, and training never
    /// reads them.
    /// </summary>
    public static Check Step(Func<SrganStepStart, Dictionary<string, double>> step, StepOrder order = StepOrder.GeneratorFirst, string? dataRoot = null) =>
        Check.Run("one SRGAN step", () =>
    {
        var config = StepConfig(order);
        var folder = Directory.CreateTempSubdirectory("srgan-step-").FullName;
        try
        {
            new Trainer(config, folder, dataRoot, log: _ => { }).Run();
            var logged = TrainingLog.Read(Path.Combine(folder, "log.jsonl")).Single(e => e.ContainsKey("lr"));
            using var scope = NewDisposeScope();
            var start = SrganStepStart.Of(config, dataRoot);
            var values = step(start);
            var missing = new[] { "d_loss", "adversarial", "g_loss" }.Where(k => !values.ContainsKey(k)).ToList();
            if (missing.Count > 0)
                return Check.Differs("one SRGAN step", $"the returned values lack {string.Join(", ", missing)}", "return the losses the trainer logs, by its names: d_loss, content, adversarial, pixel, grid, chroma, g_loss.");
            var compared = values.Keys.Where(logged.ContainsKey).ToList();
            foreach (var key in compared)
                if (Differences.Scalar($"{key} (order {order})", logged[key], values[key], StepTolerance * Math.Max(1, Math.Abs(logged[key]))) is { } difference)
                    return Check.Differs("one SRGAN step", difference, StepHint(key, order));
            using var checkpoint = Checkpoint.Read(folder);
            int tensors = 0;
            foreach (var (prefix, module) in new (string, nn.Module)[] { ("generator.", start.G), ("discriminator.", start.D) })
                foreach (var (name, t) in module.state_dict())
                {
                    if (prefix == "discriminator." && (name.EndsWith("running_mean") || name.EndsWith("running_var") || name.EndsWith("num_batches_tracked"))) continue;
                    if (Differences.Tensors($"{prefix}{name} after the step", checkpoint.Tensors[prefix + name], t, StepTolerance) is { } difference)
                        return Check.Differs("one SRGAN step", difference, prefix == "generator." ? GeneratorWeightHint : DiscriminatorWeightHint);
                    tensors++;
                }
            string shown = string.Join(", ", compared.Select(k => string.Format(Inv, "{0} {1:G5}", k, values[k])));
            return Check.Correct("one SRGAN step", string.Format(Inv,
                "equals Trainer's first step (order {0}) within {1:G1}: {2}; and all {3} weight tensors of G and D after it", order, StepTolerance, shown, tensors));
        }
        finally { Directory.Delete(folder, recursive: true); }
    });

    static string StepHint(string key, StepOrder order) => key switch
    {
        "d_loss" => "D's loss: AdversarialLoss.DiscriminatorFromLogits(GanObjective.Bce, D(HR), D(SR.detach())), with the SR computed once at the start of the step" +
                    (order == StepOrder.GeneratorFirst ? " (G first: D judges that same SR, made before G's update, as the trainer does)." : "."),
        "adversarial" => $"order {order}: " + (order == StepOrder.GeneratorFirst
            ? "G's update comes first, judged by D as it is at the start of the step."
            : "D's update comes first, and G's adversarial term is computed by the updated D.") + " Read s.Config.Order.",
        "content" => "the content term is s.Content.Compute(sr, s.Hr) on the SR of s.FastG.Forward(s.Lr).",
        "g_loss" => "the total is the sum of every term times its weight in s.Config: content, adversarial, pixel, grid and chroma.",
        _ => $"{key}: compute it on the SR of s.FastG.Forward(s.Lr) and HR (s.Hr), as the library's loss of that name does.",
    };

    const string GeneratorWeightHint = "G's update: OptimG.ZeroGrad(), the total's backward(), OptimG.Step(s.Rate); SR from s.FastG.Forward (the channels-last path the trainer takes, right on every CPU).";
    const string DiscriminatorWeightHint = "D's update: OptimD.ZeroGrad() right before D's backward (G's backward leaves gradients in D unless D is frozen, Updates.Frozen), SR detached, OptimD.Step(s.Rate).";
}
