namespace SrganWorkbench.Data;

/// <summary>
/// The images a run trains on: catalogued sets by name (<see cref="Sets"/>: their folders under the data root, checked
/// against data/datasets.json, e.g. T91, BSD200, DIV2K-train) and folders of one's own (<see cref="Folders"/>: searched
/// recursively by <see cref="ImageFolder.Find"/>, recorded as <see cref="DataRoot.PortableFolder"/> records them).
/// Crops are drawn from all of them together (<see cref="TrainingCrops.From"/>).
/// </summary>
public sealed record TrainingImages(IReadOnlyList<string> Sets, IReadOnlyList<string> Folders)
{
    /// <summary>Catalogued sets only (what every profile trains on).</summary>
    public static TrainingImages OfSets(params IReadOnlyList<string> sets) => new(sets, []);

    /// <summary>Folders of one's own only.</summary>
    public static TrainingImages OfFolders(params IReadOnlyList<string> folders) => new([], folders);

    /// <summary>How logs and reports name the images: "T91+BSD200", "photos", "T91+my-renders" (a folder by its own name).</summary>
    public string Name => string.Join("+", Sets.Concat(Folders.Select(FolderName)));

    static string FolderName(string folder) => Path.GetFileName(folder.TrimEnd('/', Path.DirectorySeparatorChar)) is { Length: > 0 } name ? name : folder;

    /// <summary>The files, each with the name messages give it ("t20.png" in a set; "photos/beach/b.jpg" in a folder),
    /// and the files of the folders that are not read. Errors name what is wrong: an unknown set, a set not under the
    /// data root (one line, with where to get it), a folder that does not exist or holds no image, or nothing named at all.</summary>
    public (IReadOnlyList<(string File, string Name)> Images, IReadOnlyList<string> Others) Find(string? dataRoot = null)
    {
        if (Sets.Count == 0 && Folders.Count == 0)
            throw new ArgumentException("No training images: name catalogued sets (TrainSets; srgan train --train-sets) or folders (TrainFolders; --train-dir).");
        var images = new List<(string, string)>();
        var others = new List<string>();
        if (Sets.Count > 0)
        {
            var manifest = DatasetManifest.Load();
            string root = DataRoot.Resolve(dataRoot);
            foreach (string set in Sets)
                images.AddRange(ImageFolder.List(DatasetVerifier.RequireFolder(manifest, set, root)).Select(f => (f, Path.GetFileName(f))));
        }
        foreach (string recorded in Folders)
        {
            var folder = ImageFolder.Find(DataRoot.ResolveFolder(recorded, dataRoot));
            string name = FolderName(recorded);
            images.AddRange(folder.Files.Zip(folder.Names, (f, n) => (f, $"{name}/{n}")));
            others.AddRange(folder.Others.Select(n => $"{name}/{n}"));
        }
        // A file drawn from twice would be drawn twice as often as the others, silently.
        if (images.GroupBy(i => i.Item1).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"{string.Join(" and ", twice.Select(i => i.Item2))} are one file: the training sets and folders given overlap; name each once.");
        return (images, others);
    }

    /// <summary>Where the images are, for messages: "T91, BSD200 and the folder ../photos".</summary>
    public string Describe(string? dataRoot = null)
    {
        var parts = Sets.Select(s => s).Concat(Folders.Select(f => $"the folder {DataRoot.Shown(DataRoot.ResolveFolder(f, dataRoot))}")).ToList();
        return parts.Count <= 1 ? string.Concat(parts) : $"{string.Join(", ", parts.Take(parts.Count - 1))} and {parts[^1]}";
    }
}
