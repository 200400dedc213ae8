using System.Collections.Concurrent;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;

namespace SrganWorkbench.Evaluation;

/// <summary>
/// Runs the paper's evaluation: for every HR image of a test set, modcrop to the scale, make
/// (or read) the LR image, super-resolve it, and score the result against the HR image.
/// </summary>
public sealed class Evaluator(EvaluationOptions? options = null, string? dataRoot = null)
{
    readonly EvaluationOptions _options = options ?? new EvaluationOptions();
    readonly string _dataRoot = DataRoot.Resolve(dataRoot);
    Niqe? _niqe;
    Lpips? _lpips;

    public EvaluationOptions Options => _options;

    /// <summary>Scores every method on every catalogued set named in <paramref name="sets"/> (data/datasets.json);
    /// see <see cref="Run(IReadOnlyList{ISuperResolver}, IReadOnlyList{TestSet}, IProgress{string}?, CancellationToken, Action{ImageScore}?)"/>.</summary>
    public IReadOnlyList<ImageScore> Run(IReadOnlyList<ISuperResolver> methods, IReadOnlyList<string> sets,
        IProgress<string>? progress = null, CancellationToken cancel = default, Action<ImageScore>? scored = null) =>
        Run(methods, sets.Select(TestSet.Catalogued).ToList(), progress, cancel, scored);

