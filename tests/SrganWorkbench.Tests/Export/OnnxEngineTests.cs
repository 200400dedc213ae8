using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;
using SrganWorkbench.Metrics;
using SrganWorkbench.Models;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Export;

/// <summary><c>--engine onnxruntime</c>: ONNX Runtime behind the same tiling, blending and rounding as TorchSharp
/// (<see cref="IUpscaleNetwork"/>), in the library and through the command line.</summary>
public class OnnxEngineTests(ITestOutputHelper output)
{
    static string PeerWeights => Path.Combine(SharedData.Root, "..", "weights", "leftthomas-srgan-x4", "netG_epoch_4_100.safetensors");
    static string BabyLr => SharedData.Path_("extra", "matlab_bicubic_x4", "Set5", "baby.png");

    /// <summary>Tiled in memory and tiled in bands (a photo read as rows), ONNX Runtime's image is TorchSharp's to one
    /// level, in a handful of samples (floats on a rounding tie), and both are seamless.</summary>
    [Fact]
    public void Onnx_runtime_engine_tiles_like_torch()
    {
        var model = PeerModels.LoadLeftThomas(PeerWeights);
        var tiles = new TileOptions(48, 16);
        var lr = ImageFile.Read(BabyLr);
        var torch = new ModelUpscaler(model, "torch", tiles: tiles).Upscale(lr);
        var onnx = new ModelUpscaler(model, "onnx", tiles: tiles, engine: InferenceEngine.OnnxRuntime).Upscale(lr);
        var whole = new ModelUpscaler(model, "whole", engine: InferenceEngine.OnnxRuntime).Upscale(lr);
        Assert.Equal((512, 512), (onnx.Width, onnx.Height));
        int differ = torch.Pixels.Zip(onnx.Pixels).Count(p => p.First != p.Second);
        int levels = torch.Pixels.Zip(onnx.Pixels, (a, b) => Math.Abs(a - b)).Max();
        double seams = Psnr.Compute(onnx, whole, new MetricOptions { Channel = MetricChannel.Rgb, CropBorder = 0 });
        output.WriteLine($"tiled 48/16, ONNX Runtime vs torch: {differ} of {torch.Pixels.Length} samples differ, by at most {levels}; ONNX tiled vs whole {seams:F1} dB");
        Assert.True(levels <= 1);
        Assert.True(differ < torch.Pixels.Length / 1000, $"{differ} samples differ");
        Assert.True(seams > 50, $"tiled vs whole {seams:F1} dB");

        // The banded path (`srgan upscale --tile`): the same samples as the in-memory tiled upscale of the same engine.
        var upscaler = new ModelUpscaler(model, "onnx", tiles: tiles, engine: InferenceEngine.OnnxRuntime);
        using var rows = ImageFile.OpenRows(BabyLr);
        var banded = new List<ushort>();
        upscaler.Upscale(rows, samples => banded.AddRange(samples.ToArray()));
        Assert.Equal(onnx.Pixels.Select(v => (ushort)v), banded);
    }

    /// <summary>ONNX Runtime's session is kept between upscales (building one costs seconds), and yet an upscaler kept
    /// while its model changes runs the new weights, as the torch engine's does.</summary>
    [Fact]
    public void The_onnx_session_is_kept_between_upscales_until_the_weights_change()
    {
        var model = PeerModels.LoadLeftThomas(PeerWeights);
        var lr = ImageFile.Read(BabyLr).Crop(0, 0, 40, 32);
        var upscaler = new ModelUpscaler(model, "onnx", engine: InferenceEngine.OnnxRuntime);
        var before = upscaler.Upscale(lr);
        Assert.Equal(before.Pixels, upscaler.Upscale(lr).Pixels);
        Assert.Equal(1, upscaler.OnnxSessionsBuilt);

        using (TorchSharp.torch.no_grad())
            foreach (var p in model.parameters()) p.mul_(0.5f);
        var after = upscaler.Upscale(lr);
        Assert.Equal(2, upscaler.OnnxSessionsBuilt);
        Assert.NotEqual(before.Pixels, after.Pixels);
        Assert.True(new ModelUpscaler(model, "torch").Upscale(lr).Pixels.Zip(after.Pixels, (a, b) => Math.Abs(a - b)).Max() <= 1);
    }

    /// <summary>The command line: upscale and eval with --engine onnxruntime give torch's images and scores.</summary>
    [Fact]
    public void Upscale_and_eval_take_engine_onnxruntime()
    {
        using var temp = new SharedData.TempFolder();
        foreach (string engine in new[] { "torch", "onnxruntime" })
        {
            var (code, _, stderr) = TestProcess.Srgan("upscale", BabyLr, "-o", temp.File(engine), "--peer", "leftthomas", "--tile", "48", "--engine", engine);
            Assert.True(code == 0, stderr);
        }
        var a = ImageFile.Read(Path.Combine(temp.File("torch"), "baby.png"));
        var b = ImageFile.Read(Path.Combine(temp.File("onnxruntime"), "baby.png"));
        Assert.True(a.Pixels.Zip(b.Pixels, (x, y) => Math.Abs(x - y)).Max() <= 1);

        var lines = new Dictionary<string, string>();
        foreach (string engine in new[] { "torch", "onnxruntime" })
        {
            var (evalCode, stdout, evalErr) = TestProcess.Srgan("eval", "--peer", "leftthomas", "--engine", engine, "--sets", "Set5",
                "--no-niqe", "--no-lpips", "--no-periodic", "--out", temp.File("eval-" + engine));
            Assert.True(evalCode == 0, evalErr);
            lines[engine] = stdout.Split('\n').Single(l => l.StartsWith("Set5 / leftthomas-srgan: 5 images, PSNR ", StringComparison.Ordinal)).Trim();
            output.WriteLine($"{engine}: {lines[engine]}");
        }
        Assert.Equal(lines["torch"], lines["onnxruntime"]); // PSNR to 3 decimals and SSIM to 4, as eval prints them
        Assert.Contains("run by ONNX Runtime", File.ReadAllText(Path.Combine(temp.File("eval-onnxruntime"), "summary.md")));

        var (bad, _, badErr) = TestProcess.Srgan("upscale", BabyLr, "-o", temp.File("x"), "--peer", "leftthomas", "--engine", "tensorrt");
        Assert.Equal(2, bad);
        Assert.Equal("error: --engine 'tensorrt': expected one of torch, onnxruntime.", badErr.Trim().Split('\n').Last());
    }
}
