using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Data;

/// <summary>One file of a dataset as the manifest records it.</summary>
/// <remarks>Width and height are recorded for images only.</remarks>
public sealed record ManifestFile(string Name, long Bytes, string Sha256, int? Width = null, int? Height = null);

/// <summary>A dataset: where it sits under the data root, what it is, where to get it, its files.</summary>
public sealed record DatasetEntry
{
    public required string Name { get; init; }
    /// <summary>"test", "train" or "reference" (auxiliary files such as MATLAB-made LR images).</summary>
    public required string Role { get; init; }
    /// <summary>Folder under the data root holding the files, e.g. "Set5/HR".</summary>
    public required string Folder { get; init; }
    public required string Description { get; init; }
    public required string Citation { get; init; }
    public required string Download { get; init; }
    public string? Notes { get; init; }
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
