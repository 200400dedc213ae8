using System.Diagnostics;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Losses;
using SrganWorkbench.Training;
using static TorchSharp.torch;

namespace SrganWorkbench.Evaluation;

/// <summary>
/// Which trained runs fill the paper's rows (a run folder, or its generator/checkpoint file), on which sets; null
/// leaves a row marked missing with <see cref="Reproduction.MissingReason"/>. Table 2 is scored on
/// <see cref="Sets"/>; Table 1 on those of them the paper's Table 1 has (Set5, Set14).
/// </summary>
public sealed record ReproductionOptions
{
    public string? SrresnetMse { get; init; }
    public string? SrresnetVgg22 { get; init; }
    public string? SrganMse { get; init; }
    public string? SrganVgg22 { get; init; }
    public string? SrganVgg54 { get; init; }
    /// <summary>A candidate to stand in for the paper's SRGAN-VGG54 in Table 2 when no VGG54 run is given (VGG34 is the
    /// deepest layer the shared VGG19 has); it takes the row only by <see cref="Reproduction.StandInRule"/>.</summary>
    public string? SrganVgg34 { get; init; }
    public IReadOnlyList<string> Sets { get; init; } = ["Set5", "Set14", "BSD100"];
    /// <summary>The paper's protocol with every measure, the paper's (daala) SSIM included.</summary>
    public EvaluationOptions Evaluation { get; init; } = new() { ComputeSsimDaala = true };
    public string? DataRoot { get; init; }
    public Device? Device { get; init; }

    /// <summary>The committed runs under <paramref name="results"/> (the repository's results/ folder): what a
    /// fresh clone has. SRResNet-VGG22 is the ablation grid's run (the SRGAN recipe with the adversarial weight 0, so D
    /// never reaches G); SRGAN-VGG54 needs VGG19 weights this workspace lacks.</summary>
    public static ReproductionOptions Committed(string results) => new()
    {
        SrresnetMse = Path.Combine(results, "srresnet-cpu-continued"), // 7,000 + 4,000 steps (results/srresnet-cpu, then this)
        SrresnetVgg22 = Path.Combine(results, "ablations", "srresnet-vgg22"),
        SrganMse = Path.Combine(results, "srgan-mse-cpu"),
        SrganVgg22 = Path.Combine(results, "srgan-vgg22-cpu"),
        SrganVgg34 = Path.Combine(results, "srgan-vgg34-cpu"),
    };
}

/// <summary>One row of the paper's Table 1 or 2: its name there, its key in <see cref="PaperTables"/>, the method
/// of our evaluation that fills it (null: <see cref="Missing"/> says why), a note (e.g. a stand-in), and what the
/// filling run is when its objective is not the paper's (<see cref="Recipe"/>: "cpu recipe"; the tables show it beside
/// the name, the notes list its terms).</summary>
public sealed record PaperRow(int Table, string Label, string PaperKey, string? Method, string? Missing = null, string? Note = null, string? Recipe = null);

/// <summary>A row on one set: the paper's numbers beside ours (null when the row is missing).</summary>
public sealed record PaperCell(PaperRow Row, string Set, PaperScore? Paper, SetScore? Ours)
{
    public double? PsnrDelta => Ours != null && Paper != null && !double.IsInfinity(Paper.Psnr) ? Ours.Psnr - Paper.Psnr : null;
    public double? SsimDaalaDelta => Ours?.SsimDaala is { } s && Paper != null ? s - Paper.Ssim : null;
}

/// <summary>How long one method took on one set (upscaling and every measure).</summary>
public sealed record StepTime(string Set, string Method, int Images, TimeSpan Elapsed);

/// <summary>Per-image progress: images scored so far of all, and what is being scored.</summary>
public sealed record ReproductionProgress(int Done, int Total, string Current, TimeSpan Elapsed);

/// <summary>What <see cref="Reproduction.Run"/> produced: both tables' cells, the evaluation behind them (every
/// image's scores, for reports), what each model is, and where the time went.</summary>
public sealed record ReproductionResult(
    IReadOnlyList<PaperCell> Table1, IReadOnlyList<PaperCell> Table2, EvaluationReport Evaluation,
    IReadOnlyDictionary<string, string> Models, IReadOnlyList<StepTime> Times, TimeSpan Elapsed);

