using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Bench;

/// <summary>
/// Issue: "decoding + cropping + degradation for a 16 x 96 px batch takes under 5% of one SRResNet
/// training step". Measures, on T91 + BSD200 (the training data):
///  - a cold batch: every image decoded from PNG for the batch (an empty decoded-image cache),
///  - a warm batch: images already in the decoded-image cache (the steady state of training),
///  - one SRResNet training step (16 x 3 x 24 x 24 -> 96, MSE, Adam), the paper's network;
///  - the time the training loop waits for batches when they come from the prefetching stream.
/// </summary>
static class DataPipelineBench
{
    public static void Run(string[] args)
    {
        int steps = args.Length > 1 && args[0] == "--steps" ? int.Parse(args[1]) : 6;
        var device = TorchRuntime.SelectDevice("auto", Console.WriteLine);
        var manifest = DatasetManifest.Load();
        string root = DataRoot.Resolve();
        var files = new[] { "T91", "BSD200" }.SelectMany(s => ImageFolder.List(DatasetVerifier.RequireFolder(manifest, s, root))).ToList();
        Console.WriteLine($"machine: {Timing.Machine()}; data: T91 + BSD200 ({files.Count} images) from {DataRoot.Shown(root)}");

        int decodeIndex = 0;
        var decode = Timing.Measure(() => ImageFile.Read(files[decodeIndex++ * 7 % files.Count]), runs: 40);
        Console.WriteLine($"decode one training PNG (T91 and BSD200 alike): median {Timing.Median(decode) * 1e3:F2} ms");
        // Building a dataset reads every file's header once per run; it is not per-batch work.
        var build = Timing.Measure(() => new TrainingCrops(files, new CropOptions { Seed = 11 }), runs: 3);
        Console.WriteLine($"dataset construction (headers of {files.Count} files, once per run): median {Timing.Median(build) * 1e3:F1} ms");
        var fresh = Enumerable.Range(0, 9).Select(i => new TrainingCrops(files, new CropOptions { Seed = 100 + i })).ToArray();
        int coldIndex = 0;
        var cold = Timing.Measure(() => fresh[coldIndex++].GetBatch(0), runs: 8);
        var warmCrops = new TrainingCrops(files, new CropOptions { Seed = 12 });
        for (int i = 0; i < 64; i++) warmCrops.GetBatch(i); // fill most of the cache
        long warmIndex = 1000;
        var warm = Timing.Measure(() => warmCrops.GetBatch(warmIndex++), runs: 30);

        var model = new SRResNet().to(device);
        model.train();
        var optimizer = optim.Adam(model.parameters(), lr: 1e-4, beta1: 0.9, beta2: 0.999);
        var batch = warmCrops.GetBatch(0);
        void Step()
        {
            using var scope = NewDisposeScope();
            var (lr, hr) = ImageTensor.ToTensors(batch, device);
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(lr), hr.mul(2).sub(1));
            loss.backward();
            optimizer.step();
        }
        var step = Timing.Measure(Step, runs: steps, warmup: 1);

        // The training loop as it will run: batches from the prefetching stream, time spent waiting for them.
        var streamCrops = new TrainingCrops(files, new CropOptions { Seed = 13 });
        double waited = 0, firstWait = 0;
        int consumed = 0;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        foreach (var b in streamCrops.Stream())
        {
            if (consumed == 0) firstWait = sw.Elapsed.TotalSeconds; // nothing could be prefetched yet
            else waited += sw.Elapsed.TotalSeconds;
            batch = b;
            Step();
            if (++consumed == steps) break;
            sw.Restart();
        }

        double stepS = Timing.Median(step);
        Console.WriteLine($"cold batch (decode + crop + bicubic degradation): median {Timing.Median(cold) * 1e3:F1} ms = {Timing.Median(cold) / stepS:P2} of a step");
        Console.WriteLine($"warm batch (crop + bicubic degradation, cached):  median {Timing.Median(warm) * 1e3:F2} ms = {Timing.Median(warm) / stepS:P3} of a step");
        Console.WriteLine($"SRResNet training step (16 x 96 px, MSE, Adam):   median {stepS:F3} s ({16 / stepS:F1} samples/s)");
        Console.WriteLine($"training loop waiting for batches: first {firstWait * 1e3:F1} ms, then {waited / (consumed - 1) * 1e3:F3} ms per step on average over {consumed - 1} steps ({waited / (consumed - 1) / stepS:P3} of a step)");
        Console.WriteLine($"ratio (cold batch / step): {Timing.Median(cold) / stepS:F4}  (target < 0.05)");
    }
}
