using System.CommandLine;
using System.Runtime.InteropServices;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Inference;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan reproduce</c>: the paper's Tables 1 and 2 from the committed runs (lib/Evaluation/Reproduction.cs).</summary>
static class ReproduceCommand
{
    public static Command Create()
    {
        // Relative to where srgan runs, so that reports name "results/srresnet-cpu" rather than a machine's path.
        var committed = ReproductionOptions.Committed(Path.GetRelativePath(Directory.GetCurrentDirectory(), RepoPaths.Results));
        Option<string?> Run(string name, string row, string? fallback) => new(name)
        {
            Description = $"The {row} run folder (or its generator.safetensors){(fallback == null ? "; none by default, so the row is marked missing" : $" (default: {Path.GetRelativePath(SrganWorkbench.Data.DataRoot.RepositoryRoot(), fallback)})")}.",
        };
        var srresnet = Run("--srresnet", "SRResNet-MSE", committed.SrresnetMse);
        var srresnetVgg22 = Run("--srresnet-vgg22", "SRResNet-VGG22 (an SRGAN-recipe run with adversarial weight 0 counts)", committed.SrresnetVgg22);
        var srganMse = Run("--srgan-mse", "SRGAN-MSE", committed.SrganMse);
        var srganVgg22 = Run("--srgan-vgg22", "SRGAN-VGG22 (also Table 2's SRGAN, unless --srgan-vgg54 is given or SRGAN-VGG34 wins the stand-in rule)", committed.SrganVgg22);
        var srganVgg54 = Run("--srgan-vgg54", "SRGAN-VGG54", null);
        var srganVgg34 = Run("--srgan-vgg34", "SRGAN-VGG34 (Table 2's SRGAN stand-in when it beats SRGAN-VGG22 on LPIPS and NIQE on every set; scored without --srgan-vgg54)", committed.SrganVgg34);
        var sets = new Option<string>("--sets") { Description = "Table 2's test sets (Table 1 uses Set5 and Set14 of them).", DefaultValueFactory = _ => "Set5,Set14,BSD100" };
        var outDir = new Option<string?>("--out", "-o") { Description = "Folder for summary.md, table1.csv, table2.csv and evaluation/ (default: results/paper-tables)." };
        var noNiqe = new Option<bool>("--no-niqe") { Description = "Skip NIQE." };
        var noLpips = new Option<bool>("--no-lpips") { Description = "Skip LPIPS." };
        var noPeriodic = new Option<bool>("--no-periodic") { Description = "Skip the periodic-artifact measure." };
        var data = new Option<string?>("--data") { Description = "Data root (default: $SRGAN_DATA, else data/)." };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda[:N].", DefaultValueFactory = _ => "auto" };

        var command = new Command("reproduce", "Write the paper's Table 1 (content losses, Set5/Set14) and Table 2 (nearest, bicubic, SRResNet, SRGAN, HR on Set5/Set14/BSD100), ours beside the paper's, to results/paper-tables.")
        {
            srresnet, srresnetVgg22, srganMse, srganVgg22, srganVgg54, srganVgg34, sets, outDir, noNiqe, noLpips, noPeriodic, data, device,
        };
        command.SetAction(parse =>
        {
            var options = new ReproductionOptions
            {
                SrresnetMse = parse.GetValue(srresnet) ?? committed.SrresnetMse,
                SrresnetVgg22 = parse.GetValue(srresnetVgg22) ?? committed.SrresnetVgg22,
                SrganMse = parse.GetValue(srganMse) ?? committed.SrganMse,
                SrganVgg22 = parse.GetValue(srganVgg22) ?? committed.SrganVgg22,
                SrganVgg54 = parse.GetValue(srganVgg54),
                SrganVgg34 = parse.GetValue(srganVgg34) ?? committed.SrganVgg34,
                Sets = CliErrors.List(parse.GetValue(sets)!),
                Evaluation = new ReproductionOptions().Evaluation with // the reproduction's protocol (daala SSIM on), measures as asked
                {
                    ComputeNiqe = !parse.GetValue(noNiqe),
                    ComputeLpips = !parse.GetValue(noLpips),
                    ComputePeriodic = !parse.GetValue(noPeriodic),
                },
                DataRoot = parse.GetValue(data),
                Device = TorchRuntime.SelectDevice(parse.GetValue(device)!),
            };
            string folder = parse.GetValue(outDir) ?? Path.Combine(RepoPaths.Results, "paper-tables");
            var bar = new ProgressBar();
            var started = DateTime.UtcNow;
            var result = Reproduction.Run(options, p => bar.Update(p.Done, p.Total, p.Current, p.Elapsed));
            bar.Finish();
            string commandLine = CommandLine.Shown();
            string producedBy = $"`{commandLine}` on {Environment.ProcessorCount} CPU cores ({RuntimeInformation.OSDescription}), " +
                $"{result.Elapsed.TotalMinutes:F1} min wall-clock, {started:yyyy-MM-dd HH:mm} UTC, data root {SrganWorkbench.Data.DataRoot.Shown(SrganWorkbench.Data.DataRoot.Resolve(options.DataRoot))}";
            PaperTableReport.Write(result, folder, producedBy);
            Console.WriteLine(PaperTableReport.Markdown(result, producedBy));
            Console.WriteLine($"Wrote {Path.GetRelativePath(Directory.GetCurrentDirectory(), folder)}/summary.md, table1.csv, table2.csv, evaluation/");
            return 0;
        });
        return command;
    }

}
