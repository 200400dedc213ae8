using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Data;

/// <summary>One file of a dataset as the manifest records it.</summary>
/// <remarks>Width and height are recorded for images only. A file known by its name alone (a set that was not at hand when
/// its entry was written: DIV2K) has no size or sha256; <c>srgan data verify</c> then checks that it is there, and says so.</remarks>
public sealed record ManifestFile(string Name, long? Bytes = null, string? Sha256 = null, int? Width = null, int? Height = null)
{
    /// <summary>Whether the manifest records the file's size and sha256 (false: its name only).</summary>
    [JsonIgnore] public bool Hashed => Bytes != null && Sha256 != null;
}

/// <summary>
/// Where a set's files can be fetched by machine: an archive at <paramref name="Url"/> in <paramref name="Format"/>
/// ("tar", "tgz" or "zip"), whose members under <paramref name="Prefix"/> (a folder inside the archive, ending in
/// '/') are the set's files. <paramref name="Exact"/> says whether those members are expected to be the manifest's
/// files byte for byte (then <c>srgan data download</c> uses the source; the per-file sha256 checks decide);
/// a source that is not exact (e.g. JPEG originals of the manifest's PNGs) is recorded for provenance only, with
/// <paramref name="Note"/> saying how its files relate to the manifest's.
/// </summary>
/// <remarks>The per-file sha256 of the manifest is what guarantees a downloaded set. An archive's own size and sha256
/// (<paramref name="Bytes"/>, <paramref name="Sha256"/>) are recorded only where a public record of them exists (the
/// note says whose), for checking an archive fetched by hand; the others were not all available to hash.</remarks>
public sealed record DatasetSource(string Url, string Format, string Prefix, bool Exact, string? Note = null, long? Bytes = null, string? Sha256 = null);

/// <summary>A dataset: where it sits under the data root, what it is, where to get it, its files.</summary>
public sealed record DatasetEntry
{
    public required string Name { get; init; }
    /// <summary>"test", "train" or "reference" (auxiliary files such as MATLAB-made LR images).</summary>
    public required string Role { get; init; }
    /// <summary>Not needed by the paper's tables (DIV2K): <c>srgan data verify</c> without <c>--sets</c> reports it as not
    /// installed rather than missing when its folder is absent. A run or an evaluation that names it still requires it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Optional { get; init; }
    /// <summary>Folder under the data root holding the files, e.g. "Set5/HR".</summary>
    public required string Folder { get; init; }
    public required string Description { get; init; }
    public required string Citation { get; init; }
    public required string Download { get; init; }
    public string? Notes { get; init; }
    /// <summary>Machine-readable archives holding the set, in order of preference (none: fetch it by hand, see <see cref="Download"/>).</summary>
    public IReadOnlyList<DatasetSource>? Sources { get; init; }
    public required IReadOnlyList<ManifestFile> Files { get; init; }
}

/// <summary>
/// data/datasets.json: names, sizes, sha256, citations and official download locations of every
/// dataset the workspace uses. The images themselves are not in the repository.
/// </summary>
public sealed record DatasetManifest(IReadOnlyList<DatasetEntry> Datasets)
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public DatasetEntry this[string name] =>
        Datasets.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"Unknown dataset '{name}'. Known: {string.Join(", ", Datasets.Select(d => d.Name))}.");

    public static DatasetManifest Load(string? path = null)
    {
        path ??= DataRoot.ManifestPath();
        try
        {
            return JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: empty manifest.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid dataset manifest: {e.Message}", e);
        }
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Describes the data files of a folder (for maintainers refreshing the manifest);
    /// provenance files (SOURCE.txt, SHA256SUMS, LICENSE*) are not data and are left out.</summary>
    public static IReadOnlyList<ManifestFile> Describe(string folder) =>
        Directory.GetFiles(folder)
            .Where(f => Path.GetFileName(f) is not ("SOURCE.txt" or "SHA256SUMS") && !Path.GetFileName(f).StartsWith("LICENSE", StringComparison.Ordinal))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .Select(f =>
            {
                if (!ImageFolder.IsImageFile(f)) return new ManifestFile(Path.GetFileName(f), new FileInfo(f).Length, Sha256Of(f));
                var (w, h) = ImageFile.ReadSize(f);
                return new ManifestFile(Path.GetFileName(f), new FileInfo(f).Length, Sha256Of(f), w, h);
            })
            .ToList();

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
