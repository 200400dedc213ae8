using System.CommandLine;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Mos;
using SrganWorkbench.Mos.Site;
using SrganWorkbench.Notebook;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan mos build | codes | serve | analyze</c>: a blind mean-opinion-score study, as the paper ran.</summary>
static class MosCommand
{
    public static Command Create() => new("mos", "Mean-opinion-score studies: build one, serve it to raters, analyse the ratings.")
    {
        Build(), Codes(), Serve(), Analyze(),
    };

    static Command Build()
    {
        var output = new Option<string>("--out", "-o") { Description = "New folder for the study.", Required = true };
        var methods = new Option<string>("--method") { Description = "Interpolation methods to include (HR is always included).", DefaultValueFactory = _ => "nearest,bicubic" }
            .CheckedBy(EvalCommand.CheckMethods);
        var sets = new Option<string>("--sets") { Description = "Test sets.", DefaultValueFactory = _ => "Set5,Set14,BSD100" };
        var perSet = new Option<int>("--images-per-set") { Description = "Only the first N images of each set (0: all).", DefaultValueFactory = _ => 0 };
        var calibration = new Option<int>("--calibration") { Description = "Calibration pairs (nearest = 1, HR = 5) from BSD200.", DefaultValueFactory = _ => 2 };
        var repeats = new Option<int>("--repeats") { Description = "Items shown twice, to measure rater consistency.", DefaultValueFactory = _ => 0 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var data = new Option<string?>("--data") { Description = "Data root (default: $SRGAN_DATA, else data/)." };
        var choice = new ModelChoice();
        var command = new Command("build", "Render every method's output once and write a blinded study folder.") { output, methods, sets, perSet, calibration, repeats, seed, data };
        foreach (var o in choice.All) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var list = CliErrors.List(parse.GetValue(methods)!).Select(m => (ISuperResolver)InterpolationUpscaler.Parse(m)).ToList();
            list.AddRange(choice.CreateAll(parse)); // --model a,b and --peer may all be given: one study compares them
            string folder = parse.GetValue(output)!;
            var study = StudyBuilder.Build(folder, list, new StudyOptions
            {
                Name = Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/')),
                Sets = CliErrors.List(parse.GetValue(sets)!), ImagesPerSet = parse.GetValue(perSet),
                CalibrationPairs = parse.GetValue(calibration), Repeats = parse.GetValue(repeats), Seed = parse.GetValue(seed),
            }, parse.GetValue(data), new Progress<string>(Console.WriteLine), CommandLine.Shown());
            Console.WriteLine($"study '{study.Name}' in {folder}: {study.Rated.Count()} items to rate ({study.Methods.Count} methods), {study.Calibration.Count()} calibration pages.");
            Console.WriteLine($"serve it with: srgan mos serve {folder}");
            return 0;
        });
        return command;
    }

    static Command Codes()
    {
        var folder = new Argument<string>("study") { Description = "The study folder (from srgan mos build)." };
        var count = new Option<int>("--count", "-n") { Description = "How many codes to issue (one per rater).", Required = true };
        var db = new Option<string?>("--db") { Description = "SQLite file for the ratings (default: <study>/ratings.db)." };
        var command = new Command("codes", "Issue rater codes: printed once, only their SHA-256 is stored; a rater joins (and resumes) with theirs.") { folder, count, db };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(folder)!;
            int n = parse.GetValue(count);
            if (n is < 1 or > 10_000) { Console.Error.WriteLine($"error: --count must be 1 to 10000, not {n}."); return 2; }
            var study = Study.Load(dir); // a study folder, not a typo
            var store = new RatingStore(parse.GetValue(db) ?? Path.Combine(dir, "ratings.db"), study);
            var codes = store.IssueCodes(n);
            Console.WriteLine("# id\tcode   (hand each rater one code; this is the only time the codes are shown)");
            foreach (var c in codes) Console.WriteLine($"{c.Id}\t{c.Code}");
            var (issued, used) = store.CodeCounts();
            Console.Error.WriteLine($"{n} codes issued ({issued} in all, {used} used) in {store.Path}");
            return 0;
        });
        return command;
    }

    static Command Serve()
    {
        var folder = new Argument<string>("study") { Description = "The study folder (from srgan mos build)." };
        var host = new Option<string>("--host") { Description = "Address to bind (loopback by default; a lab network needs e.g. 0.0.0.0).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { DefaultValueFactory = _ => 5080 };
        var db = new Option<string?>("--db") { Description = "SQLite file for the ratings (default: <study>/ratings.db)." };
        var tokenFile = new Option<string?>("--admin-token-file") { Description = $"File holding the admin token (at least {AdminTokens.MinLength} characters). Else ${AdminTokens.Variable}, else a random one written to <study>/{AdminTokens.FileName}, readable by you alone." };
        // Refused with a reason rather than unknown: a token typed on the command line is visible to every user in `ps`.
        var token = new Option<string?>("--admin-token") { Hidden = true };
        token.Validators.Add(result => result.AddError($"--admin-token is refused (a command line is visible to every user in `ps`); use --admin-token-file FILE or ${AdminTokens.Variable}."));
        var command = new Command("serve", "Serve the study to raters (SQLite, one transaction per rating) with an admin page.") { folder, host, port, db, tokenFile, token };
        command.SetAction(parse => MosServe.Run(new MosServerOptions(parse.GetValue(folder)!, parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(db))
            { AdminTokenFile = parse.GetValue(tokenFile) }, Console.Out, Console.Error));
        return command;
    }

    static Command Analyze()
    {
        var folder = new Argument<string>("study") { Description = "The study folder." };
        var db = new Option<string?>("--db") { Description = "SQLite file (default: <study>/ratings.db)." };
        var output = new Option<string?>("--out", "-o") { Description = "Where to write summary.md, ratings.csv and fig5.html (default: results/mos/<study>)." };
        var command = new Command("analyze", "MOS with 95% intervals, score distributions, Wilcoxon tests, rater consistency.") { folder, db, output };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(folder)!;
            var study = Study.Load(dir);
            var store = new RatingStore(parse.GetValue(db) ?? Path.Combine(dir, "ratings.db"), study);
            var analysis = new MosAnalysis(study, store.All());
            string outDir = parse.GetValue(output) ?? Path.Combine(RepoPaths.Results, "mos", study.Name);
            Directory.CreateDirectory(outDir);
            string md = analysis.Markdown($"MOS study: {study.Name}", $"Made by `{study.Command}`; analysed by `{CommandLine.Shown()}`.");
            AtomicFile.WriteAllText(Path.Combine(outDir, "summary.md"), md);
            AtomicFile.WriteAllText(Path.Combine(outDir, "ratings.csv"), store.ExportCsv(study));
            var chart = PlotlyOutput.Format(MosCharts.Distribution(analysis, "Distribution of scores per method (cf. the paper's Fig. 5), % of ratings"));
            AtomicFile.WriteAllText(Path.Combine(outDir, "fig5.html"), $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{study.Name}: Fig. 5</title></head><body>{chart["text/html"]}</body></html>");
            Console.WriteLine(md);
            Console.WriteLine($"wrote {outDir}/summary.md, ratings.csv, fig5.html");
            return 0;
        });
        return command;
    }
}
