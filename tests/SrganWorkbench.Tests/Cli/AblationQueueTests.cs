using System.Text.RegularExpressions;
using SrganWorkbench.Training;

namespace SrganWorkbench.Tests.Cli;

/// <summary>results/ablations.sh's argument handling and skip/resume decisions, with DRY_RUN=1 (it prints the commands
/// instead of running them) on a scratch results folder: nothing trains.</summary>
public class AblationQueueTests
{
    static (int Code, string Out, string Err) Queue(string outFolder, params string[] args) =>
        TestProcess.Run("bash", ["results/ablations.sh", .. args],
            new Dictionary<string, string> { ["DRY_RUN"] = "1", ["ABLATION_OUT"] = outFolder, ["SRGAN_VGG54_WEIGHTS"] = "" });

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Finished_runs_are_skipped_stopped_ones_resume_and_new_ones_train_then_score()
    {
        using var temp = new SharedData.TempFolder();
        string root = temp.File("ablations");
        void Touch(string relative) { Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, relative))!); File.WriteAllText(Path.Combine(root, relative), ""); }
        Touch("srgan-mse/generator.safetensors");
        Touch("srgan-mse/eval/summary.csv");
        Touch("srgan-vgg22/checkpoint.safetensors");
        Touch("up-deconv/generator.safetensors"); // trained, not scored yet

        var (code, stdout, stderr) = Queue(root, "srgan-mse", "srgan-vgg22", "srgan-vgg34", "up-deconv", "up-subpixel-icnr", "keras-384", "summary");
        Assert.True(code == 0, stderr);
        var lines = Lines(stdout);
        Assert.Contains($"{root}/srgan-mse: finished", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("srgan") && l.Contains("/srgan-mse/") && !l.StartsWith("srgan eval --method"));
        Assert.Contains($"srgan train --content vgg22 --model srgan --init-from results/srresnet-cpu-continued --profile ablation --seed 0 --out {root}/srgan-vgg22 --resume", lines);
        Assert.Contains($"srgan train --content relu3_4 --model srgan --init-from results/srresnet-cpu-continued --profile ablation --seed 0 --out {root}/srgan-vgg34", lines);
        Assert.Contains($"srgan eval --model {root}/srgan-vgg34/generator.safetensors --sets Set5,Set14,BSD100 --out {root}/srgan-vgg34/eval", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("srgan train") && l.Contains("/up-deconv"));
        Assert.Contains($"srgan eval --model {root}/up-deconv/generator.safetensors --sets Set5,Set14,BSD100 --out {root}/up-deconv/eval", lines);
        Assert.Contains($"srgan train --model srresnet --upsampling subpixel --icnr --profile ablation --seed 0 --out {root}/up-subpixel-icnr", lines);
        Assert.Contains($"srgan train --preset keras-384 --profile ablation --seed 0 --out {root}/keras-384", lines);
        // The summary gathers the scored runs' evals (only srgan-mse's exists), beside the references; it scores nothing.
        Assert.Contains($"gather {root}/srgan-mse/eval/summary.csv results/table-cpu/summary.csv -> {root}/table", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("srgan eval --method", StringComparison.Ordinal));
    }

    [Fact]
    public void Summary_gathers_each_scored_runs_eval_beside_the_start_and_references_without_scoring()
    {
        // The committed evals: two runs of the grid and results/table-cpu; SRGAN_CLI=/bin/false fails any srgan call.
        string repo = SrganWorkbench.Data.DataRoot.RepositoryRoot();
        using var temp = new SharedData.TempFolder();
        string root = temp.File("ablations");
        foreach (string run in new[] { "srgan-mse", "up-deconv-unscored", "srgan-vgg34" })
            Directory.CreateDirectory(Path.Combine(root, run, "eval"));
        File.Copy(Path.Combine(repo, "results/ablations/srgan-mse/eval/summary.csv"), Path.Combine(root, "srgan-mse/eval/summary.csv"));
        File.Copy(Path.Combine(repo, "results/ablations/srgan-vgg34/eval/summary.csv"), Path.Combine(root, "srgan-vgg34/eval/summary.csv"));
        var env = new Dictionary<string, string> { ["ABLATION_OUT"] = root, ["SRGAN_CLI"] = "/bin/false", ["ABLATION_REFERENCE"] = Path.Combine(repo, "results/table-cpu") };
        var (code, stdout, stderr) = TestProcess.Run("bash", ["results/ablations.sh", "summary"], env);
        Assert.True(code == 0, stderr + stdout);

        var gathered = File.ReadAllLines(Path.Combine(root, "table", "summary.csv"));
        var reference = File.ReadAllLines(Path.Combine(repo, "results/table-cpu/summary.csv"));
        Assert.Equal("run," + reference[0], gathered[0]);
        // Each run's rows as its eval wrote them, the run's name in front.
        foreach (string run in new[] { "srgan-mse", "srgan-vgg34" })
            Assert.Equal(File.ReadAllLines(Path.Combine(root, run, "eval/summary.csv")).Skip(1).Select(l => run + "," + l),
                gathered.Where(l => l.StartsWith(run + ",", StringComparison.Ordinal)));
        // The references: bicubic, the start and both peers on every set, and not results/table-cpu's own SRGANs.
        string[] kept = ["bicubic", "srresnet-cpu", "leftthomas-srgan", "tensorlayer-srgan"];
        Assert.Equal(reference.Skip(1).Where(l => kept.Contains(l.Split(',')[1])).Select(l => (l.Split(',')[1] == "srresnet-cpu" ? "start," : "reference,") + l),
            gathered.Where(l => l.StartsWith("reference,", StringComparison.Ordinal) || l.StartsWith("start,", StringComparison.Ordinal)));
        Assert.Equal(1 + 2 * 3 + kept.Length * 3, gathered.Length);

        // The Markdown: one table per set, numbers rounded as the evals' reports round them, "–" where the paper has none.
        string md = File.ReadAllText(Path.Combine(root, "table", "summary.md"));
        var mse = SrganWorkbench.Evaluation.SummaryCsv.Read(Path.Combine(root, "srgan-mse/eval/summary.csv")).Single(r => r.Set == "Set14");
        Assert.Contains($"| srgan-mse | {mse.Method} | {mse.Psnr:F2} | 26.92 | {mse.Ssim:F4} | {mse.Niqe:F2} | {mse.Lpips:F3} | {mse.PeriodicDb:F1} |", md);
        Assert.Contains("| reference | tensorlayer-srgan |", md);
        Assert.Matches(@"\| srgan-vgg34 \| [^|]+ \| [0-9.]+ \| – \|", md);
        Assert.Equal(3, Regex.Matches(md, "^## ", RegexOptions.Multiline).Count);

        // Without the references it says what is missing and which command makes it.
        env["ABLATION_REFERENCE"] = temp.File("nowhere");
        var missing = TestProcess.Run("bash", ["results/ablations.sh", "summary"], env);
        Assert.Equal(2, missing.Code);
        Assert.Contains("nowhere/summary.csv is missing (bash results/train-cpu.sh table makes it)", missing.Err);
    }

    [Fact]
    public void Vgg54_runs_only_with_the_users_vgg19_and_says_why_otherwise()
    {
        using var temp = new SharedData.TempFolder();
        var (code, stdout, _) = Queue(temp.File("a"), "srgan-vgg54");
        Assert.Equal(0, code);
        Assert.Contains("srgan-vgg54: skipped: VGG54 needs torchvision's VGG19", stdout);
        Assert.DoesNotContain("srgan train", stdout);

        var with = TestProcess.Run("bash", ["results/ablations.sh", "srgan-vgg54"],
            new Dictionary<string, string> { ["DRY_RUN"] = "1", ["ABLATION_OUT"] = temp.File("a"), ["SRGAN_VGG54_WEIGHTS"] = "/my/vgg19.pth" });
        Assert.Contains("srgan train --content vgg54 --vgg-weights /my/vgg19.pth --model srgan", with.Out);
    }

    [Fact]
    public void Groups_expand_to_their_runs_and_an_unknown_name_exits_2_with_the_list_before_anything_runs()
    {
        using var temp = new SharedData.TempFolder();
        var (code, stdout, _) = Queue(temp.File("a"), "weights", "upsampling");
        Assert.Equal(0, code);
        foreach (string run in new[] { "adv-1e-2", "adv-1e-4", "up-subpixel", "up-subpixel-icnr", "up-nearest", "up-deconv" })
            Assert.Contains($"--out {temp.File("a")}/{run}\n", stdout);
        Assert.Contains("--adversarial-weight 1e-2", stdout);

        var unknown = Queue(temp.File("a"), "srgan-mse", "srgan-vgg99");
        Assert.Equal(2, unknown.Code);
        Assert.Empty(unknown.Out); // checked before srgan-mse was started
        Assert.StartsWith("unknown run 'srgan-vgg99': expected one of srgan-mse, srgan-vgg22,", unknown.Err);
        Assert.Contains("summary", unknown.Err);
    }

    [Fact]
    public void Every_train_command_of_the_grid_is_accepted_by_srgan_train()
    {
        // Each command as the queue would run it, with --steps 0: past the parser and the config it builds, the library
        // refuses the step count, so nothing trains. An option the CLI lost or renamed would fail here, not hours into the queue.
        using var temp = new SharedData.TempFolder();
        var (code, stdout, stderr) = Queue(temp.File("a"));
        Assert.True(code == 0, stderr);
        var commands = Lines(stdout).Where(l => l.StartsWith("srgan train ", StringComparison.Ordinal)).ToList();
        Assert.Equal(SrganWorkbench.Evaluation.AblationGrid.Runs.Count - 1, commands.Count); // all but srgan-vgg54, skipped without VGG19
        foreach (string command in commands)
        {
            var run = TestProcess.Srgan([.. command["srgan ".Length..].Split(' '), "--steps", "0"]);
            Assert.True(run.Err.Contains("Steps must be positive, got 0."), $"{command}: {run.Err}");
        }
    }

    [Fact]
    public void Costs_lists_each_scored_runs_measured_time()
    {
        using var temp = new SharedData.TempFolder();
        string eval = Path.Combine(temp.File("a"), "srgan-mse", "eval");
        Directory.CreateDirectory(eval);
        // The header `srgan eval` writes, with the run's cost as TrainingLog.Summary words it; a fixture, so that
        // retraining a committed run cannot change what this test expects.
        string cost = new SrganWorkbench.Training.TrainingLog.Summary(800, TimeSpan.FromMinutes(24), 16 / 1.75, 1).Describe(16);
        File.WriteAllText(Path.Combine(eval, "summary.md"), "# 4x evaluation: srgan-mse-cpu\n\nProduced by `srgan eval --model a/srgan-mse/generator.safetensors " +
            "--sets Set5 --out a/srgan-mse/eval` (Srgan checkpoint a/srgan-mse/generator.safetensors, ablation profile, step 800 of 800, trained on " +
            $"T91+BSD200; {cost}; 2 CPU cores, Debian GNU/Linux 12 (bookworm), 36 s, 2026-11-29).\n");
        var (code, stdout, stderr) = Queue(temp.File("a"), "costs");
        Assert.True(code == 0, stderr);
        Assert.Equal("srgan-mse: 12,800 samples in 24 min wall-clock over 1 session(s), median 1.75 s/step", stdout.Trim());
    }

    [Fact]
    public void The_presets_group_is_the_librarys_list()
    {
        string script = File.ReadAllText(Path.Combine(SrganWorkbench.Data.DataRoot.RepositoryRoot(), "results", "ablations.sh"));
        var listed = Regex.Match(script, @"^presets=\(([^)]*)\)", RegexOptions.Multiline).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Presets.Names, listed);
    }

    [Fact]
    public void The_script_runs_the_grid_notebook_04_reads_question_by_question()
    {
        string script = File.ReadAllText(Path.Combine(SrganWorkbench.Data.DataRoot.RepositoryRoot(), "results", "ablations.sh"));
        foreach (var question in Enum.GetValues<SrganWorkbench.Evaluation.AblationQuestion>())
        {
            string group = question.ToString().ToLowerInvariant();
            string inScript = Regex.Match(script, $@"\[{group}\]=""([^""]*)""").Groups[1].Value;
            var names = inScript == "${presets[*]}" ? Presets.Names.ToArray() : inScript.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(SrganWorkbench.Evaluation.AblationGrid.Runs.Where(r => r.Question == question).Select(r => r.Name), names);
        }
    }
}
