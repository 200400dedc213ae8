using System.CommandLine;
using SrganWorkbench.Data;
using SrganWorkbench.Weights;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan weights download vgg19</c>: fetch pretrained weights on a machine with internet, checking SHA-256.</summary>
static class WeightsCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = string.Join("; ", WeightDownloads.Catalog.Select(k => $"{k.Name}: {k.Description}")) };
        var to = new Option<string?>("--to") { Description = "Folder to save into (default: $SRGAN_WEIGHTS, else weights/)." };
        var url = new Option<string?>("--url") { Description = "Download from this address instead (a mirror); the SHA-256 check still applies." };
        var download = new Command("download", "Download pretrained weights and check their SHA-256.") { name, to, url };
        download.SetAction(parse =>
        {
            var known = WeightDownloads.Find(parse.GetValue(name)!);
            string folder = parse.GetValue(to) ?? DataRoot.ResolveWeights();
            string destination = Path.Combine(folder, known.FileName);
            string source = parse.GetValue(url) ?? known.Url;
            Console.WriteLine($"downloading {source} -> {destination}");
            var progress = new Progress<long>(bytes => Console.Error.Write($"\r{bytes / 1e6:F1} MB"));
            string sha = WeightDownloads.DownloadAsync(source, destination, known.Sha256Prefix, progress).GetAwaiter().GetResult();
            Console.Error.WriteLine();
            Console.WriteLine($"saved {destination} (SHA-256 {sha}); use it with VggWeights in a training config.");
            return 0;
        });
        return new Command("weights", "Pretrained weights.") { download };
    }
}
