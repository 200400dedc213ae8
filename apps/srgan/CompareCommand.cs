using System.CommandLine;
using System.Globalization;
using System.Text;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Cli;

/// <summary>
/// <c>srgan compare --image HR --crop x,y,w,h --model A,B -o fig.png</c>: the paper's side-by-side figure, made to read
/// on its own: an overview of the whole image with the region boxed, each panel's method (with its recipe, or a peer's
/// training) and PSNR under it, HR last; <c>--bare</c> gives the strip alone. A Markdown caption is written beside it.
/// </summary>
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
        var columns = new Option<int>("--columns") { Description = "Panels per row of the figure, the overview included.", DefaultValueFactory = _ => 4 };
        var bare = new Option<bool>("--bare") { Description = "The panels alone, side by side: no overview, no captions in the image." };
        var degradation = new Option<string>("--degradation") { Description = "bicubic, or gaussian[:sigma=S].", DefaultValueFactory = _ => "bicubic" }
            .CheckedBy(text => Degradation.Parse(text));
        var output = new Option<string>("--out", "-o") { Description = "The PNG to write; a Markdown caption is written beside it (.md).", Required = true };
        var choice = new ModelChoice();
        var command = new Command("compare", "One region of a test image as each method restores it, then the HR original (PNG + Markdown caption).")
        {
            image, crop, method, zoom, columns, bare, degradation, output,
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
            var labels = methods.Take(methods.Count - (choice.Given(parse) ? choice.Labels.Count : 0)).Select(m => m.Name)
                .Concat(choice.Given(parse) ? choice.Labels : []).ToList();
            if (parse.GetValue(columns) < 1) throw new ArgumentException($"--columns {parse.GetValue(columns)}: expected 1 or more.");
            var (strip, panels) = parse.GetValue(bare)
                ? ComparisonFigure.Make(ImageFile.Read(path), degrade, methods, region, parse.GetValue(zoom))
                : ComparisonFigure.Labelled(ImageFile.Read(path), degrade, methods, region, parse.GetValue(zoom), labels, parse.GetValue(columns));

            string target = parse.GetValue(output)!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
            ImageFile.WritePng(target, strip);
            string caption = Caption(path, region, panels, labels, degrade, choice.Description, parse.GetValue(bare));
            File.WriteAllText(Path.ChangeExtension(target, ".md"), caption);
            Console.WriteLine(caption);
            Console.WriteLine($"Wrote {target} and {Path.ChangeExtension(target, ".md")}");
            return 0;
        });
        return command;
    }

    static string Caption(string image, CropRegion crop, IReadOnlyList<ComparisonPanel> panels, IReadOnlyList<string> labels, Degradation degradation,
        string? models, bool bare)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.Append(inv, $"`{Path.GetFileName(image)}`, region {crop.Width}x{crop.Height} at ({crop.X},{crop.Y}); LR made by {degradation.Name}; ");
        md.AppendLine(bare ? "left to right:" : "an overview of the whole image with the region boxed in red, then, row by row:");
        md.AppendLine();
        md.AppendLine("| Panel | PSNR (dB, whole image) | SSIM |");
        md.AppendLine("|---|---:|---:|");
        foreach (var (p, label) in panels.Zip(labels)) md.AppendLine(inv, $"| {label} | {p.Psnr:F2} | {p.Ssim:F4} |");
        md.AppendLine("| HR (original) | – | – |");
        md.AppendLine();
        md.AppendLine(inv, $"PSNR and SSIM on the Y channel with a {degradation.Scale}-pixel border removed (the paper's protocol).");
        if (models != null) md.AppendLine().AppendLine(inv, $"Models: {models}.");
        md.AppendLine().AppendLine(inv, $"Made by `{CommandLine.Shown()}`.");
        return md.ToString();
    }
}
