using System.Threading.Channels;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Data;

/// <summary>Options of the training-crop dataset; the defaults are the paper's (96 px HR, 4x, 16 per batch).</summary>
public sealed record CropOptions
{
    public int HrSize { get; init; } = 96;
    public int Scale { get; init; } = 4;
    public int BatchSize { get; init; } = 16;
    /// <summary>Random horizontal flips, vertical flips and 90-degree rotations (the 8 symmetries of a square).</summary>
    public bool Augment { get; init; } = true;
    /// <summary>Each item is a whole training image resized (bicubic, MATLAB's imresize) to HrSize x HrSize, its LR
    /// made from that by the degradation, instead of a random crop (false: the paper's crops). Some reimplementations
    /// train this way (e.g. 256x256 HR / 64x64 LR); it changes aspect ratios and the scale of the content.</summary>
    public bool WholeImage { get; init; }
    public long Seed { get; init; } = 0;
    /// <summary>Degradation that makes the LR crop; parse with <see cref="Degradation.Parse"/>.</summary>
    public string Degradation { get; init; } = "bicubic";
    /// <summary>How many batches the background thread keeps ready.</summary>
    public int Prefetch { get; init; } = 4;
    /// <summary>Threads that make the items of one batch (results do not depend on it).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>Memory the decoded training images may hold (default: a quarter of what .NET sees as available). All
    /// are kept when they fit (T91 + BSD200 decode to about 100 MB); beyond it the least recently used are decoded again
    /// when drawn (DIV2K's 800 HR images decode to about 7 GB). Batches do not depend on it, so it is not part of a run's config.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long CacheBytes { get; init; } = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4;

    public int LrSize => HrSize / Scale;
}

/// <summary>
/// A batch of aligned crops as plain arrays (N x 3 x size x size, values in [0,1]), made off the
/// training thread; the trainer turns it into tensors on its own thread.
/// </summary>
public sealed record CropBatch(long Index, int Count, int LrSize, int HrSize, float[] Lr, float[] Hr)
{
    /// <summary>Item <paramref name="i"/>'s HR crop as an image (for looking at it).</summary>
    public RgbImage HrImage(int i) => ToImage(Hr, i, HrSize);

    /// <summary>Item <paramref name="i"/>'s LR crop as an image.</summary>
    public RgbImage LrImage(int i) => ToImage(Lr, i, LrSize);

    static RgbImage ToImage(float[] data, int i, int size)
    {
        var image = new RgbImage(size, size);
        int plane = size * size, offset = i * 3 * plane;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) image.Pixels[p * 3 + c] = RgbImage.RoundToByte(data[offset + c * plane + p] * 255.0);
        return image;
    }
}

/// <summary>
/// Random aligned HR/LR crops from a folder (or folders) of training images, as the paper
/// trains: 96x96 HR crops, 24x24 LR crops made on the fly from the HR image by the chosen
/// degradation (bicubic by default), optionally flipped and rotated. Each HR crop starts on the
/// LR grid, and its LR crop is computed as the matching region of the whole image's LR, so
/// crops carry no artificial border effects.
///
/// The rule (<see cref="Rule"/>): each item of a batch picks one usable image uniformly at random (so a small image
/// gives as many crops as a large one), then a position uniformly among the crop's positions on the LR grid, then one
/// of the 8 square symmetries. An image is usable when, modcropped to the scale, both sides hold the HR crop; the others
/// are skipped and named (<see cref="Skipped"/>). Whole-image items (<see cref="CropOptions.WholeImage"/>) use every image.
///
/// Batch <c>i</c> depends only on (seed, i): any batch can be made again, in any order, on any
/// thread, which makes prefetching and resumed runs exact. Decoded images are cached within
/// <see cref="CropOptions.CacheBytes"/>.
/// </summary>
public sealed class TrainingCrops
{
    readonly DecodedImages _images;
    readonly (int Width, int Height)[] _sizes; // after modcrop, known without decoding
    readonly Lazy<RgbImage>[] _resized; // WholeImage: each image at HrSize x HrSize
    readonly Degradation _degradation;
    readonly Func<string, string> _name;
    readonly List<(string File, int Width, int Height)> _skipped = [];
    readonly IReadOnlyList<string> _others;
    public CropOptions Options { get; }
    public IReadOnlyList<string> Files { get; }
    /// <summary>Files left out because they are smaller than one HR crop.</summary>
    public IReadOnlyList<string> Skipped => _skipped.Select(s => s.File).ToList();
    /// <summary>Where the images come from, as messages name it ("T91 and BSD200", "the folder ../photos").</summary>
    public string Source { get; }

    public TrainingCrops(IEnumerable<string> imageFiles, CropOptions? options = null) : this(imageFiles, options, Path.GetFileName, "training images", []) { }

