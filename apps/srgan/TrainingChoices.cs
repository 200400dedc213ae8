using System.Globalization;
using System.Text;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Training;

namespace SrganWorkbench.Cli;

/// <summary>
/// The names <c>srgan train</c> accepts for its enum-valued options, and the help table of each profile's
/// defaults, made from <see cref="TrainingConfig.ForProfile"/> itself so that it cannot drift from the code.
/// </summary>
static class TrainingChoices
{
    public static readonly (string Name, ModelKind Value)[] Models = [("srresnet", ModelKind.SRResNet), ("srgan", ModelKind.Srgan)];

    public static readonly (string Name, string Value)[] Profiles = TrainingConfig.ProfileNames.Select(p => (p, p)).ToArray();

    public static readonly (string Name, TrainingPreset Value)[] Presets = SrganWorkbench.Training.Presets.All.Select(p => (p.Name, p)).ToArray();

    /// <summary>The adversarial objectives by their command-line names; the library's parser (AdversarialLoss.Parse) maps each name.</summary>
    public static readonly (string Name, GanObjective Value)[] Adversarial =
        new[] { "bce", "lsgan", "wgan-gp", "ragan" }.Select(n => (n, SrganWorkbench.Losses.AdversarialLoss.Parse(n))).ToArray();

    /// <summary>The SRGAN step orders by their command-line names.</summary>
    public static readonly (string Name, StepOrder Value)[] Orders = [("d-first", StepOrder.DiscriminatorFirst), ("g-first", StepOrder.GeneratorFirst)];

    /// <summary>The generator's upsampling types by their command-line names.</summary>
    public static readonly (string Name, UpsamplingType Value)[] Upsamplings =
        [("subpixel", UpsamplingType.SubPixel), ("nearest", UpsamplingType.NearestConv), ("deconv", UpsamplingType.TransposedConv)];

    public static string Name(ModelKind kind) => Models.First(m => m.Value == kind).Name;

    public static string Name(GanObjective objective) =>
        Adversarial.Where(a => a.Value == objective).Select(a => a.Name).FirstOrDefault() ?? objective.ToString();

    /// <summary>A weight or rate as people write them: 1, 0.5, 1e-3, 5e-5.</summary>
    public static string Number(double value) =>
        value == 0 || Math.Abs(value) is >= 0.01 and < 1e6
            ? value.ToString("0.####", CultureInfo.InvariantCulture)
            : value.ToString("0.###e0", CultureInfo.InvariantCulture);

    /// <summary>"1e-4" or "1e-4, 1e-5 from step 600".</summary>
    public static string LearningRate(TrainingConfig c) =>
        c.DecayAtStep is { } at ? $"{Number(c.LearningRate)}, {Number(c.DecayedLearningRate)} from {at}" : Number(c.LearningRate);

    /// <summary>What the generator is trained with. Every profile weighs an SRResNet's content loss by 1, so its rows show the loss alone.</summary>
    public static string ContentLoss(TrainingConfig c)
    {
        if (c.Kind == ModelKind.SRResNet) return $"{c.Content}";
        string text = $"{c.Content} x {Number(c.ContentWeight)}";
        if (c.PixelWeight != 0) text += $" + mse x {Number(c.PixelWeight)}";
        if (c.TotalVariationWeight != 0) text += $" + tv x {Number(c.TotalVariationWeight)}";
        if (c.GridWeight != 0) text += $" + grid x {Number(c.GridWeight)}";
        if (c.ChromaWeight != 0) text += $" + chroma x {Number(c.ChromaWeight)}";
        return text;
    }

    public static string AdversarialLoss(TrainingConfig c) =>
        c.Kind == ModelKind.SRResNet ? "-" : $"{Name(c.Adversarial)} x {Number(c.AdversarialWeight)}";

    /// <summary>The defaults of every profile and model kind, as a table (<c>srgan train --help</c> prints it).</summary>
    public static string Describe()
    {
        string[] header = ["profile", "model", "steps", "learning rate", "batch x HR crop", "content loss", "adversarial loss"];
        var rows = new List<string[]> { header };
        var networks = new List<string>();
        foreach (string profile in TrainingConfig.ProfileNames)
        {
            foreach (var (name, kind) in Models)
            {
                var c = TrainingConfig.ForProfile(profile, kind);
                rows.Add([profile, name, c.Steps.ToString(CultureInfo.InvariantCulture), LearningRate(c),
                    $"{c.Data.BatchSize} x {c.Data.HrSize} px", ContentLoss(c), AdversarialLoss(c)]);
            }
            var srgan = TrainingConfig.ForProfile(profile, ModelKind.Srgan);
            networks.Add($"{profile}: generator {srgan.Generator.Blocks} blocks x {srgan.Generator.Channels} channels, " +
                $"discriminator {srgan.Discriminator.BaseChannels}-channel base, crops from {srgan.Images.Name}");
        }
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        text.AppendLine("Profile defaults (from TrainingConfig.ForProfile; --steps, --content, --content-weight, --pixel-weight,");
        text.AppendLine("--grid-weight, --chroma-weight, --tv-weight, --adversarial and --adversarial-weight override them):");
        text.AppendLine();
        foreach (var row in rows)
            text.AppendLine(("  " + string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i])))).TrimEnd());
        text.AppendLine();
        foreach (string line in networks) text.AppendLine("  " + line);
        text.AppendLine();
        text.AppendLine("Presets (--preset NAME; SRGAN from scratch, as each recipe trains). " + SrganWorkbench.Training.Presets.ScalingRule);
        text.AppendLine("The run's first lines and config.json state the preset's source and every substitution.");
        foreach (var p in SrganWorkbench.Training.Presets.All)
        {
            text.AppendLine();
            text.AppendLine($"  {p.Name}: {p.Source}");
            text.AppendLine($"    {p.Description}");
            foreach (string substitution in p.For("cpu").Substitutions) text.AppendLine($"    cpu profile: {substitution}");
        }
        return text.ToString();
    }
}
