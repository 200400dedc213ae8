using System.CommandLine;
using System.Runtime.InteropServices;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;

namespace SrganWorkbench.Cli;

/// <summary>
/// <c>srgan upscale IN... -o DIR --model CKPT</c>: super-resolve image files or folders of them, as people have them
/// (the picture <see cref="ImageFile.ReadPhoto"/> reads; <see cref="ModelUpscaler.Upscale(Photo, Action{int, int}?)"/>):
/// upright, grey stays grey, alpha and 16 bits are kept. With --tile an image is read, upscaled and written a band of
/// tiles at a time (<see cref="ImageFile.OpenRows"/>, <see cref="ModelUpscaler.Upscale(PhotoRows, Action{ReadOnlySpan{ushort}}, Action{int, int}?)"/>),
/// so a photo of any size fits in memory. An image that cannot be read or upscaled is named with the reason and
/// skipped; the rest are done, and the exit code says whether any failed.
/// </summary>
static class UpscaleCommand
{
    /// <summary>The exit code when some images failed and the others were written (as `data verify` finding problems).</summary>
    public const int SomeFailed = 1;

    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Image files or folders of images.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Folder for the SR images (PNG, same names).", Required = true };
        var choice = new ModelChoice();
        choice.Tile.Description = "Process the LR image in tiles of this many pixels (0: whole image). Tiled, an image is read, upscaled and " +
            "written a band of tiles at a time, so memory is bounded by the tile and the image's width, not its area " +
            "(results/bench/memory.md), with a progress bar and ETA after a few seconds. Held whole even so: the output with " +
            "--histogram-match (it maps the whole output's histogram); the input (1/16 of the output's pixels) when it is not a PNG, " +
            "or is a PNG with a palette, under 8 bits, interlaced, with a transparency chunk or with an EXIF orientation to apply.";
        var command = new Command("upscale", "Super-resolve images 4x with a trained checkpoint or a peer model.") { inputs, output };
        foreach (var o in choice.All) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var files = new List<string>();
            foreach (string path in parse.GetValue(inputs)!)
                if (Directory.Exists(path))
                {
                    var (images, others) = ImageFolder.ListPhotos(path);
                    files.AddRange(images);
                    if (others.Count > 0)
                        Console.Error.WriteLine($"note: {path}: not tried, not named as images: {string.Join(", ", others.Select(Path.GetFileName))}");
                }
                else if (File.Exists(path)) files.Add(path);
                else throw new FileNotFoundException($"{path}: no such file or folder.");
            var upscaler = choice.Create(parse);
            string folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);

            // Ctrl-C and SIGTERM end the process at once (a large photo takes minutes on a CPU). The image being written
            // then is still a temporary file beside its target: deleted here, so the folder holds finished images only.
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => AtomicFile.AbandonUnfinished(folder));
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => AtomicFile.AbandonUnfinished(folder));

            var writtenFrom = new Dictionary<string, string>(); // output -> the input it was made from
            int failed = 0;
            foreach (var file in files)
            {
                string target = Path.Combine(folder, Path.GetFileNameWithoutExtension(file) + ".png");
                try
                {
                    if (Path.GetFullPath(target) == Path.GetFullPath(file))
                        throw new ImageFileException(file, "its output would replace it; give another --out folder.");
                    if (writtenFrom.TryGetValue(Path.GetFullPath(target), out string? earlier))
                        throw new ImageFileException(file, $"its output {target} was already written from {earlier}; rename one of the two.");
                    var started = DateTime.UtcNow;
                    using var lr = ImageFile.OpenRows(file);
                    int w = lr.Width * upscaler.Scale, h = lr.Height * upscaler.Scale;
                    var progress = new TileProgress(Path.GetFileName(file), started);
                    try
                    {
                        // The SR rows go to the file as they are made (a band of tiles at a time with --tile).
                        ImageFile.WritePng(target, w, h, lr.Channels, lr.BitDepth, png => upscaler.Upscale(lr, png.WriteRows, progress.Update));
                    }
                    finally
                    {
                        progress.Finish();
                    }
                    writtenFrom[Path.GetFullPath(target)] = file;
                    string turned = lr.Orientation == 1 ? "" : $", turned upright from EXIF orientation {lr.Orientation}";
                    Console.WriteLine($"{file} ({lr}{turned}) -> {target} ({Photo.Describe(w, h, lr.Channels, lr.BitDepth)}) in " +
                                      $"{(DateTime.UtcNow - started).TotalSeconds:F1} s{HeldWhole(upscaler, lr)}");
                }
                catch (Exception e) when (CliErrors.IsUserError(e))
                {
                    // One line each, naming the file and why; the other images go on.
                    failed++;
                    Console.Error.WriteLine($"skipped: {(e is ImageFileException ? e.Message : $"{file}: {e.Message}")}");
                }
            }
            if (failed == 0) return 0;
            Console.Error.WriteLine($"error: {failed} of {files.Count} images failed (named above); the other {files.Count - failed} are in {folder}.");
            return SomeFailed;
        });
        return command;
    }

    /// <summary>What --tile did not keep out of memory for this image, and why: nothing without --tile, or when it
    /// fits in one tile.</summary>
    static string HeldWhole(ModelUpscaler upscaler, PhotoRows lr)
    {
        if (!upscaler.Tiles.Tiles(lr.Width, lr.Height)) return "";
        if (upscaler.WholeBecause(lr.Width, lr.Height) is { } output) return $" (held whole in memory: {output})";
        return lr.HeldWhole is { } input ? $" (input read whole: {input})" : "";
    }

    /// <summary>A progress bar with ETA over an image's tiles, shown once the image has taken a few seconds (a small
    /// image's upscale prints its one line only).</summary>
    sealed class TileProgress(string name, DateTime started)
    {
        static readonly TimeSpan After = TimeSpan.FromSeconds(3);
        readonly ProgressBar _bar = new();
        bool _shown;

        public void Update(int done, int total)
        {
            var elapsed = DateTime.UtcNow - started;
            if (!_shown && elapsed < After) return;
            _shown = true;
            _bar.Update(done, total, $"tiles of {name}", elapsed);
        }

        public void Finish()
        {
            if (_shown) _bar.Finish();
        }
    }
}
