using SrganWorkbench.Inference;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Training;

namespace SrganWorkbench.Evaluation;

/// <summary>
/// Notebook 04's smoke profile: tiny stand-ins for the ablation grid's runs, trained in seconds and scored on Set5, so
/// that every table, chart and image of the notebook is made without the committed runs. Each is configured as
/// results/ablations.sh configures its full-size run, with the smoke profile instead of the ablation one.
/// </summary>
public static class AblationSmoke
{
    /// <summary>The runs trained. Left out, so that their rows show what an untrained run looks like: srgan-vgg54 (as in a
    /// workspace without torchvision's VGG19), srgan-vgg34, adv-1e-4 and three of the four presets.</summary>
    public static IReadOnlyList<string> Trained { get; } =
        ["up-subpixel", "up-subpixel-icnr", "up-nearest", "up-deconv", "srgan-mse", "srgan-vgg22", "srresnet-vgg22", "adv-1e-2", "keras-slides"];

    /// <summary>The smoke config of grid run <paramref name="name"/>: SRResNets for the upsampling question, SRGANs from
    /// the tiny sub-pixel SRResNet (<paramref name="runsFolder"/>/up-subpixel) for the content and weights questions,
    /// a preset's own recipe at the smoke size.</summary>
    public static TrainingConfig Config(string name, string runsFolder)
    {
        var srresnet = TrainingConfig.ForProfile("smoke", ModelKind.SRResNet);
        TrainingConfig Srgan(ContentLoss content) => TrainingConfig.ForProfile("smoke", ModelKind.Srgan, content) with { InitFrom = Path.Combine(runsFolder, "up-subpixel") };
        return name switch
        {
            "up-subpixel" => srresnet,
            "up-subpixel-icnr" => srresnet with { Icnr = true },
            "up-nearest" => srresnet with { Generator = srresnet.Generator with { Upsampling = UpsamplingType.NearestConv } },
            "up-deconv" => srresnet with { Generator = srresnet.Generator with { Upsampling = UpsamplingType.TransposedConv } },
            "srgan-mse" => Srgan(ContentLoss.Mse),
            "srgan-vgg22" => Srgan(ContentLoss.Vgg22),
            "srgan-vgg34" => Srgan(ContentLoss.Vgg("relu3_4")),
            "srresnet-vgg22" => Srgan(ContentLoss.Vgg22) with { AdversarialWeight = 0, TotalVariationWeight = 2e-8 },
            "adv-1e-2" => Srgan(ContentLoss.Vgg22) with { AdversarialWeight = 1e-2 },
            "adv-1e-4" => Srgan(ContentLoss.Vgg22) with { AdversarialWeight = 1e-4 },
            _ => Presets.Get(name).For("smoke"),
        };
    }

    /// <summary>Trains the <see cref="Trained"/> runs afresh in <paramref name="runsFolder"/> (deleting what is there).</summary>
    public static void Train(string runsFolder, CancellationToken cancel = default)
    {
        if (Directory.Exists(runsFolder)) Directory.Delete(runsFolder, recursive: true);
        foreach (var name in Trained)
        {
            var result = new Trainer(Config(name, runsFolder), Path.Combine(runsFolder, name), log: _ => { }).Run(cancel: cancel);
            if (result.Status != TrainingStatus.Completed) throw new InvalidOperationException($"smoke run {name}: {result.Status}: {result.Message}");
        }
    }

    /// <summary>The trained runs scored on <paramref name="sets"/>, keyed by run name (the committed runs' scores come from
    /// their eval folders instead: <see cref="AblationGrid.Scores"/>).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<SetScore>> Score(IReadOnlyList<AblationStatus> trained, IReadOnlyList<string> sets, CancellationToken cancel = default)
    {
        var models = trained.Select(s => (ISuperResolver)TrainedModel.Load(s.Folder).Upscaler).ToList();
        var summary = EvaluationReport.Summarise(new Evaluator(new EvaluationOptions()).Run(models, sets, cancel: cancel));
        return trained.ToDictionary(s => s.Run.Name, s => (IReadOnlyList<SetScore>)summary.Where(e => e.Method == s.Method).ToList());
    }
}
