using System.CommandLine;
using SrganWorkbench.Data;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan data verify</c> and <c>srgan data manifest</c>.</summary>
static class DataCommand
{
    public static Command Create()
    {
        var sets = new Option<string?>("--sets") { Description = "Comma-separated sets to check (default: all in data/datasets.json)." };
        var quick = new Option<bool>("--quick") { Description = "Check presence and sizes only, not sha256." };
        var data = new Option<string?>("--data") { Description = "Data root (default: $SRGAN_DATA, else data/)." };
        var verify = new Command("verify", "Check that the datasets under the data root are present and match data/datasets.json.") { sets, quick, data };
        verify.SetAction(parse =>
        {
            string root = DataRoot.Resolve(parse.GetValue(data));
            var names = parse.GetValue(sets) is { } s ? CliErrors.List(s) : null;
            Console.WriteLine($"Data root: {root}");
            var checks = DatasetVerifier.VerifyAll(DatasetManifest.Load(), root, names, checkHashes: !parse.GetValue(quick));
            foreach (var check in checks) Console.WriteLine(check);
            int bad = checks.Count(c => c.Status != DatasetStatus.Ok);
            Console.WriteLine(bad == 0 ? $"All {checks.Count} datasets OK." : $"{bad} of {checks.Count} datasets need attention.");
            return bad == 0 ? 0 : 1;
        });

        var from = new Option<string>("--from") { Description = "A data root holding every catalogued set.", Required = true };
        var output = new Option<string?>("--out") { Description = "Manifest to write (default: data/datasets.json)." };
        var manifest = new Command("manifest", "Maintainers: rewrite data/datasets.json from the files of a complete data root.") { from, output };
        manifest.SetAction(parse =>
        {
            string path = parse.GetValue(output) ?? DataRoot.ManifestPath();
            var m = DatasetCatalog.Scan(Path.GetFullPath(parse.GetValue(from)!));
            m.Save(path);
            Console.WriteLine($"Wrote {path}: {m.Datasets.Count} datasets, {m.Datasets.Sum(d => d.Files.Count)} files.");
            return 0;
        });

        return new Command("data", "Datasets: verify them against the manifest.") { verify, manifest };
    }
}
