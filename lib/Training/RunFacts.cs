using System.Globalization;
using SrganWorkbench.Data;
using SrganWorkbench.Inference;
using SrganWorkbench.Models;

namespace SrganWorkbench.Training;

/// <summary>
/// What a committed run is, as notebooks and reports quote it, computed from its config.json, its log.jsonl and the
/// runs it started from (<see cref="RunLineage"/>), so that two notebooks cannot quote two different numbers:
/// its name (the folder's: results/srresnet-cpu-continued and results/srresnet-cpu are different models that share
/// the method name srresnet-cpu), its label (with its recipe when it did not minimise the paper's objective), its
/// steps, how long the SRResNet it goes back to trained, and its share of the paper's schedule (Section 3.2).
/// </summary>
public sealed record RunFacts(string Name, string Method, string Label, TrainingConfig Config, RunLineage Lineage, TrainingLog.Summary? Log)
{
    /// <summary>The paper's schedule (Section 3.2): 10^6 SRResNet updates; SRGAN 10^5 + 10^5 from that SRResNet; 350,000 ImageNet images.</summary>
    public const long PaperSrresnetSteps = 1_000_000, PaperSrganSteps = 200_000, PaperTrainingImages = 350_000;

    /// <summary>This run's own steps.</summary>
    public long Steps => Config.Steps;

    /// <summary>SRResNet steps over the whole lineage (for an SRGAN: the pretraining it starts from).</summary>
    public long SrresnetSteps => Lineage.Steps(ModelKind.SRResNet);

    /// <summary>SRGAN steps over the lineage (0 for an SRResNet).</summary>
    public long SrganSteps => Lineage.Steps(ModelKind.Srgan);

    /// <summary>The lineage's SRResNet steps as a share of the paper's 10^6 (percent).</summary>
    public double SrresnetPercentOfPaper => 100.0 * SrresnetSteps / PaperSrresnetSteps;

    /// <summary>The lineage's SRGAN steps as a share of the paper's 2 x 10^5 (percent).</summary>
    public double SrganPercentOfPaper => 100.0 * SrganSteps / PaperSrganSteps;

    /// <summary>Images of the run's training sets a crop fits in (what it actually trained on), under
    /// <paramref name="dataRoot"/> (default: SRGAN_DATA or the repository's data/).</summary>
    public int TrainingImages(string? dataRoot = null) => TrainingCrops.FromSets(Config.TrainSets, dataRoot, Config.Data).Files.Count;

    /// <summary>
    /// Its budget in one phrase: "800 SRGAN steps of 16 crops of 96 px, from an SRResNet of 11,000 steps (2 runs)", or
    /// for an SRResNet "11,000 steps of 16 crops of 96 px (2 runs)".
    /// </summary>
    public string Budget
    {
        get
        {
            var inv = CultureInfo.InvariantCulture;
            string crops = string.Create(inv, $"{Config.Data.BatchSize} crops of {Config.Data.HrSize} px");
            int srresnetRuns = Lineage.Stages.Count(s => s.Config.Kind == ModelKind.SRResNet);
            string runs = srresnetRuns > 1 ? string.Create(inv, $" ({srresnetRuns} runs)") : "";
            return Config.Kind == ModelKind.SRResNet
                ? string.Create(inv, $"{SrresnetSteps:N0} steps of {crops}{runs}")
                : string.Create(inv, $"{Steps:N0} SRGAN steps of {crops}, from an SRResNet of {SrresnetSteps:N0} steps{runs}");
        }
    }

    public static RunFacts Read(string folder)
    {
        var lineage = RunLineage.Read(folder);
        var config = lineage.Stages[^1].Config;
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        string log = Path.Combine(folder, "log.jsonl");
        return new RunFacts(name, RunMethod.Name(config), name + Objective.Qualifier(config), config, lineage,
            File.Exists(log) ? TrainingLog.Summarize(log) : null);
    }
}
