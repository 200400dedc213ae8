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

    /// <summary>Scores every method on every set, images in parallel up to
    /// <see cref="EvaluationOptions.MaxParallelism"/>; a resolver that does not allow concurrent calls
    /// (<see cref="ISuperResolver.ConcurrentUpscale"/>: a network) upscales one image at a time, its outputs scored in parallel.
    /// <paramref name="scored"/> is called after each image (from the worker threads) for a progress bar.</summary>
    public IReadOnlyList<ImageScore> Run(IReadOnlyList<ISuperResolver> methods, IReadOnlyList<string> sets,
        IProgress<string>? progress = null, CancellationToken cancel = default, Action<ImageScore>? scored = null)
    {
        var manifest = DatasetManifest.Load();
        var niqe = _options.ComputeNiqe ? (_niqe ??= Niqe.Load(NiqeParameterFile(manifest))) : null;
        var lpips = _options.ComputeLpips ? (_lpips ??= Lpips.Load(_options.LpipsWeights)) : null;
        int border = _options.Metrics.CropBorder;
        var degradation = Degradation.Parse(_options.Degradation, _options.Scale);
        var results = new List<ImageScore>();
        foreach (string set in sets)
        {
            string folder = DatasetVerifier.RequireFolder(manifest, set, _dataRoot);
            var files = ImageFolder.List(folder);
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
                Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancel }, file =>
                {
                    var hr = ImageFile.Read(file).ModCrop(_options.Scale);
                    var lr = matlabFolder == null ? degradation.Apply(hr) : ImageFile.Read(Path.Combine(matlabFolder, Path.GetFileName(file)));
                    RgbImage sr;
                    if (oneAtATime == null) sr = method.Restore(lr, hr);
                    else lock (oneAtATime) sr = method.Restore(lr, hr);
                    if (sr.Width != hr.Width || sr.Height != hr.Height)
                        throw new InvalidOperationException($"{method.Name} made a {sr.Width}x{sr.Height} image from {file}, expected {hr.Width}x{hr.Height}.");
                    if (_options.SaveImagesTo != null)
                        ImageFile.WritePng(Path.Combine(_options.SaveImagesTo, set, method.Name, Path.ChangeExtension(Path.GetFileName(file), ".png")), sr);
                    int channels = ImageFile.ReadChannels(file);
                    double? rawGray = channels <= 2
                        ? Psnr.Compute(sr, hr, _options.Metrics with { Channel = MetricChannel.Rgb })
                        : null;
                    var score = new ImageScore(set, method.Name, Path.GetFileName(file), hr.Width, hr.Height, channels,
                        Psnr.Compute(sr, hr, _options.Metrics), Ssim.Compute(sr, hr, _options.Metrics),
                        niqe?.Compute(sr, border), rawGray, lpips?.Distance(sr, hr, border),
                        _options.ComputePeriodic ? PeriodicArtifacts.Compute(sr, border) : null,
                        _options.ComputeSsimDaala ? DaalaSsim.Compute(sr, hr, border) : null);
                    scores.Add(score);
                    scored?.Invoke(score);
                });
                var ordered = scores.OrderBy(s => s.Image, StringComparer.Ordinal).ToList();
                results.AddRange(ordered);
                progress?.Report($"{set} / {method.Name}: {ordered.Count} images, PSNR {ordered.Average(s => s.Psnr):F3} dB, SSIM {ordered.Average(s => s.Ssim):F4}" +
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

    string MatlabLrFolder(DatasetManifest manifest, string set)
    {
        string name = $"MATLAB-LR-x4-{set}";
        if (!manifest.Datasets.Any(d => d.Name == name))
            throw new ArgumentException($"No MATLAB-made LR images for {set}; they exist for Set5 and Set14 only. Use the generated LR instead.");
        if (_options.Scale != 4) throw new ArgumentException("The MATLAB-made LR images are 4x; use --scale 4.");
        return DatasetVerifier.RequireFolder(manifest, name, _dataRoot);
    }
}
