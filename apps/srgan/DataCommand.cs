using System.CommandLine;
using SrganWorkbench;
using SrganWorkbench.Data;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan data verify</c>, <c>srgan data download</c> and <c>srgan data manifest</c>.</summary>
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
            int bad = checks.Count(c => !DatasetVerifier.Fine(c));
            var absent = checks.Where(c => c.Status == DatasetStatus.NotInstalled).Select(c => c.Name).ToList();
            string optional = absent.Count > 0 ? $" {absent.Count} optional not installed ({string.Join(", ", absent)})." : "";
            Console.WriteLine((bad == 0 ? $"All {checks.Count - absent.Count} datasets OK." : $"{bad} of {checks.Count - absent.Count} datasets need attention.") + optional);
            return bad == 0 ? 0 : 1;
        });

        var from = new Option<string>("--from") { Description = "A data root holding every catalogued set.", Required = true };
        var output = new Option<string?>("--out") { Description = "Manifest to write (default: data/datasets.json)." };
        var manifest = new Command("manifest", "Maintainers: rewrite data/datasets.json from the files of a complete data root " +
            "(a set whose entry names its files without sizes or sha256, DIV2K, is kept so when absent, and described in full when present).") { from, output };
        manifest.SetAction(parse =>
        {
            string path = parse.GetValue(output) ?? DataRoot.ManifestPath();
            var m = DatasetCatalog.Scan(Path.GetFullPath(parse.GetValue(from)!));
            m.Save(path);
            Console.WriteLine($"Wrote {path}: {m.Datasets.Count} datasets, {m.Datasets.Sum(d => d.Files.Count)} files.");
            return 0;
        });

        return new Command("data", "Datasets: verify them against the manifest, download them.") { verify, CreateDownload(), manifest };
    }

    static Command CreateDownload()
    {
        var sets = new Argument<string?>("sets")
        {
            Arity = ArgumentArity.ZeroOrOne,
            Description = "Comma-separated sets (default: every set with an exact source in data/datasets.json: Set5,Set14,BSD100,BSD200).",
        };
        var data = new Option<string?>("--data") { Description = "Data root to install into (default: $SRGAN_DATA, else data/)." };
        var from = new Option<string?>("--from")
        {
            Description = "Take the archive from here instead of the manifest's URL: an archive file or URL, or a folder or URL ending in '/' " +
                "holding the archive under its usual file name (a mirror). The sha256 checks still apply.",
        };
        var download = new Command("download",
            "Download sets on a machine with internet: fetch each set's archive (resuming a partial download), extract the set, check every " +
            "file's size and sha256 against data/datasets.json, and only then move the set into place.") { sets, data, from };
        download.SetAction(parse =>
        {
            string root = DataRoot.Resolve(parse.GetValue(data));
            var names = parse.GetValue(sets) is { } s ? CliErrors.List(s) : null;
            Console.WriteLine($"Data root: {root}");
            var options = new DatasetDownloadOptions
            {
                From = parse.GetValue(from),
                Log = Console.WriteLine,
                Progress = new DownloadMeter(),
            };
            var results = DatasetDownloader.DownloadAsync(DatasetManifest.Load(), root, names, options).GetAwaiter().GetResult();
            int fetched = results.Count(r => !r.AlreadyPresent);
            Console.WriteLine($"Done: {fetched} set(s) downloaded, {results.Count - fetched} already present. `srgan data verify` checks them again.");
            return 0;
        });
        return download;
    }

    /// <summary>Download progress on stderr: in place on a terminal, a line every 10 s otherwise.</summary>
    sealed class DownloadMeter : IProgress<DownloadProgress>
    {
        readonly bool _terminal = !Console.IsErrorRedirected;
        DateTime _last = DateTime.MinValue;

        public void Report(DownloadProgress p)
        {
            bool done = p.Total == p.Bytes;
            var now = DateTime.UtcNow;
            if (!done && now - _last < TimeSpan.FromSeconds(_terminal ? 0.2 : 10)) return;
            _last = now;
            string text = p.Total is { } t ? $"  {p.Bytes / 1e6:F1} of {t / 1e6:F1} MB ({100.0 * p.Bytes / Math.Max(1, t):F0}%)" : $"  {p.Bytes / 1e6:F1} MB";
            if (_terminal) Console.Error.Write($"\r{text}\u001b[K{(done ? "\n" : "")}");
            else Console.Error.WriteLine(text);
        }
    }
}
