using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SrganWorkbench.Mos;

/// <summary>What an item is for.</summary>
public enum ItemKind
{
    /// <summary>A method's output to be rated.</summary>
    Test,
    /// <summary>Shown before the test with its anchor score (nearest = 1, HR = 5), not rated.</summary>
    Calibration,
    /// <summary>A second copy of a test item under another id, to measure test-retest consistency.</summary>
    Repeat,
}

/// <summary>
/// One image of a study. <see cref="Id"/> is random and is all a rater's browser ever sees (the
/// image is served as /img/{Id}.png); which method, set and image it shows stays in study.json.
/// </summary>
public sealed record StudyItem(string Id, ItemKind Kind, string Method, string Set, string Image, int Width, int Height,
    int? Anchor = null, string? RepeatOf = null);

/// <summary>A study folder's manifest (study.json): the items and how they were made.</summary>
public sealed record Study
{
    public required string Name { get; init; }
    public required DateTime Created { get; init; }
    public required IReadOnlyList<string> Methods { get; init; }
    public required IReadOnlyList<string> Sets { get; init; }
    public required IReadOnlyList<StudyItem> Items { get; init; }
    public string Command { get; init; } = "";

    public const string ManifestName = "study.json";
    public const string ImagesFolder = "images";

    /// <summary>What makes this study this one and no other: a hash of its item ids, which are random per build, so two
    /// builds differ even with one name and one command. A rating database records it and refuses another study's.</summary>
    [JsonIgnore]
    public string Identity => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", Items.Select(i => i.Id)))))[..16];

    public IEnumerable<StudyItem> Rated => Items.Where(i => i.Kind != ItemKind.Calibration);
    public IEnumerable<StudyItem> Calibration => Items.Where(i => i.Kind == ItemKind.Calibration);

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public void Save(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, ManifestName), JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Loads and checks a study folder: the manifest must parse and every image must be there.</summary>
    public static Study Load(string folder)
    {
        string path = Path.Combine(folder, ManifestName);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: study folder not found (make one with `srgan mos build`).");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: not a study folder (no {ManifestName}; make one with `srgan mos build`).", path);
        Study study;
        try
        {
            study = JsonSerializer.Deserialize<Study>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty study manifest.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: corrupt study manifest: {e.Message}", e);
        }
        // JSON that parses can still say nothing to rate: "items": null, [null] or [] would otherwise end in a stack
        // trace or an empty study served without a word.
        if (study.Items is null) throw new InvalidDataException($"{path}: the study manifest has no \"items\" list; rebuild the study.");
        if (study.Items.Any(i => i is null || string.IsNullOrWhiteSpace(i.Id)))
            throw new InvalidDataException($"{path}: an item of the study manifest is empty or has no id; rebuild the study.");
        if (!study.Rated.Any()) throw new InvalidDataException($"{path}: the study has no items to rate; build one with `srgan mos build`.");
        var missing = study.Items.Where(i => !File.Exists(study.ImagePath(folder, i.Id))).Select(i => i.Id).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{folder}: {missing.Count} image(s) of the study are missing from {ImagesFolder}/ (e.g. {missing[0]}.png); rebuild the study.");
        if (study.Items.Select(i => i.Id).Distinct().Count() != study.Items.Count)
            throw new InvalidDataException($"{path}: item ids are not unique.");
        return study;
    }

    public string ImagePath(string folder, string id) => Path.Combine(folder, ImagesFolder, id + ".png");
}
