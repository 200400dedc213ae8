using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Export;
using SrganWorkbench.Imaging;
using SrganWorkbench.Models;
using SrganWorkbench.Training;

namespace SrganWorkbench.Cli;

/// <summary>
/// <c>srgan web build -o web/dist</c> and <c>srgan web serve web/dist</c>: the in-browser comparison page (web/). The build
/// puts together what the page needs and git does not hold: the three generators exported to ONNX from the committed
/// weights (<see cref="GeneratorExport"/>), Set5/Set14 as LR, MATLAB-bicubic and HR PNGs made by this library (the
/// bicubic is the workspace's bit-exact imresize, not the browser's), the scores the workspace measured for each image
/// (results/), and onnxruntime-web's files from web/node_modules (npm, by web/build.sh). Serve it with any static
/// server; <c>serve</c> is one that adds the cross-origin isolation headers ONNX Runtime Web needs for threads.
/// </summary>
static class WebCommand
{
    /// <summary>A model the page shows: id (file and key), label (honest about how it was trained), where it comes from,
    /// and where the workspace's per-image scores of it are (and under which method name).</summary>
    sealed record PageModel(string Id, string Kind, string Label, string? Run, string? Peer, string ScoresCsv, string ScoresMethod);

    static readonly PageModel[] Models =
    [
        new("srresnet-cpu-continued", "SRResNet", "srresnet-cpu-continued (ours, CPU budget: MSE, 2 cores)", "results/srresnet-cpu-continued", null,
            "results/srresnet-cpu-continued/eval/per-image.csv", "srresnet-cpu"),
        new("srgan-vgg22-cpu", "SRGAN", "srgan-vgg22-cpu (cpu recipe; ours, CPU budget: 800 steps on 2 cores)", "results/srgan-vgg22-cpu", null,
            "results/table-cpu/per-image.csv", "srgan-vgg22-cpu"),
        new("tensorlayer-srgan", "SRGAN", "SRGAN, GPU-trained (TensorLayer: DIV2K, ~10^5 updates)", null, "tensorlayer",
            "results/table-cpu/per-image.csv", "tensorlayer-srgan"),
    ];

    /// <summary>onnxruntime-web's files the page loads: the WebAssembly build's script, and the module and binary it fetches.</summary>
    static readonly string[] OrtFiles = ["ort.wasm.min.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"];

    public static Command Create()
    {
        var web = new Command("web", "The in-browser comparison page (web/): build it from the committed weights and the test sets, and serve it.");
        var output = new Option<string>("--out", "-o") { Description = "The folder to build the page into (web/dist; git-ignored).", DefaultValueFactory = _ => Path.Combine(RepoPaths.Root, "web", "dist") };
        var npm = new Option<string>("--node-modules") { Description = "Where `npm ci` put onnxruntime-web (web/node_modules).", DefaultValueFactory = _ => Path.Combine(RepoPaths.Root, "web", "node_modules") };
        var sets = new Option<string>("--sets") { Description = "The test sets the page offers (Set5, Set14).", DefaultValueFactory = _ => "Set5,Set14" }
            .CheckedBy(text => { foreach (string set in CliErrors.List(text)) if (set is not ("Set5" or "Set14")) throw new ArgumentException($"'{set}': the page offers Set5 and Set14 (the sets results/ scores per image)."); });
        var build = new Command("build", "Export the models, write the test images and scores, copy the page and onnxruntime-web into one folder.") { output, npm, sets };
        build.SetAction(parse => Build(parse.GetValue(output)!, parse.GetValue(npm)!, CliErrors.List(parse.GetValue(sets)!)));
        var folder = new Argument<string>("folder") { Description = "The built page (web/dist).", DefaultValueFactory = _ => Path.Combine(RepoPaths.Root, "web", "dist") };
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1.", DefaultValueFactory = _ => 8080 };
        var serve = new Command("serve", "Serve a built page on http://127.0.0.1:PORT/ until Ctrl-C.") { folder, port };
        serve.SetAction(parse =>
        {
            using var app = Server(parse.GetValue(folder)!, parse.GetValue(port));
            app.Start();
            Console.WriteLine($"serving {parse.GetValue(folder)} on {app.Urls.First()} (Ctrl-C to stop)");
            app.WaitForShutdown();
            return 0;
        });
        web.Subcommands.Add(build);
        web.Subcommands.Add(serve);
        return web;
    }

