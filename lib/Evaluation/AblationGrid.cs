using SrganWorkbench.Inference;
using SrganWorkbench.Training;

namespace SrganWorkbench.Evaluation;

/// <summary>The four questions of issue 15's ablations, the groups of results/ablations.sh.</summary>
public enum AblationQuestion { Content, Weights, Upsampling, Presets }

/// <summary>
/// One run of results/ablations.sh: its folder name (results/ablations/&lt;Name&gt;), the question it belongs to, how a
/// table labels it, and what it changes. <see cref="AdversarialWeight"/> places the content and weights runs on the
/// weights question's axis (null: not an SRGAN recipe run).
/// </summary>
public sealed record AblationRun(string Name, AblationQuestion Question, string Label, string Varies, double? AdversarialWeight = null)
{
    /// <summary>What trains and scores this run (and what a table says in its place until it has).</summary>
    public string Command => $"bash results/ablations.sh {Name}";
}

/// <summary>A run of the grid as found on disk: trained or not, its method name in evaluation tables (from its config).</summary>
public sealed record AblationStatus(AblationRun Run, string Folder, bool Trained, TrainingConfig? Config, string? Method)
{
    public string NotTrained => $"not yet trained: {Run.Command}";
}

/// <summary>
/// The ablation grid in one list, which results/ablations.sh runs (a test checks the script names the same runs) and
/// notebook 04 reads. The runs' recipes live in the script (the CLI options each is trained with); this list says what
/// each is for.
/// </summary>
public static class AblationGrid
{
    /// <summary>The grid's folder, relative to the repository.</summary>
    public const string Folder = "results/ablations";

    /// <summary>The committed SRResNet every SRGAN run of the grid starts from (the script's ABLATION_START default).</summary>
    public const string Start = "results/srresnet-cpu-continued";

    public static IReadOnlyList<AblationRun> Runs { get; } =
    [
        new("srgan-mse", AblationQuestion.Content, "SRGAN-MSE", "content: pixel MSE", 1e-3),
        new("srgan-vgg22", AblationQuestion.Content, "SRGAN-VGG22", "content: VGG22 (also the weights question's 1e-3)", 1e-3),
        new("srgan-vgg34", AblationQuestion.Content, "SRGAN-VGG34", "content: VGG34 (relu3_4; not in the paper's Table 1)", 1e-3),
        new("srresnet-vgg22", AblationQuestion.Content, "SRResNet-VGG22", "adversarial weight 0 and TV 2e-8: the SRGAN recipe without its GAN gradient", 0),
        new("srgan-vgg54", AblationQuestion.Content, "SRGAN-VGG54",
            "content: VGG54, the paper's SRGAN; runs only when SRGAN_VGG54_WEIGHTS names torchvision's VGG19 (the shared VGG19 stops at conv3_4)", 1e-3),
        new("adv-1e-2", AblationQuestion.Weights, "VGG22, adversarial 1e-2", "adversarial weight 1e-2", 1e-2),
        new("adv-1e-4", AblationQuestion.Weights, "VGG22, adversarial 1e-4", "adversarial weight 1e-4", 1e-4),
        new("up-subpixel", AblationQuestion.Upsampling, "sub-pixel", "SRResNet-MSE from scratch, sub-pixel convolution (the paper's)"),
        new("up-subpixel-icnr", AblationQuestion.Upsampling, "sub-pixel + ICNR", "sub-pixel, ICNR initialisation (Aitken et al. 2017)"),
        new("up-nearest", AblationQuestion.Upsampling, "nearest + conv", "nearest-neighbour 2x then a 3x3 conv (Odena et al. 2016)"),
        new("up-deconv", AblationQuestion.Upsampling, "transposed conv", "4x4 transposed convolution, stride 2"),
        .. Presets.All.Select(p => new AblationRun(p.Name, AblationQuestion.Presets, p.Name, p.Source)),
    ];

    /// <summary>The runs that answer <paramref name="question"/>: the weights question also takes srresnet-vgg22 (weight 0)
    /// and srgan-vgg22 (1e-3) from the content group, ordered by weight.</summary>
    public static IReadOnlyList<AblationRun> For(AblationQuestion question) => question == AblationQuestion.Weights
        ? Runs.Where(r => r.Question == question || r.Name is "srresnet-vgg22" or "srgan-vgg22").OrderBy(r => r.AdversarialWeight).ToList()
        : Runs.Where(r => r.Question == question).ToList();

    public static AblationRun Get(string name) => Runs.FirstOrDefault(r => r.Name == name)
        ?? throw new ArgumentException($"Unknown ablation run '{name}': expected one of {string.Join(", ", Runs.Select(r => r.Name))}.");

    /// <summary>Each run as found under <paramref name="folder"/>: trained when its generator.safetensors is there.</summary>
    public static AblationStatus Status(AblationRun run, string folder)
    {
        string dir = Path.Combine(folder, run.Name);
        string generator = Path.Combine(dir, "generator.safetensors");
        if (!File.Exists(generator)) return new AblationStatus(run, dir, false, null, null);
        using var c = Checkpoint.Read(generator);
        return new AblationStatus(run, dir, true, c.Config, RunMethod.Name(c.Config));
    }

    /// <summary>The committed scores of every trained run under <paramref name="folder"/> (each run's eval/summary.csv,
    /// written by the command results/ablations.sh runs after training), keyed by run name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<SetScore>> Scores(string folder) =>
        Runs.Select(r => (r.Name, File: Path.Combine(folder, r.Name, "eval", "summary.csv")))
            .Where(r => File.Exists(r.File))
            .ToDictionary(r => r.Name, r => SummaryCsv.Read(r.File));
}