/// <summary>
/// The paper's Tables 1 and 2 from trained runs: every network is run once per image of each set it is needed on,
/// and each (method, set) scored once, through <see cref="Evaluator"/>. Table 2 (nearest, bicubic, SRResNet, SRGAN,
/// HR) is scored on all <see cref="ReproductionOptions.Sets"/>; Table 1's content-loss columns reuse its
/// SRResNet-MSE and SRGAN rows on Set5/Set14 and add only the runs Table 2 does not have (SRGAN-MSE, and
/// SRGAN-VGG22 when a VGG54 run fills Table 2's SRGAN row).
/// </summary>
public static class Reproduction
{
    public static readonly IReadOnlyList<string> Table1Sets = ["Set5", "Set14"];

    /// <summary>Why a row has no model when its option is null.</summary>
    public static string MissingReason(string label) => label switch
    {
        "SRResNet-VGG22" => "no model given (the committed one is results/ablations/srresnet-vgg22; or train one: srgan train --model srresnet --content vgg22)",
        "SRGAN-VGG54" => "VGG19 conv5_4 weights exist nowhere here (the shared VGG19 file stops at conv3_4; `srgan weights download vgg19` on a machine with internet, then train srgan --content vgg54)",
        _ => "no model given",
    };

    /// <summary>How Table 2's SRGAN row is filled without a VGG54 run, in words (the row's note repeats it).</summary>
    public const string StandInRule = "SRGAN-VGG34 takes Table 2's SRGAN row when it has a lower LPIPS and a lower NIQE than SRGAN-VGG22 on every set of the table; else SRGAN-VGG22 keeps it";

    /// <summary>Table 2's SRGAN stand-in by <see cref="StandInRule"/> from the two candidates' scores, and why, per set.</summary>
    public static (string Method, string Why) StandIn(IReadOnlyList<SetScore> summary, IReadOnlyList<string> sets)
    {
        SetScore? Of(string method, string set) => summary.SingleOrDefault(s => s.Method == method && s.Set == set);
        if (sets.Any(set => Of("SRGAN-VGG34", set) == null)) return ("SRGAN-VGG22", "no SRGAN-VGG34 run was given");
        if (sets.Any(set => Of("SRGAN-VGG22", set) == null)) return ("SRGAN-VGG34", "no SRGAN-VGG22 run was given");
        if (sets.Any(set => Of("SRGAN-VGG34", set)!.Lpips == null || Of("SRGAN-VGG34", set)!.Niqe == null))
            return ("SRGAN-VGG22", "LPIPS or NIQE was not computed, so the rule could not be applied");
        string Compare(string set)
        {
            var a = Of("SRGAN-VGG34", set)!; var b = Of("SRGAN-VGG22", set)!;
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{set} LPIPS {a.Lpips:F3} vs {b.Lpips:F3}, NIQE {a.Niqe:F2} vs {b.Niqe:F2}");
        }
        bool wins = sets.All(set => Of("SRGAN-VGG34", set)!.Lpips < Of("SRGAN-VGG22", set)!.Lpips && Of("SRGAN-VGG34", set)!.Niqe < Of("SRGAN-VGG22", set)!.Niqe);
        return (wins ? "SRGAN-VGG34" : "SRGAN-VGG22", $"{StandInRule} (SRGAN-VGG34 vs SRGAN-VGG22: {string.Join("; ", sets.Select(Compare))})");
    }

