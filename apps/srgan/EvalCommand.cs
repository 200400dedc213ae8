using System.CommandLine;
using System.Runtime.InteropServices;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan eval</c>: the paper's evaluation of interpolation baselines (and, later, models).</summary>
static class EvalCommand
{
    public static Command Create()
    {
        var method = new Option<string?>("--method") { Description = "Comma-separated interpolation methods: bicubic, nearest (default: bicubic unless --model/--peer is given)." }
            .CheckedBy(CheckMethods);
        var choice = new ModelChoice();
        var sets = new Option<string>("--sets") { Description = "Comma-separated test sets from data/datasets.json (default Set5,Set14,BSD100, or none with --hr-dir).", DefaultValueFactory = _ => "Set5,Set14,BSD100" };
        var hrDirs = new Option<string?>("--hr-dir")
        {
            Description = "Comma-separated folders of your own HR test images, DIR or NAME=DIR (NAME for the tables; default the folder's name), searched " +
                "recursively and scored under the same protocol: modcrop, LR made from HR by MATLAB's bicubic, Y channel, border = scale.",
            HelpName = "[NAME=]DIR",
        }.CheckedBy(text => HrDirs(text));
        var outDir = new Option<string?>("--out", "-o") { Description = "Folder for per-image.csv, summary.csv and summary.md (default: results/eval/<methods>)." };
        var lr = new ChoiceOption<LrSource>("--lr", "LR inputs: 'generated' from HR by the degradation, or 'matlab' (the MATLAB-made files; Set5/Set14).",
            [("generated", LrSource.Generated), ("matlab", LrSource.Matlab)], "generated");
        var degradation = new Option<string>("--degradation") { Description = "bicubic, or gaussian[:sigma=S] (blur, then subsample).", DefaultValueFactory = _ => "bicubic" }
            .CheckedBy(text => Degradation.Parse(text));
        var scale = new Option<int>("--scale") { Description = "Upscaling factor.", DefaultValueFactory = _ => 4 };
        var channel = new ChoiceOption<MetricChannel>("--channel", "y (the paper's) or rgb.", [("y", MetricChannel.Y), ("rgb", MetricChannel.Rgb)], "y");
        var border = new Option<int?>("--crop-border") { Description = "Pixels removed from each side before scoring (default: the scale)." };
        var noNiqe = new Option<bool>("--no-niqe") { Description = "Skip NIQE (it takes about 0.2 s per 500x500 image)." };
        var noLpips = new Option<bool>("--no-lpips") { Description = "Skip LPIPS (AlexNet; about 0.3 s per 500x500 image on 2 cores)." };
        var noPeriodic = new Option<bool>("--no-periodic") { Description = "Skip the periodic-artifact measure." };
        var ssimDaala = new Option<bool>("--ssim-daala") { Description = "Also compute the paper's SSIM (daala's png2y4m + dump_ssim conventions; column 'SSIM (daala)')." };
        var saveImages = new Option<bool>("--save-images") { Description = "Also write the SR images under <out>/images/<set>/<method>/." };
        var data = new Option<string?>("--data") { Description = "Data root (default: $SRGAN_DATA, else data/)." };

        var command = new Command("eval", "Score methods on test sets with the paper's protocol (PSNR/SSIM on Y, border = scale; NIQE, LPIPS, periodic artifacts).")
        {
            method, sets, hrDirs, outDir, lr, degradation, scale, channel, border, noNiqe, noLpips, noPeriodic, ssimDaala, saveImages, data,
        };
        foreach (var o in choice.All) command.Options.Add(o);
        command.SetAction(parse =>
        {
            int s = parse.GetValue(scale);
            var methods = CliErrors.List(parse.GetValue(method) ?? (choice.Given(parse) ? "" : "bicubic"))
                .Select(m => (ISuperResolver)InterpolationUpscaler.Parse(m, s)).ToList();
            bool model = choice.Given(parse);
            if (model) methods.AddRange(choice.CreateAll(parse)); // --model a,b,c (and --peer): one table compares them
            string folder = parse.GetValue(outDir) ?? Path.Combine(RepoPaths.Results, "eval", string.Join("-", methods.Select(m => m.Name)));
            var options = new EvaluationOptions
            {
                Scale = s,
                Degradation = parse.GetValue(degradation)!,
                LrSource = lr.Get(parse),
                Metrics = new MetricOptions
                {
                    Channel = channel.Get(parse),
                    CropBorder = parse.GetValue(border) ?? s,
                },
                ComputeNiqe = !parse.GetValue(noNiqe),
                ComputeLpips = !parse.GetValue(noLpips),
                ComputePeriodic = !parse.GetValue(noPeriodic),
                ComputeSsimDaala = parse.GetValue(ssimDaala),
                SaveImagesTo = parse.GetValue(saveImages) ? Path.Combine(folder, "images") : null,
            };
            var evaluator = new Evaluator(options, parse.GetValue(data));
            var started = DateTime.UtcNow;
            // Folders of one's own replace the default sets; named sets beside them are scored too.
            var folders = HrDirs(parse.GetValue(hrDirs));
            var named = folders.Count > 0 && !parse.Given(sets) ? [] : CliErrors.List(parse.GetValue(sets)!).Select(TestSet.Catalogued);
            var scores = evaluator.Run(methods, [.. named, .. folders], new Progress<string>(Console.WriteLine));
            var elapsed = DateTime.UtcNow - started;
            string commandLine = CommandLine.Shown();
            string profile = $"{(model ? choice.Description : "no training")}; {Environment.ProcessorCount} CPU cores, {RuntimeInformation.OSDescription}, {elapsed.TotalSeconds:F0} s, {started:yyyy-MM-dd}";
            var report = new EvaluationReport(scores, EvaluationReport.Summarise(scores), options, commandLine, profile);
            ReportWriter.Write(report, folder);
            Console.WriteLine();
            Console.WriteLine(ReportWriter.Markdown(report));
            Console.WriteLine($"Wrote {Path.GetRelativePath(Directory.GetCurrentDirectory(), folder)}/summary.md, summary.csv, per-image.csv");
            return 0;
        });
        return command;
    }

    /// <summary>The test sets of --hr-dir: each folder must exist (a parse error names it otherwise).</summary>
    static IReadOnlyList<TestSet> HrDirs(string? text) => CliErrors.List(text ?? "").Select(part =>
    {
        var set = TestSet.Parse(part);
        return Directory.Exists(set.Folder) ? set : throw new ArgumentException($"{set.Folder}: folder not found (expected a folder of HR images, DIR or NAME=DIR).");
    }).ToList();

    /// <summary>Each name of a comma-separated --method list is an interpolation method.</summary>
    public static void CheckMethods(string? text)
    {
        foreach (string name in CliErrors.List(text ?? "")) InterpolationUpscaler.Parse(name);
    }
}