    /// <summary>The crops of <paramref name="imageFiles"/>; for messages, <paramref name="name"/> names a file (a set's by its
    /// name, a folder's by its path in the folder), <paramref name="source"/> says where they come from, and
    /// <paramref name="others"/> are the folders' files that are not read (not named as images).</summary>
    TrainingCrops(IEnumerable<string> imageFiles, CropOptions? options, Func<string, string> name, string source, IReadOnlyList<string> others)
    {
        _others = others;
        Options = options ?? new CropOptions();
        if (Options.HrSize % Options.Scale != 0)
            throw new ArgumentException($"HR crop size {Options.HrSize} is not divisible by the scale {Options.Scale}.");
        if (Options.BatchSize <= 0) throw new ArgumentException($"Batch size must be positive, got {Options.BatchSize}.");
        _degradation = Degradation.Parse(Options.Degradation, Options.Scale);
        _name = name;
        Source = source;

        var usable = new List<string>();
        var sizes = new List<(int, int)>();
        foreach (string file in imageFiles)
        {
            var (w, h) = ImageFile.ReadSize(file);
            if (Options.WholeImage || (w - w % Options.Scale >= Options.HrSize && h - h % Options.Scale >= Options.HrSize))
            {
                usable.Add(file);
                sizes.Add((w - w % Options.Scale, h - h % Options.Scale));
            }
            else _skipped.Add((file, w, h));
        }
        if (usable.Count == 0)
        {
            var largest = _skipped.OrderByDescending(s => Math.Min(s.Width, s.Height)).FirstOrDefault();
            throw new ArgumentException($"{source}: no image is at least {Options.HrSize}x{Options.HrSize} pixels (the HR crop, after modcrop to a multiple of {Options.Scale}); " +
                (_skipped.Count == 0 ? "there are no images." : $"{_skipped.Count} image(s), the largest {largest.Width}x{largest.Height} ({name(largest.File)})."));
        }
        Files = usable;
        _sizes = sizes.ToArray();
        _images = new DecodedImages(usable, _sizes.Select(s => 3L * s.Item1 * s.Item2).ToArray(), Options.CacheBytes,
            file => ImageFile.Read(file).ModCrop(Options.Scale));
        _resized = Enumerable.Range(0, usable.Count).Select(i => new Lazy<RgbImage>(() => MatlabResize.Resize(_images.Get(i), Options.HrSize, Options.HrSize))).ToArray();
    }

    /// <summary>Training crops from the images a run names: catalogued sets under a data root and folders of one's own.</summary>
    public static TrainingCrops From(TrainingImages images, string? dataRoot = null, CropOptions? options = null)
    {
        var (found, others) = images.Find(dataRoot);
        var names = found.ToDictionary(f => f.File, f => f.Name);
        return new TrainingCrops(found.Select(f => f.File), options, file => names[file], images.Describe(dataRoot), others);
    }

    /// <summary>Training crops from the image folders of the named sets under a data root.</summary>
    public static TrainingCrops FromSets(IEnumerable<string> setNames, string? dataRoot = null, CropOptions? options = null) =>
        From(TrainingImages.OfSets(setNames.ToList()), dataRoot, options);

    /// <summary>The sampling rule and what it draws from, in words (a run's first lines): how many images are used and
    /// which are skipped (named, with their sizes), the batch, and how each item is drawn.</summary>
    public IReadOnlyList<string> Rule()
    {
        var o = Options;
        var lines = new List<string>
        {
            $"training images: {Files.Count} from {Source}" + (_skipped.Count > 0 ? $"; skipped {_skipped.Count} smaller than the {o.HrSize} px HR crop: " +
                ImageFolder.Few(_skipped.Select(s => $"{_name(s.File)} ({s.Width}x{s.Height})").ToList(), 20) : ""),
            o.WholeImage
                ? $"each batch: {o.BatchSize} whole images resized to {o.HrSize}x{o.HrSize} HR (LR {o.LrSize}x{o.LrSize} made from it by {o.Degradation}), each image drawn uniformly at random" +
                  (o.Augment ? ", flipped or rotated at random" : "")
                : $"each batch: {o.BatchSize} crops of {o.HrSize}x{o.HrSize} HR / {o.LrSize}x{o.LrSize} LR (made from the image by {o.Degradation}); each crop from an image drawn " +
                  $"uniformly at random (a small image gives as many crops as a large one), at a random place on the {o.Scale}-px LR grid" +
                  (o.Augment ? ", flipped or rotated at random" : ""),
        };
        if (_others.Count > 0) lines.Add($"not read ({_others.Count} file(s) not named as images): {ImageFolder.Few(_others)}");
        return lines;
    }

    /// <summary>The largest HR crop (a multiple of <paramref name="scale"/>) that at least half of <paramref name="files"/>
    /// hold: the size a recipe's crop shrinks to when the training images cannot hold its own (keras-384's 384 px on
    /// T91+BSD200, where none holds 384 and BSD200's 200 images are 481 x 321, gives 320). Half, so that a few large images cannot decide it
    /// alone: a crop only the largest image holds would train on that one image.</summary>
    public static int LargestCommonCrop(IEnumerable<string> files, int scale)
    {
        int[] sides = files.Select(f => { var (w, h) = ImageFile.ReadSize(f); return Math.Min(w - w % scale, h - h % scale); })
            .OrderByDescending(side => side).ToArray();
        if (sides.Length == 0) throw new ArgumentException("No training images to size a crop from.");
        return sides[(sides.Length - 1) / 2]; // sides[0..that] (at least half) are at least this large
    }