    /// <summary>Table 1's columns and Table 2's rows with the methods that fill them; <paramref name="configs"/>, the
    /// loaded runs' configs by row label, mark and explain each row whose run's objective is not the paper's;
    /// <paramref name="standIn"/>: the run that fills Table 2's SRGAN row when no VGG54 run does, and why.</summary>
    public static (IReadOnlyList<PaperRow> Table1, IReadOnlyList<PaperRow> Table2) Rows(ReproductionOptions o, IReadOnlyDictionary<string, TrainingConfig>? configs = null,
        (string Method, string Why)? standIn = null)
    {
        string? RecipeOf(string label) => configs != null && configs.TryGetValue(label, out var c) && !Objective.IsPapers(c) ? $"{c.Profile} recipe" : null;
        string? Terms(string label, string? note, ContentLoss? paperContent = null)
        {
            if (RecipeOf(label) is not { } recipe) return note;
            var c = configs![label];
            // The paper's objective for the row: the run's own content loss, or VGG54 where a run stands in for the paper's SRGAN (Table 2).
            string paper = Objective.Describe(Objective.PapersFor(c, paperContent));
            return (note == null ? "" : note + "; ") + $"the {recipe}, not the paper's objective: its generator minimised {Objective.Describe(c)} " +
                $"(the paper's: {paper}), for {c.Steps:N0} steps; its MOS (paper) is the paper's model's, not this one's";
        }
        PaperRow Row(int table, string label, string key, string? path, string? note = null) =>
            path == null ? new(table, label, key, null, MissingReason(label)) : new(table, label, key, label, Note: Terms(label, note), Recipe: RecipeOf(label));
        var table1 = new List<PaperRow>
        {
            Row(1, "SRResNet-MSE", "srresnet", o.SrresnetMse),
            Row(1, "SRResNet-VGG22", "srresnet-vgg22", o.SrresnetVgg22),
            Row(1, "SRGAN-MSE", "srgan-mse", o.SrganMse),
            Row(1, "SRGAN-VGG22", "srgan-vgg22", o.SrganVgg22),
            Row(1, "SRGAN-VGG54", "srgan", o.SrganVgg54),
        };
        var (standInMethod, standInWhy) = standIn ?? ("SRGAN-VGG22", "no SRGAN-VGG34 run was given");
        PaperRow srgan = o.SrganVgg54 != null ? new(2, "SRGAN", "srgan", "SRGAN-VGG54", Note: Terms("SRGAN-VGG54", null), Recipe: RecipeOf("SRGAN-VGG54"))
            : (standInMethod == "SRGAN-VGG34" ? o.SrganVgg34 : o.SrganVgg22) != null
                ? new(2, "SRGAN", "srgan", standInMethod, Note: Terms(standInMethod, $"our {standInMethod} stands in for the paper's SRGAN-VGG54 (no VGG19 conv5_4 weights here), chosen by the rule: {standInWhy}", ContentLoss.Vgg54), Recipe: RecipeOf(standInMethod))
            : new(2, "SRGAN", "srgan", null, MissingReason("SRGAN-VGG54"));
        var table2 = new List<PaperRow>
        {
            new(2, "nearest", "nearest", "nearest"),
            new(2, "bicubic", "bicubic", "bicubic"),
            o.SrresnetMse == null ? new(2, "SRResNet", "srresnet", null, "no model given") : new(2, "SRResNet", "srresnet", "SRResNet-MSE", Note: Terms("SRResNet-MSE", null), Recipe: RecipeOf("SRResNet-MSE")),
            srgan,
            new(2, "HR", "hr", "HR", Note: "the HR images themselves: PSNR infinite, SSIM 1 and LPIPS 0 by definition"),
        };
        return (table1, table2);
    }

