using System.Security.Cryptography;

namespace SrganWorkbench.Weights;

/// <summary>
/// Weights a user may download on a machine with internet access (nothing downloads at run time).
/// torchvision names its files with the first 8 hex digits of their SHA-256, and checks them the
/// same way; so does this.
/// </summary>
public static class WeightDownloads
{
    public sealed record Known(string Name, string Url, string FileName, string Sha256Prefix, string Description);

    public static readonly IReadOnlyList<Known> Catalog =
    [
        new("vgg19", "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth", "vgg19-dcbb9e9d.pth", "dcbb9e9d",
            "torchvision's ImageNet VGG19 (all 16 convolutions; torchvision preprocessing): needed for VGG54, the paper's SRGAN content loss."),
    ];

    public static Known Find(string name) =>
        Catalog.FirstOrDefault(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown weights '{name}': expected {string.Join(", ", Catalog.Select(k => k.Name))}.");

    /// <summary>
    /// Downloads <paramref name="url"/> to <paramref name="destination"/>, checks that its SHA-256
    /// starts with <paramref name="sha256Prefix"/> (a full hash works too), and only then moves it
    /// into place; a failed or mismatched download leaves nothing behind. The HTTP part is
    /// <see cref="HttpDownload"/>, shared with the dataset downloads (which also resume).
    /// </summary>
    public static async Task<string> DownloadAsync(string url, string destination, string sha256Prefix, IProgress<long>? progress = null,
        HttpClient? client = null, CancellationToken cancel = default)
    {
        string temp = destination + ".download";
        bool own = client == null;
        client ??= HttpDownload.NewClient();
        try
        {
            await HttpDownload.ToFileAsync(url, temp, resume: false, client,
                progress == null ? null : new BytesOnly(progress), cancel);
            string sha;
            await using (var check = File.OpenRead(temp)) sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(check, cancel));
            if (!sha.StartsWith(sha256Prefix.ToLowerInvariant(), StringComparison.Ordinal))
                throw new InvalidDataException($"{url}: SHA-256 {sha} does not start with the expected {sha256Prefix}; the file was not kept.");
            File.Move(temp, destination, overwrite: true);
            return sha;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            if (File.Exists(temp + ".part")) File.Delete(temp + ".part");
            if (own) client.Dispose();
        }
    }

    sealed class BytesOnly(IProgress<long> inner) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => inner.Report(value.Bytes);
    }
}