    /// <summary><see cref="LargestCommonCrop(IEnumerable{string}, int)"/> over the named sets under a data root.</summary>
    public static int LargestCommonCrop(IEnumerable<string> setNames, string? dataRoot, int scale) =>
        LargestCommonCrop(TrainingImages.OfSets(setNames.ToList()), dataRoot, scale);

    /// <summary><see cref="LargestCommonCrop(IEnumerable{string}, int)"/> over a run's training images.</summary>
    public static int LargestCommonCrop(TrainingImages images, string? dataRoot, int scale) =>
        LargestCommonCrop(images.Find(dataRoot).Images.Select(i => i.File), scale);

    /// <summary>Batch number <paramref name="index"/>: a pure function of (seed, index).</summary>
    public CropBatch GetBatch(long index)
    {
        int n = Options.BatchSize, hrSize = Options.HrSize, lrSize = Options.LrSize, scale = Options.Scale;
        var lr = new float[n * 3 * lrSize * lrSize];
        var hr = new float[n * 3 * hrSize * hrSize];
        // Every random choice is drawn first, in order, so the items can then be made in parallel
        // (decoding dominates a batch whose images are not cached yet) with the same result.
        var rng = SplitMix64.For(Options.Seed, index);
        var picks = new (int Image, int X, int Y, int Transform)[n];
        for (int i = 0; i < n; i++)
        {
            int imageIndex = rng.Next(_sizes.Length);
            var (w, h) = _sizes[imageIndex];
            int lx = rng.Next(Math.Max(1, w / scale - lrSize + 1)); // 1: a whole-image item smaller than a crop
            int ly = rng.Next(Math.Max(1, h / scale - lrSize + 1));
            // Always drawn, so that crops are the same with augmentation on or off.
            int transform = rng.Next(8);
            picks[i] = (imageIndex, lx, ly, Options.Augment ? transform : 0);
        }
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Options.Workers }, i =>
        {
            var (imageIndex, lx, ly, transform) = picks[i];
            // Whole-image items ignore the drawn position (drawn all the same, so the stream of choices is one).
            var (image, x0, y0) = Options.WholeImage ? (_resized[imageIndex].Value, 0, 0) : (_images.Get(imageIndex), lx, ly);
            var lrCrop = _degradation.ApplyRegion(image, x0, y0, lrSize, lrSize);
            var hrCrop = Options.WholeImage ? image : image.Crop(x0 * scale, y0 * scale, hrSize, hrSize);
            WritePlanar(lrCrop, transform, lr.AsSpan(i * 3 * lrSize * lrSize, 3 * lrSize * lrSize));
            WritePlanar(hrCrop, transform, hr.AsSpan(i * 3 * hrSize * hrSize, 3 * hrSize * hrSize));
        });
        return new CropBatch(index, n, lrSize, hrSize, lr, hr);
    }

    /// <summary>
    /// Batches <paramref name="start"/>, start+1, ... made by a background thread that keeps
    /// <see cref="CropOptions.Prefetch"/> batches ready, so the consumer never waits on decoding.
    /// </summary>
    public IEnumerable<CropBatch> Stream(long start = 0, CancellationToken cancel = default)
    {
        var channel = Channel.CreateBounded<CropBatch>(new BoundedChannelOptions(Math.Max(1, Options.Prefetch))
        {
            SingleReader = true,
            SingleWriter = true,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var producer = new Thread(() =>
        {
            try
            {
                for (long i = start; !stop.IsCancellationRequested; i++)
                    channel.Writer.WriteAsync(GetBatch(i), stop.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) { }
            catch (Exception e) { channel.Writer.TryComplete(e); return; }
            channel.Writer.TryComplete();
        })
        { IsBackground = true, Name = "training-crops", Priority = ThreadPriority.AboveNormal };
        producer.Start();
        try
        {
            while (true)
            {
                CropBatch batch;
                try
                {
                    if (!channel.Reader.WaitToReadAsync(cancel).AsTask().GetAwaiter().GetResult()) yield break;
                    if (!channel.Reader.TryRead(out batch!)) continue;
                }
                catch (OperationCanceledException) { yield break; }
                yield return batch;
            }
        }
        finally
        {
            stop.Cancel();
            producer.Join();
        }
    }

    /// <summary>Writes an HWC uint8 crop as CHW floats in [0,1], applying one of the 8 square symmetries.</summary>
    static void WritePlanar(RgbImage crop, int transform, Span<float> destination)
    {
        int size = crop.Width, plane = size * size;
        bool transpose = (transform & 4) != 0, flipX = (transform & 1) != 0, flipY = (transform & 2) != 0;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int sx = flipX ? size - 1 - x : x, sy = flipY ? size - 1 - y : y;
                if (transpose) (sx, sy) = (sy, sx);
                int src = (sy * size + sx) * 3;
                for (int c = 0; c < 3; c++) destination[c * plane + y * size + x] = crop.Pixels[src + c] / 255f;
            }
    }
}