    /// <summary>Loads the runs (checking each is the kind its row needs), scores them, and fills both tables.</summary>
    public static ReproductionResult Run(ReproductionOptions options, Action<ReproductionProgress>? progress = null, CancellationToken cancel = default)
    {
        var started = Stopwatch.StartNew();
        var sets2 = options.Sets;
        var sets1 = Table1Sets.Where(sets2.Contains).ToList();
        int scale = options.Evaluation.Scale;

        var models = new Dictionary<string, TrainedModel>();
        void Load(string label, string? path, ModelKind kind, ContentLoss content)
        {
            if (path == null) return;
            if (!Directory.Exists(path) && !File.Exists(path))
                throw new DirectoryNotFoundException($"{label}: run folder '{path}' not found (it needs generator.safetensors or checkpoint.safetensors; bash results/train-cpu.sh makes the committed ones).");
            var model = TrainedModel.Load(path, options.Device);
            // An SRGAN run whose adversarial weight is 0 trained its generator without D's gradient: an SRResNet.
            var trained = model.Config.Kind == ModelKind.Srgan && !Objective.Adversarial(model.Config) ? ModelKind.SRResNet : model.Config.Kind;
            if (trained != kind || model.Config.Content != content)
                throw new ArgumentException($"{label}: '{path}' is a{(trained != model.Config.Kind ? "n SRResNet (an Srgan run whose adversarial weight is 0)" : $" {model.Config.Kind}")} run with the {model.Config.Content} content loss; the row needs a {kind} run with {content}.");
            models[label] = model with { Upscaler = model.Upscaler.Renamed(label) };
        }
        Load("SRResNet-MSE", options.SrresnetMse, ModelKind.SRResNet, ContentLoss.Mse);
        Load("SRResNet-VGG22", options.SrresnetVgg22, ModelKind.SRResNet, ContentLoss.Vgg22);
        Load("SRGAN-MSE", options.SrganMse, ModelKind.Srgan, ContentLoss.Mse);
        Load("SRGAN-VGG22", options.SrganVgg22, ModelKind.Srgan, ContentLoss.Vgg22);
        Load("SRGAN-VGG54", options.SrganVgg54, ModelKind.Srgan, ContentLoss.Vgg54);
        if (options.SrganVgg54 == null) Load("SRGAN-VGG34", options.SrganVgg34, ModelKind.Srgan, ContentLoss.Vgg("relu3_4"));
        var configs = models.ToDictionary(kv => kv.Key, kv => kv.Value.Config);
        // Scored first with both stand-in candidates on Table 2's sets; the rows follow once the rule has chosen.
        var (rows1, rows2) = Rows(options, configs);

        ISuperResolver Method(string name) => name switch
        {
            "nearest" or "bicubic" => InterpolationUpscaler.Parse(name, scale),
            "HR" => new HighResolutionReference(scale),
            _ => models[name].Upscaler,
        };
        var table2Methods = rows2.Where(r => r.Method != null).Select(r => r.Method!).ToList();
        if (models.ContainsKey("SRGAN-VGG34")) table2Methods.Insert(table2Methods.IndexOf("SRGAN-VGG22") + 1, "SRGAN-VGG34");
        var table1Only = rows1.Where(r => r.Method != null && !table2Methods.Contains(r.Method)).Select(r => r.Method!).ToList();

        var evaluator = new Evaluator(options.Evaluation, options.DataRoot);
        var manifest = DatasetManifest.Load();
        string root = SrganWorkbench.Data.DataRoot.Resolve(options.DataRoot);
        int Images(string set) => ImageFolder.List(DatasetVerifier.RequireFolder(manifest, set, root)).Count;
        int total = sets2.Sum(Images) * table2Methods.Count + sets1.Sum(Images) * table1Only.Count;
        int done = 0, groupImages = 0;
        var times = new List<StepTime>();
        // The evaluator scores one (set, method) after another: a group ends where the next begins.
        (string Set, string Method)? group = null;
        TimeSpan groupStart = TimeSpan.Zero, last = TimeSpan.Zero;
        void Close()
        {
            if (group is { } g) times.Add(new StepTime(g.Set, g.Method, groupImages, last - groupStart));
            groupStart = last;
            groupImages = 0;
        }
        var gate = new object();
        void Scored(ImageScore s)
        {
            lock (gate)
            {
                var now = started.Elapsed;
                if (group != (s.Set, s.Method)) { Close(); group = (s.Set, s.Method); }
                last = now;
                groupImages++;
                done++;
                progress?.Invoke(new ReproductionProgress(done, total, $"{s.Set} / {s.Method}", now));
            }
        }

        var scores = new List<ImageScore>(evaluator.Run(table2Methods.Select(Method).ToList(), sets2, null, cancel, Scored));
        if (table1Only.Count > 0 && sets1.Count > 0)
            scores.AddRange(evaluator.Run(table1Only.Select(Method).ToList(), sets1, null, cancel, Scored));
        Close();
        var summary = EvaluationReport.Summarise(scores);
        if (options.SrganVgg54 == null) (rows1, rows2) = Rows(options, configs, StandIn(summary, sets2));

        List<PaperCell> Cells(IReadOnlyList<PaperRow> rows, IReadOnlyList<string> sets) =>
            sets.SelectMany(set => rows.Select(r => new PaperCell(r, set, PaperTables.Find(r.PaperKey, set),
                r.Method == null ? null : summary.Single(s => s.Set == set && s.Method == r.Method)))).ToList();

        var described = models.ToDictionary(kv => kv.Key, kv => kv.Value.Description);
        var report = new EvaluationReport(scores, summary, options.Evaluation, "srgan reproduce",
            string.Join("; ", described.Select(kv => $"{kv.Key}: {kv.Value}")));
        return new ReproductionResult(Cells(rows1, sets1), Cells(rows2, sets2), report, described, times, started.Elapsed);
    }
}