    /// <summary>Scores every method on every set (catalogued, or a folder of one's own: <see cref="TestSet"/>), images in parallel up to
    /// <see cref="EvaluationOptions.MaxParallelism"/>; a resolver that does not allow concurrent calls
    /// (<see cref="ISuperResolver.ConcurrentUpscale"/>: a network) upscales one image at a time, its outputs scored in parallel.
    /// <paramref name="scored"/> is called after each image (from the worker threads) for a progress bar.</summary>
    public IReadOnlyList<ImageScore> Run(IReadOnlyList<ISuperResolver> methods, IReadOnlyList<TestSet> sets,
        IProgress<string>? progress = null, CancellationToken cancel = default, Action<ImageScore>? scored = null)
    {
        var manifest = DatasetManifest.Load();
        CheckNames(sets, manifest);
        var niqe = _options.ComputeNiqe ? (_niqe ??= Niqe.Load(NiqeParameterFile(manifest))) : null;
        var lpips = _options.ComputeLpips ? (_lpips ??= Lpips.Load(_options.LpipsWeights)) : null;
        int border = _options.Metrics.CropBorder;
        var degradation = Degradation.Parse(_options.Degradation, _options.Scale);
        var results = new List<ImageScore>();
        foreach (var set in sets)
        {
            var images = ImagesOf(set, manifest);
            string? matlabFolder = _options.LrSource == LrSource.Matlab ? MatlabLrFolder(manifest, set) : null;
            foreach (var method in methods)
            {
                if (method.Scale != _options.Scale)
                    throw new ArgumentException($"Method '{method.Name}' upscales by {method.Scale}, but the evaluation scale is {_options.Scale}.");
                var scores = new ConcurrentBag<ImageScore>();
                // A resolver that may not run concurrently (a network) upscales one image at a time under this lock, while
                // the images it has finished are scored on the other workers: the measures (NIQE, SSIMs, the periodic
                // measure: one core each) overlap the next image's upscaling instead of waiting for it.
                object? oneAtATime = method.ConcurrentUpscale ? null : new object();
                Parallel.ForEach(images, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancel }, image =>
                {
                    var (file, name) = image;
                    var hr = ImageFile.Read(file).ModCrop(_options.Scale);
                    var lr = matlabFolder == null ? degradation.Apply(hr) : ImageFile.Read(Path.Combine(matlabFolder, name));
                    RgbImage sr;
                    if (oneAtATime == null) sr = method.Restore(lr, hr);
                    else lock (oneAtATime) sr = method.Restore(lr, hr);
                    if (sr.Width != hr.Width || sr.Height != hr.Height)
                        throw new InvalidOperationException($"{method.Name} made a {sr.Width}x{sr.Height} image from {file}, expected {hr.Width}x{hr.Height}.");
                    if (_options.SaveImagesTo != null)
                        ImageFile.WritePng(Path.Combine(_options.SaveImagesTo, set.Name, method.Name, Path.ChangeExtension(name, ".png")), sr);
                    int channels = ImageFile.ReadChannels(file);
                    double? rawGray = channels <= 2
                        ? Psnr.Compute(sr, hr, _options.Metrics with { Channel = MetricChannel.Rgb })
                        : null;
                    var score = new ImageScore(set.Name, method.Name, name, hr.Width, hr.Height, channels,
                        Psnr.Compute(sr, hr, _options.Metrics), Ssim.Compute(sr, hr, _options.Metrics),
                        niqe?.Compute(sr, border), rawGray, lpips?.Distance(sr, hr, border),
                        _options.ComputePeriodic ? PeriodicArtifacts.Compute(sr, border) : null,
                        _options.ComputeSsimDaala ? DaalaSsim.Compute(sr, hr, border) : null);
                    scores.Add(score);
                    scored?.Invoke(score);
                });
                var ordered = scores.OrderBy(s => s.Image, StringComparer.Ordinal).ToList();
                results.AddRange(ordered);
                progress?.Report($"{set.Name} / {method.Name}: {ordered.Count} images, PSNR {ordered.Average(s => s.Psnr):F3} dB, SSIM {ordered.Average(s => s.Ssim):F4}" +
                    (niqe != null ? $", NIQE {ordered.Average(s => s.Niqe!.Value):F3}" : "") +
                    (lpips != null ? $", LPIPS {ordered.Average(s => s.Lpips!.Value):F4}" : "") +
                    (_options.ComputePeriodic ? $", periodic {ordered.Average(s => s.PeriodicDb!.Value):F2} dB" : "") +
                    (_options.ComputeSsimDaala ? $", SSIM (daala) {ordered.Average(s => s.SsimDaala!.Value):F4}" : ""));
            }
        }
        return results;
    }

    string NiqeParameterFile(DatasetManifest manifest)
        => Path.Combine(DatasetVerifier.RequireFolder(manifest, "NIQE", _dataRoot), "niqe_pris_params.npz");

    /// <summary>The set's HR files, each with the name the tables give it (a catalogued set's file name; a folder's path
    /// in the folder), checked to be large enough for every measure asked for: one line names those that are not.</summary>
    List<(string File, string Name)> ImagesOf(TestSet set, DatasetManifest manifest)
    {
        List<(string File, string Name)> images;
        if (set.Folder == null)
            images = ImageFolder.List(DatasetVerifier.RequireFolder(manifest, set.Name, _dataRoot)).Select(f => (f, Path.GetFileName(f))).ToList();
        else
        {
            var found = ImageFolder.Find(set.Folder);
            images = found.Files.Zip(found.Names).ToList();
        }
        var (side, measure, leaveOut) = _options.SmallestScorable();
        int scale = _options.Scale;
        var small = images.Select(i => (i.Name, Size: ImageFile.ReadSize(i.File)))
            .Where(i => Math.Min(i.Size.Width - i.Size.Width % scale, i.Size.Height - i.Size.Height % scale) < side).ToList();
        if (small.Count > 0)
            throw new ArgumentException($"{set}: {small.Count} of {images.Count} image(s) too small to score at {scale}x: " +
                $"{ImageFolder.Few(small.Select(i => $"{i.Name} ({i.Size.Width}x{i.Size.Height})").ToList())}; {measure} needs at least " +
                $"{side}x{side} px after modcrop to a multiple of {scale} (its minimum inside the {_options.Metrics.CropBorder}-px border). " +
                (leaveOut == null ? "Remove them." : $"Remove them, or leave {measure} out ({leaveOut})."));
        return images;
    }

    /// <summary>One name, one set: tables, CSV rows and saved images are keyed by it, and a catalogued set's name brings
    /// the paper's numbers beside ours, which a folder of other images must not get.</summary>
    static void CheckNames(IReadOnlyList<TestSet> sets, DatasetManifest manifest)
    {
        foreach (var set in sets.Where(s => s.Folder != null))
            if (manifest.Datasets.FirstOrDefault(d => string.Equals(d.Name, set.Name, StringComparison.OrdinalIgnoreCase)) is { } known)
                throw new ArgumentException($"{set}: '{set.Name}' is the name of the catalogued set {known.Name}; name the folder apart (NAME=DIR), or score {known.Name} by its name.");
        if (sets.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"Two test sets are named '{twice.Key}' ({string.Join(", ", twice)}); give each its own name (NAME=DIR).");
    }

    string MatlabLrFolder(DatasetManifest manifest, TestSet set)
    {
        if (set.Folder != null)
            throw new ArgumentException($"{set}: MATLAB-made LR images exist for the catalogued Set5 and Set14 only; a folder's LR is made here from its HR (generated LR).");
        string name = $"MATLAB-LR-x4-{set.Name}";
        if (!manifest.Datasets.Any(d => d.Name == name))
            throw new ArgumentException($"No MATLAB-made LR images for {set.Name}; they exist for Set5 and Set14 only. Use the generated LR instead.");
        if (_options.Scale != 4) throw new ArgumentException("The MATLAB-made LR images are 4x; use --scale 4.");
        return DatasetVerifier.RequireFolder(manifest, name, _dataRoot);
    }
}
