using System.Globalization;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Training;

namespace SrganWorkbench.Inference;

/// <summary>
/// A training run as a method in tables and studies: named as the paper's rows, srresnet-&lt;profile&gt; (SRResNet-MSE)
/// or &lt;kind&gt;-&lt;content&gt;-&lt;profile&gt; (Table 1's columns, e.g. srgan-vgg22-cpu); a preset's run by the
/// preset, &lt;preset&gt;-&lt;profile&gt; (keras-slides-cpu). The CLI's --model and the
/// notebooks name runs through here (loading them with <c>TrainedModel.Load</c>), so a method has one name everywhere.
/// <para>
/// The ablations (results/ablations.sh) vary one thing at a time, and runs that differ must not share a name in one
/// table: a generator trained with the SRGAN recipe but an adversarial weight of 0 is the paper's SRResNet-&lt;content&gt;
/// (no GAN reaches it); a weight other than the paper's 1e-3 adds <c>-adv&lt;weight&gt;</c>, an upsampling other than
/// sub-pixel <c>-nearest</c> or <c>-deconv</c>, ICNR <c>-icnr</c>, a chroma-loss weight other than the profile's <c>-chroma&lt;weight&gt;</c> (<see cref="Variants"/>: such names have no row in the paper's tables).
/// </para>
/// </summary>
public static class RunMethod
{
    /// <summary>The paper's adversarial weight (Section 2.2), which every profile uses: a run at it gets no suffix.</summary>
    public const double PaperAdversarialWeight = 1e-3;

    /// <summary>Name parts that mark a variant the paper did not train (PaperTables gives them no row).</summary>
    public static readonly string[] Variants = ["nearest", "deconv", "icnr", "adv", "chroma"];

    public static string Name(TrainingConfig config)
    {
        if (config.Preset is { } preset) return $"{preset}-{config.Profile}";
        bool gan = config.Kind == ModelKind.Srgan && config.AdversarialWeight != 0;
        string name = gan || config.Content != ContentLoss.Mse ? $"{(gan ? "srgan" : "srresnet")}-{config.Content}" : "srresnet";
        if (gan && config.AdversarialWeight != PaperAdversarialWeight)
            name += "-adv" + config.AdversarialWeight.ToString("0.###e0", CultureInfo.InvariantCulture);
        // A chroma-loss weight other than its profile's (the cpu SRGAN has one, the paper and the ablation grid none).
        if (config.Kind == ModelKind.Srgan && TrainingConfig.ProfileNames.Contains(config.Profile)
            && config.ChromaWeight != TrainingConfig.ForProfile(config.Profile, config.Kind, config.Content).ChromaWeight)
            name += "-chroma" + config.ChromaWeight.ToString("0.###", CultureInfo.InvariantCulture);
        name += config.Generator.Upsampling switch
        {
            UpsamplingType.NearestConv => "-nearest",
            UpsamplingType.TransposedConv => "-deconv",
            _ => "",
        };
        if (config.Icnr) name += "-icnr";
        return $"{name}-{config.Profile}";
    }
}
