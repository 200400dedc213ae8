using System.CommandLine;
using System.Runtime.InteropServices;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;

namespace SrganWorkbench.Cli;

/// <summary>
/// <c>srgan upscale IN... -o DIR --model CKPT</c>: super-resolve image files or folders of them, as people have them
/// (<see cref="ImageFile.ReadPhoto"/>, <see cref="ModelUpscaler.Upscale(Photo)"/>): upright, grey stays grey, alpha
/// and 16 bits are kept. An image that cannot be read or upscaled is named with the reason and skipped; the rest are
/// done, and the exit code says whether any failed.
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
                    var lr = ImageFile.ReadPhoto(file);
                    var sr = upscaler.Upscale(lr);
                    ImageFile.WritePng(target, sr);
                    writtenFrom[Path.GetFullPath(target)] = file;
                    string turned = lr.Orientation == 1 ? "" : $", turned upright from EXIF orientation {lr.Orientation}";
                    Console.WriteLine($"{file} ({lr}{turned}) -> {target} ({sr}) in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
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
}
