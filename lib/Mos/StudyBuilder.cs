using System.Security.Cryptography;
using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Mos;

/// <summary>How to build a study.</summary>
public sealed record StudyOptions
{
    public string Name { get; init; } = "study";
    public IReadOnlyList<string> Sets { get; init; } = ["Set5", "Set14", "BSD100"];
    /// <summary>Use only the first N images of each set (0: all), for small studies.</summary>
    public int ImagesPerSet { get; init; }
    /// <summary>Calibration pairs (one nearest = 1 and one HR = 5 each), from the BSD200 training split as the paper.</summary>
    public int CalibrationPairs { get; init; } = 2;
    /// <summary>Test items shown a second time under another id, to measure rater consistency.</summary>
    public int Repeats { get; init; }
    public long Seed { get; init; }
    public int Scale { get; init; } = 4;
}

/// <summary>
/// Builds a MOS study folder: every method's output of every test image is rendered once
/// (nearest, bicubic, the HR image itself, any model), saved under a random id, and listed in a
/// manifest the server keeps to itself. The paper's study: 12 versions of each image, raters
/// calibrated on nearest-neighbour (1) and HR (5) examples.
/// </summary>
public static class StudyBuilder
{
    public const string HrMethod = "hr";

    public static Study Build(string folder, IReadOnlyList<ISuperResolver> methods, StudyOptions options, string? dataRoot = null,
        IProgress<string>? progress = null, string command = "")
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new IOException($"{folder} is not empty; choose a new folder for the study.");
        string images = Path.Combine(folder, Study.ImagesFolder);
        Directory.CreateDirectory(images);
        var manifest = DatasetManifest.Load();
        string root = DataRoot.Resolve(dataRoot);
        var degradation = new BicubicDegradation(options.Scale);
        var items = new List<StudyItem>();
        var used = new HashSet<string>();

        StudyItem Save(RgbImage image, ItemKind kind, string method, string set, string name, int? anchor = null, string? repeatOf = null)
        {
            string id;
            do id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)); while (!used.Add(id));
            ImageFile.WritePng(Path.Combine(images, id + ".png"), image);
            return new StudyItem(id, kind, method, set, name, image.Width, image.Height, anchor, repeatOf);
        }

        foreach (string set in options.Sets)
        {
            var files = ImageFolder.List(DatasetVerifier.RequireFolder(manifest, set, root));
            if (options.ImagesPerSet > 0) files = files.Take(options.ImagesPerSet).ToList();
            foreach (string file in files)
            {
                var hr = ImageFile.Read(file).ModCrop(options.Scale);
                var lr = degradation.Apply(hr);
                items.Add(Save(hr, ItemKind.Test, HrMethod, set, Path.GetFileName(file)));
                foreach (var method in methods)
                    items.Add(Save(method.Upscale(lr), ItemKind.Test, method.Name, set, Path.GetFileName(file)));
            }
            progress?.Report($"{set}: {files.Count} images x {methods.Count + 1} versions");
        }

        // Calibration from the training split: never one of the test images.
        if (options.CalibrationPairs > 0)
        {
            var train = ImageFolder.List(DatasetVerifier.RequireFolder(manifest, "BSD200", root));
            var rng = SplitMix64.For(options.Seed, 1);
            for (int k = 0; k < options.CalibrationPairs; k++)
            {
                string file = train[rng.Next(train.Count)];
                var hr = ImageFile.Read(file).ModCrop(options.Scale);
                var nearest = MatlabResize.Resize(degradation.Apply(hr), options.Scale, ResizeKernel.Nearest);
                items.Add(Save(nearest, ItemKind.Calibration, "nearest", "BSD200", Path.GetFileName(file), anchor: 1));
                items.Add(Save(hr, ItemKind.Calibration, HrMethod, "BSD200", Path.GetFileName(file), anchor: 5));
            }
        }

        var tests = items.Where(i => i.Kind == ItemKind.Test).ToList();
        var pick = SplitMix64.For(options.Seed, 2);
        foreach (var original in tests.OrderBy(_ => pick.NextUInt64()).Take(options.Repeats).ToList())
        {
            var image = ImageFile.Read(Path.Combine(images, original.Id + ".png"));
            items.Add(Save(image, ItemKind.Repeat, original.Method, original.Set, original.Image, repeatOf: original.Id));
        }

        var study = new Study
        {
            Name = options.Name, Created = DateTime.UtcNow, Command = command,
            Methods = [HrMethod, .. methods.Select(m => m.Name)], Sets = options.Sets, Items = items,
        };
        study.Save(folder);
        return study;
    }
}
