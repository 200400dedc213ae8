using System.Globalization;
using SrganWorkbench.Losses;

namespace SrganWorkbench.Training;

/// <summary>
/// What a run's generator minimised, said plainly: its weighted terms, and whether that is the paper's objective for
/// its kind (SRResNet: the content loss alone, plus 2e-8 x TV for SRResNet-VGG22; SRGAN: content + 1e-3 x BCE adversarial, nothing else). A run whose
/// objective is not the paper's may stand in a paper row only under a name that says so ("SRGAN-VGG22 (cpu recipe)").
/// </summary>
public static class Objective
{
    /// <summary>"1e-4 x VGG22 + 1 x pixel MSE + 10 x grid + 10 x chroma + 1e-3 x adversarial (BCE)".</summary>
    public static string Describe(TrainingConfig c)
    {
        var terms = new List<string> { $"{W(c.ContentWeight)} x {Name(c.Content)}" };
        if (c.PixelWeight > 0) terms.Add($"{W(c.PixelWeight)} x pixel MSE");
        if (c.TotalVariationWeight > 0) terms.Add($"{W(c.TotalVariationWeight)} x TV");
        if (c.GridWeight > 0) terms.Add($"{W(c.GridWeight)} x grid");
        if (c.ChromaWeight > 0) terms.Add($"{W(c.ChromaWeight)} x chroma");
        if (Adversarial(c)) terms.Add($"{W(c.AdversarialWeight)} x adversarial ({c.Adversarial switch { GanObjective.Bce => "BCE", GanObjective.LeastSquares => "LSGAN", GanObjective.WganGp => "WGAN-GP", _ => "RaGAN" }})");
        return string.Join(" + ", terms);
    }

    /// <summary>Whether the generator's gradient had an adversarial term (an SRGAN run with weight 0 trains an SRResNet
    /// with D beside it, unused).</summary>
    public static bool Adversarial(TrainingConfig c) => c.Kind == ModelKind.Srgan && c.AdversarialWeight > 0;

    /// <summary>The paper's objective for the row the run fills: the content loss at weight 1 (VGG losses on the paper's
    /// feature scale), the 1e-3 BCE adversarial term for an SRGAN, SRResNet-VGG22's 2e-8 total variation, and no other term.</summary>
    public static bool IsPapers(TrainingConfig c) =>
        c.ContentWeight == 1 && c.PixelWeight == 0 && c.TotalVariationWeight == PapersTotalVariation(c, c.Content) && c.GridWeight == 0 && c.ChromaWeight == 0 && c.LossShift == 0
        && (!Adversarial(c) || (c.Adversarial == GanObjective.Bce && c.AdversarialWeight == 1e-3));

    /// <summary>The paper's total-variation weight: 2e-8 for SRResNet-VGG22 (a VGG content loss without the adversarial
    /// term; Section 3.4), none for the other rows.</summary>
    static double PapersTotalVariation(TrainingConfig c, ContentLoss content) => !Adversarial(c) && content.IsVgg ? 2e-8 : 0;

    /// <summary>The paper's objective for a run of this kind: <paramref name="content"/> (default the run's own) at weight 1,
    /// the 1e-3 BCE adversarial term if the run had an adversarial term, and nothing else.</summary>
    public static TrainingConfig PapersFor(TrainingConfig c, ContentLoss? content = null) => c with
    {
        Content = content ?? c.Content, ContentWeight = 1, PixelWeight = 0, TotalVariationWeight = PapersTotalVariation(c, content ?? c.Content), GridWeight = 0, ChromaWeight = 0, LossShift = 0,
        Adversarial = GanObjective.Bce, AdversarialWeight = Adversarial(c) ? 1e-3 : 0,
    };

    /// <summary>What a paper row's name adds for this run: "" for the paper's objective, else " (cpu recipe)" (its profile's).</summary>
    public static string Qualifier(TrainingConfig c) => IsPapers(c) ? "" : $" ({c.Profile} recipe)";

    static string Name(ContentLoss content) => content.IsVgg ? content.ToString().ToUpperInvariant().Replace(":", " ") : content.ToString() == "l1" ? "pixel L1" : "pixel MSE";

    static string W(double weight) => weight.ToString(weight is >= 0.01 and < 1000 ? "0.###" : "0e0", CultureInfo.InvariantCulture);
}
