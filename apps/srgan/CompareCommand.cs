using System.CommandLine;
using System.Globalization;
using System.Text;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan compare --image HR --crop x,y,w,h --model A,B -o fig.png</c>: the paper's side-by-side figure.</summary>
static class CompareCommand
{
    public static Command Create()
    {
        var image = new Option<string>("--image") { Description = "An HR test image (its LR input is made here by --degradation).", Required = true };
        var crop = new Option<string>("--crop") { Description = "The region shown: x,y,width,height in HR pixels.", Required = true }
            .CheckedBy(text => CropRegion.Parse(text));
        var method = new Option<string>("--method") { Description = "Comma-separated interpolation methods shown first.", DefaultValueFactory = _ => "bicubic" }
            .CheckedBy(EvalCommand.CheckMethods);
        var zoom = new Option<int>("--zoom") { Description = "Enlargement of each panel (pixel replication).", DefaultValueFactory = _ => 2 };
        var degradation = new Option<string>("--degradation") { Description = "bicubic, or gaussian[:sigma=S].", DefaultValueFactory = _ => "bicubic" }
            .CheckedBy(text => Degradation.Parse(text));
        var output = new Option<string>("--out", "-o") { Description = "The PNG to write; a Markdown caption is written beside it (.md).", Required = true };
        var choice = new ModelChoice();
        var command = new Command("compare", "One region of a test image as each method restores it, then the HR original (PNG + Markdown caption).")
        {
            image, crop, method, zoom, degradation, output,
        };
        foreach (var o in choice.All) command.Options.Add(o);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(image)!;
            if (!File.Exists(path)) throw new FileNotFoundException($"--image {path}: no such file.");
            var degrade = Degradation.Parse(parse.GetValue(degradation)!);
            var methods = CliErrors.List(parse.GetValue(method)!).Select(m => (ISuperResolver)InterpolationUpscaler.Parse(m, degrade.Scale)).ToList();
            if (choice.Given(parse)) methods.AddRange(choice.CreateAll(parse));
            var region = CropRegion.Parse(parse.GetValue(crop)!);
            var (strip, panels) = ComparisonFigure.Make(ImageFile.Read(path), degrade, methods, region, parse.GetValue(zoom));

            string target = parse.GetValue(output)!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
            ImageFile.WritePng(target, strip);
            string caption = Caption(path, region, panels, degrade, choice.Description);
            File.WriteAllText(Path.ChangeExtension(target, ".md"), caption);
            Console.WriteLine(caption);
            Console.WriteLine($"Wrote {target} and {Path.ChangeExtension(target, ".md")}");
            return 0;
        });
        return command;
    }

    static string Caption(string image, CropRegion crop, IReadOnlyList<ComparisonPanel> panels, Degradation degradation, string? models)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(inv, $"`{Path.GetFileName(image)}`, region {crop.Width}x{crop.Height} at ({crop.X},{crop.Y}); LR made by {degradation.Name}; left to right:");
        md.AppendLine();
        md.AppendLine("| Panel | PSNR (dB, whole image) | SSIM |");
        md.AppendLine("|---|---:|---:|");
        foreach (var p in panels) md.AppendLine(inv, $"| {p.Method} | {p.Psnr:F2} | {p.Ssim:F4} |");
        md.AppendLine("| HR (original) | – | – |");
        md.AppendLine();
        md.AppendLine(inv, $"PSNR and SSIM on the Y channel with a {degradation.Scale}-pixel border removed (the paper's protocol).");
        if (models != null) md.AppendLine().AppendLine(inv, $"Models: {models}.");
        md.AppendLine().AppendLine(inv, $"Made by `{CommandLine.Shown()}`.");
        return md.ToString();
    }
}