    static int Build(string dist, string nodeModules, string[] sets)
    {
        string ort = Path.Combine(nodeModules, "onnxruntime-web", "dist");
        foreach (string f in OrtFiles)
            if (!File.Exists(Path.Combine(ort, f)))
                throw new FileNotFoundException($"{Path.Combine(ort, f)}: onnxruntime-web is not installed; run `npm ci` in web/ (bash web/build.sh does).");
        Directory.CreateDirectory(Path.Combine(dist, "ort"));
        foreach (string f in OrtFiles) File.Copy(Path.Combine(ort, f), Path.Combine(dist, "ort", f), overwrite: true);
        foreach (string f in new[] { "index.html", "app.js", "bicubic.js", "style.css" })
            File.Copy(Path.Combine(RepoPaths.Root, "web", f), Path.Combine(dist, f), overwrite: true);

        // The generators, from the committed weights: nothing large in git, and a file always matches its weights.
        Directory.CreateDirectory(Path.Combine(dist, "models"));
        var models = new List<object>();
        foreach (var m in Models)
        {
            SRResNet generator; string source;
            if (m.Run != null)
            {
                generator = Checkpoint.LoadGenerator(Path.Combine(RepoPaths.Root, m.Run));
                source = m.Run;
            }
            else
            {
                string weights = PeerModels.TensorLayerDefaultWeightsPath();
                generator = PeerModels.LoadTensorLayer(weights);
                source = DataRoot.Shown(weights);
            }
            string file = Path.Combine(dist, "models", m.Id + ".onnx");
            GeneratorExport.Write(generator, file, new OnnxExportOptions { Name = m.Id, Source = source });
            generator.Dispose();
            models.Add(new { id = m.Id, kind = m.Kind, label = m.Label, file = $"models/{m.Id}.onnx", source, bytes = new FileInfo(file).Length });
            Console.WriteLine($"{source} -> {file} ({new FileInfo(file).Length / 1e6:F1} MB)");
        }

        // The test images as eval scores them: HR modcropped, LR by MATLAB's bicubic, bicubic = MATLAB's imresize of the LR.
        var scores = Scores();
        var images = new List<object>();
        var degradation = new BicubicDegradation(4);
        foreach (string set in sets)
        {
            string folder = Path.Combine(dist, "images", set);
            Directory.CreateDirectory(folder);
            foreach (string path in Directory.GetFiles(Path.Combine(DataRoot.Resolve(), DatasetManifest.Load()[set].Folder)).Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileName(path), stem = Path.GetFileNameWithoutExtension(path);
                var hr = ImageFile.Read(path).ModCrop(4);
                var lr = degradation.Apply(hr);
                ImageFile.WritePng(Path.Combine(folder, stem + ".lr.png"), lr);
                ImageFile.WritePng(Path.Combine(folder, stem + ".bicubic.png"), MatlabResize.Resize(lr, 4));
                ImageFile.WritePng(Path.Combine(folder, stem + ".hr.png"), hr);
                images.Add(new
                {
                    set, name, width = hr.Width, height = hr.Height,
                    lr = $"images/{set}/{stem}.lr.png", bicubic = $"images/{set}/{stem}.bicubic.png", hr = $"images/{set}/{stem}.hr.png",
                    scores = scores.Where(s => s.Key.Set == set && s.Key.Image == name).ToDictionary(s => s.Key.Method, s => s.Value),
                });
            }
            Console.WriteLine($"{set}: {images.Count} images so far -> {folder}");
        }
        var manifest = new
        {
            scale = 4,
            opset = GeneratorExport.Opset,
            protocol = "PSNR: Y channel (MATLAB rgb2ycbcr), 4-pixel border removed; LPIPS v0.1 AlexNet on RGB, same border; LR made from the modcropped HR by MATLAB's bicubic imresize (the workspace's srgan eval).",
            scoresFrom = Models.Select(m => m.ScoresCsv).Append("results/table-cpu/per-image.csv").Distinct().ToArray(),
            models,
            images,
        };
        AtomicFile.WriteAllText(Path.Combine(dist, "manifest.json"), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"built {dist}: {Models.Length} models, {images.Count} test images; serve it with `srgan web serve {dist}`");
        return 0;
    }

    /// <summary>PSNR and LPIPS per (set, image, page model id or "bicubic") from the committed per-image CSVs.</summary>
    static Dictionary<(string Set, string Image, string Method), Dictionary<string, double?>> Scores()
    {
        var result = new Dictionary<(string, string, string), Dictionary<string, double?>>();
        var sources = Models.Select(m => (m.ScoresCsv, m.ScoresMethod, m.Id)).Append(("results/table-cpu/per-image.csv", "bicubic", "bicubic"));
        foreach (var (csv, method, id) in sources)
        {
            var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, csv));
            var header = lines[0].Split(',').ToList();
            int set = header.IndexOf("set"), m = header.IndexOf("method"), image = header.IndexOf("image"), psnr = header.IndexOf("psnr"), lpips = header.IndexOf("lpips");
            foreach (var row in lines.Skip(1).Select(l => l.Split(',')).Where(r => r[m] == method && r[set] is "Set5" or "Set14"))
                result[(row[set], row[image], id)] = new() { ["psnr"] = Number(row[psnr]), ["lpips"] = lpips < 0 ? null : Number(row[lpips]) };
        }
        return result;
    }

    static double? Number(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;

    /// <summary>A static server for the built page on 127.0.0.1: the right types for .mjs, .wasm and .onnx, no caching, and
    /// the COOP/COEP headers that make the page cross-origin isolated, so ONNX Runtime Web may use threads
    /// (SharedArrayBuffer).</summary>
    public static WebApplication Server(string folder, int port)
    {
        if (!File.Exists(Path.Combine(folder, "manifest.json")))
            throw new FileNotFoundException($"{folder}: not a built page (no manifest.json); run `srgan web build` (or bash web/build.sh) first.");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            context.Response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
            context.Response.Headers["Cross-Origin-Embedder-Policy"] = "require-corp";
            context.Response.Headers.CacheControl = "no-store";
            await next();
        });
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".mjs"] = "text/javascript";
        types.Mappings[".wasm"] = "application/wasm";
        types.Mappings[".onnx"] = "application/octet-stream";
        var files = new PhysicalFileProvider(Path.GetFullPath(folder));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = types });
        return app;
    }
}
