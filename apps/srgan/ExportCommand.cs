using System.CommandLine;
using SrganWorkbench.Data;
using SrganWorkbench.Export;

namespace SrganWorkbench.Cli;

/// <summary>
/// <c>srgan export --model RUN -o model.onnx</c> (or <c>--peer tensorlayer|leftthomas</c>): the generator as an ONNX
/// file that ONNX Runtime, onnxruntime-web or any ONNX consumer runs (<see cref="GeneratorExport"/>: batch norm folded,
/// height and width dynamic, [0,1] in and out as <c>srgan upscale</c> maps them).
/// </summary>
static class ExportCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "The .onnx file to write (written to a temporary file beside it, then renamed).", Required = true };
        var choice = new ModelChoice();
        var command = new Command("export",
            $"Write a generator as ONNX (opset {GeneratorExport.Opset}, IR version {GeneratorExport.IrVersion}): input 'lr' float RGB [N,3,H,W] in [0,1], " +
            "output 'sr' [N,3,4H,4W] in [0,1] before clamping and rounding; N, H, W dynamic; batch norm folded into the convolutions (eval mode).")
        { output };
        // The model options upscale takes; those about running it (tiles, device, engine) mean nothing to a file, so they are hidden.
        foreach (var o in choice.All)
        {
            o.Hidden = o != choice.Model && o != choice.Peer && o != choice.PeerWeights;
            command.Options.Add(o);
        }
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            // Checked before loading, so a bad path costs nothing and is named as the user gave it.
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"--out {path}: folder {folder} does not exist.");
            if (Directory.Exists(path)) throw new IOException($"--out {path} is a folder; give a file name (model.onnx).");
            var upscaler = choice.Create(parse);
            string source = choice.Description!;
            try
            {
                GeneratorExport.Write(upscaler.Generator, path, new OnnxExportOptions { Name = upscaler.Name, Source = source });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) // the folder exists but is not writable
            {
                throw new IOException($"--out {path}: cannot write there ({e.Message})", e);
            }
            Console.WriteLine($"{source}\n -> {path} ({new FileInfo(path).Length / 1e6:F1} MB, ONNX opset {GeneratorExport.Opset})");
            if (upscaler.HistogramMatched)
                Console.Error.WriteLine("note: this run's outputs are histogram-matched to the bicubic upscale, which the ONNX graph does not do; apply it after the graph.");
            return 0;
        });
        return command;
    }
}
