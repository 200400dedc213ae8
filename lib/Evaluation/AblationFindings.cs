using System.Globalization;
using SrganWorkbench.Training;

namespace SrganWorkbench.Evaluation;

/// <summary>The scores notebook 04 reads, on the set its conclusions speak of: each grid run's (by run name) and the
/// reference table's (bicubic, the start SRResNet, the peers; by method name).</summary>
public sealed record AblationScores(IReadOnlyDictionary<string, IReadOnlyList<SetScore>> Runs, IReadOnlyList<SetScore> References, string StartMethod, string Set)
{
    public SetScore? Run(string name) => Runs.TryGetValue(name, out var s) ? s.FirstOrDefault(x => x.Set == Set) : null;
    public SetScore? Reference(string method) => References.FirstOrDefault(r => r.Method == method && r.Set == Set);
}

/// <summary>
/// The "What this shows" and "What it cannot" paragraphs of notebook 04's four sections, worded from the scores (so
/// that they stay true when a run is retrained) and kept here so that the notebook's cells stay short. Each says what a
/// section's runs show on <see cref="AblationScores.Set"/>, or what is missing while runs are not scored yet.
/// </summary>
public static class AblationFindings
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A number as the tables show it ("–" when missing).</summary>
    public static string F(double? v, string format = "F2") => v is double x ? x.ToString(format, Inv) : "–";

    /// <summary>An adversarial weight as the paper writes it: 0, 1e-3.</summary>
    public static string W(double? weight) => weight == 0 ? "0" : F(weight, "0.####e0");

    /// <summary>Labels ordered by value, "a > b > c" (descending) or "a &lt; b &lt; c".</summary>
    public static string Order(IEnumerable<(string Label, double Value)> rows, bool descending) =>
        string.Join(descending ? " > " : " < ", (descending ? rows.OrderByDescending(r => r.Value) : rows.OrderBy(r => r.Value)).Select(r => r.Label));

    /// <summary>Section 1: the content losses' orders by PSNR, LPIPS and NIQE, beside the paper's PSNR and MOS orders.</summary>
    public static string Content(AblationScores s, IReadOnlyList<AblationRun> content, TrainingConfig srgan)
    {
        var scored = content.Where(r => s.Run(r.Name) != null).ToList();
        List<(string Label, SetScore S)> rows = scored.Select(r => (r.Label, S: s.Run(r.Name)!)).Prepend(("SRResNet-MSE", s.Reference(s.StartMethod)!)).ToList();
        PaperScore? Paper(string label) => PaperTables.Find(label.ToLowerInvariant(), s.Set);
        var withPaper = rows.Where(r => Paper(r.Label) != null).ToList();
        string ours = Order(withPaper.Select(r => (r.Label, r.S.Psnr)), true);
        string paperOrder = Order(withPaper.Select(r => (r.Label, Paper(r.Label)!.Psnr)), true);
        string mosOrder = Order(withPaper.Where(r => Paper(r.Label)!.Mos != null).Select(r => (r.Label, Paper(r.Label)!.Mos!.Value)), true);
        return (scored.Count == 0
            ? $"**What this shows.** Nothing yet: none of the content runs is trained here ({string.Join(", ", content.Select(r => r.Name))}; `bash results/ablations.sh content`). " +
              $"The table holds the paper's Table 1 and the start SRResNet ({F(s.Reference(s.StartMethod)?.Psnr)} dB on {s.Set}, paper {F(PaperTables.Find("srresnet", s.Set)?.Psnr)} dB)."
            : $"**What this shows.** On {s.Set}, PSNR orders the content losses {Order(rows.Select(r => (r.Label, r.S.Psnr)), true)}; " +
              $"LPIPS (lower: closer to HR as people judge) {Order(rows.Where(r => r.S.Lpips != null).Select(r => (r.Label, r.S.Lpips!.Value)), false)}; " +
              $"NIQE {Order(rows.Where(r => r.S.Niqe != null).Select(r => (r.Label, r.S.Niqe!.Value)), false)}. " +
              (withPaper.Count > 1 ? $"Among the rows the paper has, its PSNR order is {paperOrder} (ours {ours}: {(paperOrder == ours ? "the same" : "different")}) and its MOS order {mosOrder}. " : "")) +
            "\n\n**What it cannot.** The paper ranks these losses by MOS (Section 3.3, Table 1 in Section 3.4); LPIPS and NIQE are stand-ins, not raters. " +
            $"Each SRGAN of the ablation profile trains {srgan.Steps:N0} steps ({F(100.0 * srgan.Steps / 2e5, "F1")}% of the paper's 2 x 10^5, Section 3.2) with two terms the paper does not have " +
            $"(pixel MSE x {F(srgan.PixelWeight, "0.##")} beside a VGG loss and the grid loss x {F(srgan.GridWeight, "0")}, against the 4-pixel grid of short runs), so a difference between " +
            "content layers here is a difference at the start of the GAN stage, one seed each. VGG54, the paper's choice, needs VGG19 weights this workspace does not have: its row stays empty until a user supplies them.";
    }

    /// <summary>Section 2: PSNR, LPIPS, NIQE and the periodic measure from the smallest adversarial weight to the largest,
    /// and whether PSNR and LPIPS fall at every step; the peers beside them.</summary>
    public static string Weights(AblationScores s, IReadOnlyList<AblationRun> weights, TrainingConfig srgan, IReadOnlyList<string> peers)
    {
        var points = weights.Where(r => s.Run(r.Name) != null).Select(r => (W: r.AdversarialWeight!.Value, S: s.Run(r.Name)!)).OrderBy(p => p.W).ToList();
        bool lpipsFalls = points.Count > 1 && points.Zip(points.Skip(1)).All(p => p.Second.S.Lpips <= p.First.S.Lpips);
        bool psnrFalls = points.Count > 1 && points.Zip(points.Skip(1)).All(p => p.Second.S.Psnr <= p.First.S.Psnr);
        return (points.Count < 2
            ? $"**What this shows.** Not enough yet: {points.Count} of {weights.Count} weights scored (`bash results/ablations.sh weights srresnet-vgg22 srgan-vgg22`). The charts show what is scored beside the references."
            : $"**What this shows.** On {s.Set}, from adversarial weight {W(points[0].W)} to {W(points[^1].W)}: PSNR {F(points[0].S.Psnr)} -> {F(points[^1].S.Psnr)} dB " +
              $"({(psnrFalls ? "falling at every step" : "not monotonically")}), LPIPS {F(points[0].S.Lpips, "F3")} -> {F(points[^1].S.Lpips, "F3")} ({(lpipsFalls ? "falling at every step: the trade-off the paper describes" : "not falling at every step")}), " +
              $"NIQE {F(points[0].S.Niqe)} -> {F(points[^1].S.Niqe)}, periodic {F(points[0].S.PeriodicDb, "F1")} -> {F(points[^1].S.PeriodicDb, "F1")} dB. " +
              $"The peers: {string.Join("; ", peers.Select(p => $"{p} {F(s.Reference(p)?.Psnr)} dB, LPIPS {F(s.Reference(p)?.Lpips, "F3")}"))}.") +
            $"\n\n**What it cannot.** The ablation profile's {srgan.Steps:N0} steps with the learning rate dropped at {srgan.DecayAtStep:N0}: a weight that would pay off over the paper's " +
            "2 x 10^5 steps (Section 3.2) may not show within these, and one seed per weight gives no spread to judge a difference by. The weight is relative to this " +
            "profile's content terms (VGG22 x 1e-4 + pixel MSE + grid loss), not to the paper's VGG54 on its feature scale, so 1e-3 here is not the paper's balance point.";
    }

    /// <summary>Section 3: the upsampling types ordered by the periodic measure and by PSNR, beside bicubic and an HR image's score.</summary>
    public static string Upsampling(AblationScores s, IReadOnlyList<AblationRun> upsampling, TrainingConfig srresnet, double hrPeriodic)
    {
        var scored = upsampling.Where(r => s.Run(r.Name) != null).Select(r => (r.Label, S: s.Run(r.Name)!)).ToList();
        var periodic = scored.Where(u => u.S.PeriodicDb != null).ToList();
        string bicubic = F(s.Reference("bicubic")?.PeriodicDb, "F1");
        return (scored.Count == 0
            ? $"**What this shows.** No upsampling run is scored yet (`bash results/ablations.sh upsampling`). For reference, the committed sub-pixel SRResNet scores " +
              $"{F(s.Reference(s.StartMethod)?.PeriodicDb, "F1")} dB on the periodic measure on {s.Set} (bicubic {bicubic}, baboon's HR {F(hrPeriodic, "F1")} dB)."
            : (periodic.Count == 0 ? "**What this shows.** The scored runs' evals have no periodic measure (an older `srgan eval`; re-run it). " :
              $"**What this shows.** On {s.Set}, the periodic measure orders the upsampling types {Order(periodic.Select(u => (u.Label, u.S.PeriodicDb!.Value)), true)} " +
              $"({string.Join(", ", periodic.Select(u => $"{u.Label} {F(u.S.PeriodicDb, "F1")} dB"))}; bicubic {bicubic} dB, baboon's HR {F(hrPeriodic, "F1")} dB), and ") + "PSNR " +
              $"{Order(scored.Select(u => (u.Label, u.S.Psnr)), true)} ({string.Join(", ", scored.Select(u => $"{u.Label} {F(u.S.Psnr)} dB"))}).") +
            $" These are means over {s.Set}; the baboon spectra above are one image, whose order may differ." +
            $"\n\n**What it cannot.** The ablation profile's runs are MSE-trained SRResNets after {srresnet.Steps:N0} steps: a checkerboard that the pixel loss tolerates shows here, but the " +
            "GAN stage (Section 2.2.2), where the discriminator's gradients can amplify it, is not run per upsampling type. One seed each; the ranking of the two " +
            "sub-pixel runs says whether ICNR's initial advantage survives this schedule, not whether it matters after 10^6 steps (Section 3.2).";
    }

    /// <summary>Section 4: each preset's scores beside the start SRResNet's, and how many updates each makes of the budget.</summary>
    public static string Presets(AblationScores s, IReadOnlyList<AblationRun> presets, IReadOnlyList<(string Name, TrainingConfig Config)> configs, TrainingConfig srgan)
    {
        var scored = presets.Where(r => s.Run(r.Name) != null).Select(r => (r.Label, S: s.Run(r.Name)!)).ToList();
        return (scored.Count == 0
            ? "**What this shows.** No preset is scored yet."
            : $"**What this shows.** On {s.Set}: {string.Join("; ", scored.Select(p => $"{p.Label} {F(p.S.Psnr)} dB, LPIPS {F(p.S.Lpips, "F3")}, NIQE {F(p.S.Niqe)}, periodic {F(p.S.PeriodicDb, "F1")} dB"))}; " +
              $"the start SRResNet {F(s.Reference(s.StartMethod)?.Psnr)} dB.") +
            "\n\n**What it cannot.** A preset here is its recipe under substitutions (above) and a budget of " +
            $"{srgan.Steps:N0} steps of 16 x 96 px crops' worth of pixels, from scratch: far from each original's length and data (Section 3.2 trains on 350,000 " +
            "ImageNet images and starts SRGAN from a trained SRResNet), so this compares the recipes' first minutes, not the implementations' results. " +
            "Equal pixels are not equal updates: " + string.Join(", ", configs.Select(p => $"{p.Name} takes {p.Config.Steps:N0} Adam steps of {p.Config.Data.BatchSize} x {p.Config.Data.HrSize} px")) +
            ", so a recipe with large batches has moved its weights far fewer times when its budget is spent.";
    }
}
