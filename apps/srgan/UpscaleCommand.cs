using System.CommandLine;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan upscale IN... -o DIR --model CKPT</c>: super-resolve image files or folders.</summary>
static class UpscaleCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Image files or folders of images.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Folder for the SR images (PNG, same names).", Required = true };
        var choice = new ModelChoice();
        var command = new Command("upscale", "Super-resolve images 4x with a trained checkpoint or a peer model.") { inputs, output };
        foreach (var o in choice.All) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var files = parse.GetValue(inputs)!.SelectMany(path =>
                Directory.Exists(path) ? ImageFolder.List(path)
                : File.Exists(path) ? [path]
                : throw new FileNotFoundException($"{path}: no such file or folder.")).ToList();
            var upscaler = choice.Create(parse);
            string folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            foreach (var file in files)
            {
                var started = DateTime.UtcNow;
                var lr = ImageFile.Read(file);
                var sr = upscaler.Upscale(lr);
                string target = Path.Combine(folder, Path.GetFileNameWithoutExtension(file) + ".png");
                ImageFile.WritePng(target, sr);
                Console.WriteLine($"{file} ({lr.Width}x{lr.Height}) -> {target} ({sr.Width}x{sr.Height}) in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
            }
            return 0;
        });
        return command;
    }
}
