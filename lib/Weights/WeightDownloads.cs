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
    /// into place; a failed or mismatched download leaves nothing behind.
    /// </summary>
    public static async Task<string> DownloadAsync(string url, string destination, string sha256Prefix, IProgress<long>? progress = null,
        HttpClient? client = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        string temp = destination + ".download";
        bool own = client == null;
        client ??= new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        try
        {
            using (var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel))
            {
                if (!response.IsSuccessStatusCode)
                    throw new IOException($"{url}: download failed with HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
                await using var source = await response.Content.ReadAsStreamAsync(cancel);
                await using var file = new FileStream(temp, FileMode.Create, FileAccess.Write);
                var buffer = new byte[1 << 20];
                long total = 0;
                int n;
                while ((n = await source.ReadAsync(buffer, cancel)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, n), cancel);
                    progress?.Report(total += n);
                }
            }
            string sha;
            await using (var check = File.OpenRead(temp)) sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(check, cancel));
            if (!sha.StartsWith(sha256Prefix.ToLowerInvariant(), StringComparison.Ordinal))
                throw new InvalidDataException($"{url}: SHA-256 {sha} does not start with the expected {sha256Prefix}; the file was not kept.");
            File.Move(temp, destination, overwrite: true);
            return sha;
        }
        catch (HttpRequestException e)
        {
            throw new IOException($"{url}: cannot download ({e.Message}). This needs internet access; copy the file by hand otherwise.", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            if (own) client.Dispose();
        }
    }
}
