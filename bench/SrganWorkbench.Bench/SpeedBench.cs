using System.Diagnostics;
using System.Text.Json;
using SrganWorkbench.Data;
using SrganWorkbench.Inference;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Speed;
using SrganWorkbench.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Bench;

/// <summary>
/// Issue 6's benchmark: this workspace against PyTorch (Debian's python3-torch, bench/pytorch_reference.py)
/// in the same run with the same thread count: SRResNet training step (16 x 96 px, MSE, Adam), SRGAN step
/// (G + D + VGG22), inference throughput on a 512x512 input (to 2048x2048) and its peak resident memory,
/// and the training step's achieved GFLOP/s against this machine's sgemm peak (libtorch's, measured here).
/// Ratios above 1 mean this workspace is faster.
/// </summary>
static class SpeedBench
{
    /// <summary>Forward FLOPs of the paper's SRResNet for one 24x24 LR crop (2 x MACs of every convolution); a training step is about 3x.</summary>
    public static double SRResNetForwardFlops(int lrSize = 24)
    {
        double px = lrSize * lrSize;
        double conv(int cin, int cout, int k, double pixels) => 2.0 * cin * cout * k * k * pixels;
        return conv(3, 64, 9, px) + 33 * conv(64, 64, 3, px) + conv(64, 256, 3, px) + conv(64, 256, 3, 4 * px) + conv(64, 3, 9, 16 * px);
    }

    public static void Run(string[] args)
    {
        int steps = args.SkipWhile(a => a != "--steps").Skip(1).Select(int.Parse).FirstOrDefault(5);
        int threads = args.SkipWhile(a => a != "--threads").Skip(1).Select(int.Parse).FirstOrDefault(Environment.ProcessorCount);
        if (args.Contains("--nchw")) ChannelsLast.Requested = false; // the layout before channels-last, for comparison
        // Inference alone (ours, ONNX Runtime, PyTorch): minutes instead of the training steps' quarter hour, for a loaded machine.
        bool inferenceOnly = args.Contains("--inference-only");
        _loadBefore = LoadNow();
        torch.set_num_threads(threads);
        var device = TorchRuntime.SelectDevice("auto", Console.WriteLine);
        Console.WriteLine($"machine: {Timing.Machine()}; threads {threads}; steps {steps}; layout {(ChannelsLast.Enabled ? "channels-last" : "NCHW")}");
        Console.WriteLine(CachingAllocator.Describe());
        Console.WriteLine($"cpu: {CpuInfo.Model}; libtorch CPU capability {CpuInfo.TorchCapability}");

        // Inference: the product's path (InferenceGenerator, as `srgan upscale` and `srgan eval` run it), then the
        // plain module forward in eval mode; the peak resident memory of each is measured from a reset (clear_refs).
        var g = new SRResNet().to(device);
        var ours = new Dictionary<string, double>();
        using (var lr = rand(1, 3, 512, 512, device: device))
        {
            g.eval();
            ResetPeakRss();
            double seconds = Timing.Median(Timing.Measure(() =>
            {
                using var scope = NewDisposeScope();
                using var fast = InferenceGenerator.From(g);
                fast.Forward(lr);
            }, runs: 2));
            ours["infer_512_s"] = seconds;
            ours["infer_mpix_per_s"] = 2048 * 2048 / 1e6 / seconds;
            ours["infer_peak_rss_mb"] = PeakRssMb();

            ResetPeakRss();
            var trainingForm = new FastGenerator(g); // what training runs (channels-last, fused output conv), here in eval mode
            seconds = Timing.Median(Timing.Measure(() =>
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                trainingForm.Forward(lr);
            }, runs: 2));
            ours["plain_infer_mpix_per_s"] = 2048 * 2048 / 1e6 / seconds;
            ours["plain_infer_peak_rss_mb"] = PeakRssMb();

            // ONNX Runtime on the graph `srgan export` writes (issue 32), as `--engine onnxruntime` runs it: the export and
            // the session made each call (as InferenceGenerator.From is above), same threads, same input and weights.
            ResetPeakRss();
            var sessionTimes = new List<double>();
            seconds = Timing.Median(Timing.Measure(() =>
            {
                using var scope = NewDisposeScope();
                var made = Stopwatch.StartNew();
                using var session = OnnxUpscaleSession.From(g);
                sessionTimes.Add(made.Elapsed.TotalSeconds);
                session.Run(lr);
            }, runs: 2));
            ours["ort_infer_mpix_per_s"] = 2048 * 2048 / 1e6 / seconds;
            ours["ort_infer_peak_rss_mb"] = PeakRssMb();
            ours["ort_session_s"] = sessionTimes.Order().ElementAt(sessionTimes.Count / 2);
        }
        if (inferenceOnly)
        {
            var inference = PyTorch(threads, steps, inferenceOnly: true);
            EngineTable(ours, inference, threads);
            return;
        }

        // The training steps as the trainer runs them (Updates: SRResNet = G step; SRGAN = D step, then G step with D frozen).
        g.train();
        var fast = new FastGenerator(g);
        var adam = new Adam(g);
        using var lrBatch = rand(16, 3, 24, 24, device: device);
        using var hrBatch = rand(16, 3, 96, 96, device: device).mul(2).sub(1);
        var srresnet = new Updates(new TrainingConfig { Kind = ModelKind.SRResNet }, fast, adam, null, null,
            ContentTerm.Create(ContentLoss.Mse, null, device), new AdversarialLoss(GanObjective.Bce));
        ours["srresnet_step_s"] = Timing.Median(Timing.Measure(() =>
        {
            using var scope = NewDisposeScope();
            srresnet.Step(lrBatch, hrBatch, 1e-4);
        }, runs: steps));

        var d = new Discriminator().to(device);
        ChannelsLast.Apply(d);
        var srgan = new Updates(new TrainingConfig { Kind = ModelKind.Srgan, Content = ContentLoss.Vgg22 }, fast, adam, d, new Adam(d),
            ContentTerm.Create(ContentLoss.Vgg22, null, device), new AdversarialLoss(GanObjective.Bce));
        // What the cpu profile trains: the G step first, D run once on SR for both updates (StepOrder.GeneratorFirst).
        var srganGFirst = new Updates(new TrainingConfig { Kind = ModelKind.Srgan, Content = ContentLoss.Vgg22, Order = StepOrder.GeneratorFirst },
            fast, adam, d, new Adam(d), ContentTerm.Create(ContentLoss.Vgg22, null, device), new AdversarialLoss(GanObjective.Bce));
        // The same step with D's parameters left trainable in the G step (as before D was frozen there): measured
        // interleaved with the real one, so the ratio is what freezing saves, whatever else the machine does.
        var adversarial = new AdversarialLoss(GanObjective.Bce);
        var vgg = ContentTerm.Create(ContentLoss.Vgg22, null, device);
        var adamD = new Adam(d);
        void Unfrozen()
        {
            using var scope = NewDisposeScope();
            var sr = fast.Forward(lrBatch);
            var dLoss = adversarial.Discriminator(d, hrBatch, sr.detach(), out _, out _);
            adamD.ZeroGrad(); dLoss.backward(); adamD.Step(1e-4);
            var gLoss = vgg.Compute(sr, hrBatch).add(adversarial.Generator(d, hrBatch, sr, out _).mul(1e-3));
            adam.ZeroGrad(); gLoss.backward(); adam.Step(1e-4);
        }
        void Frozen()
        {
            using var scope = NewDisposeScope();
            srgan.Step(lrBatch, hrBatch, 1e-4);
        }
        void GeneratorFirst()
        {
            using var scope = NewDisposeScope();
            srganGFirst.Step(lrBatch, hrBatch, 1e-4);
        }
        // The same G-first step with the written-out Adam update (eight passes over D's 23.6 M weights and moments)
        // instead of libtorch's fused kernel (lib/Speed/FusedAdam.cs), interleaved like the pair above.
        var srganWrittenOut = new Updates(new TrainingConfig { Kind = ModelKind.Srgan, Content = ContentLoss.Vgg22, Order = StepOrder.GeneratorFirst },
            fast, new Adam(g, fused: false), d, new Adam(d, fused: false), ContentTerm.Create(ContentLoss.Vgg22, null, device), new AdversarialLoss(GanObjective.Bce));
        void WrittenOutAdam()
        {
            using var scope = NewDisposeScope();
            srganWrittenOut.Step(lrBatch, hrBatch, 1e-4);
        }
        Frozen(); Unfrozen(); GeneratorFirst(); WrittenOutAdam(); // warm-up
        var frozenTimes = new double[steps];
        var unfrozenTimes = new double[steps];
        var gFirstTimes = new double[steps];
        var writtenOutTimes = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            gFirstTimes[i] = Timing.Measure(GeneratorFirst, runs: 1, warmup: 0)[0];
            writtenOutTimes[i] = Timing.Measure(WrittenOutAdam, runs: 1, warmup: 0)[0];
            frozenTimes[i] = Timing.Measure(Frozen, runs: 1, warmup: 0)[0];
            unfrozenTimes[i] = Timing.Measure(Unfrozen, runs: 1, warmup: 0)[0];
        }
        ours["srgan_step_s"] = Timing.Median(gFirstTimes);
        ours["srgan_step_written_out_adam_s"] = Timing.Median(writtenOutTimes);
        ours["srgan_step_dfirst_s"] = Timing.Median(frozenTimes);
        ours["srgan_step_unfrozen_s"] = Timing.Median(unfrozenTimes);

        using (var a = rand(2048, 2048, device: device))
        using (var b = rand(2048, 2048, device: device))
            ours["sgemm_gflops"] = 2.0 * Math.Pow(2048, 3) / 1e9 / Timing.Median(Timing.Measure(() => { using var c = a.matmul(b); }, runs: 5));

        var reference = PyTorch(threads, steps);
        var referenceTcmalloc = CachingAllocator.Library is { } tcmalloc ? PyTorch(threads, steps, tcmalloc) : null;
        double trainFlops = 3 * 16 * SRResNetForwardFlops();
        double peak = Math.Max(ours["sgemm_gflops"], reference.GetValueOrDefault("sgemm_gflops"));
        Console.WriteLine();
        Console.WriteLine($"| measure | SRGAN Workbench (TorchSharp, libtorch {torch.__version__}) | PyTorch {PyTorchVersion} (Debian) | ours vs PyTorch (>1: ours better) |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("SRResNet training step, 16 x 96 px (s)", ours["srresnet_step_s"], reference["srresnet_step_s"], lowerIsBetter: true);
        Row("SRGAN step, G + D + VGG22 (s)", ours["srgan_step_s"], reference["srgan_step_s"], lowerIsBetter: true);
        Row("(SRGAN step, D step first: D runs three times, s)", ours["srgan_step_dfirst_s"], reference["srgan_step_s"], lowerIsBetter: true);
        Row("(SRGAN step, D first and not frozen in the G step, s)", ours["srgan_step_unfrozen_s"], reference["srgan_step_s"], lowerIsBetter: true);
        Row("inference 512x512 -> 2048x2048 (output MP/s)", ours["infer_mpix_per_s"], reference["infer_mpix_per_s"], lowerIsBetter: false);
        Row("inference peak resident memory (MB)", ours["infer_peak_rss_mb"], reference["infer_peak_rss_mb"], lowerIsBetter: true);
        Row("(training form FastGenerator.Forward, eval mode, output MP/s)", ours["plain_infer_mpix_per_s"], reference["infer_mpix_per_s"], lowerIsBetter: false);
        Row("(training form, peak resident memory, MB)", ours["plain_infer_peak_rss_mb"], reference["infer_peak_rss_mb"], lowerIsBetter: true);
        Row("sgemm 2048^3 (GFLOP/s)", ours["sgemm_gflops"], reference["sgemm_gflops"], lowerIsBetter: false);
        Console.WriteLine();
        Console.WriteLine("Against PyTorch with its channels_last memory format (a stronger peer than the default above):");
        Console.WriteLine();
        Console.WriteLine($"| measure | SRGAN Workbench | PyTorch {PyTorchVersion}, channels_last | ours vs PyTorch |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("SRResNet training step, 16 x 96 px (s)", ours["srresnet_step_s"], reference["cl_srresnet_step_s"], lowerIsBetter: true);
        Row("SRGAN step, G + D + VGG22 (s)", ours["srgan_step_s"], reference["cl_srgan_step_s"], lowerIsBetter: true);
        Row("inference 512x512 -> 2048x2048 (output MP/s)", ours["infer_mpix_per_s"], reference["cl_infer_mpix_per_s"], lowerIsBetter: false);
        Row("inference peak resident memory (MB)", ours["infer_peak_rss_mb"], reference["cl_infer_peak_rss_mb"], lowerIsBetter: true);
        if (referenceTcmalloc is not null)
        {
            Console.WriteLine();
            Console.WriteLine($"Against PyTorch with tcmalloc preloaded too (this workspace: {CachingAllocator.Describe()}):");
            Console.WriteLine();
            Console.WriteLine($"| measure | SRGAN Workbench | PyTorch {PyTorchVersion}, tcmalloc | ours vs PyTorch |");
            Console.WriteLine("|---|---:|---:|---:|");
            Row("SRResNet training step, 16 x 96 px (s)", ours["srresnet_step_s"], referenceTcmalloc["srresnet_step_s"], lowerIsBetter: true);
            Row("SRGAN step, G + D + VGG22 (s)", ours["srgan_step_s"], referenceTcmalloc["srgan_step_s"], lowerIsBetter: true);
        }
        EngineTable(ours, reference, threads);
        Console.WriteLine();
        Console.WriteLine($"Freezing D in the G step: {ours["srgan_step_unfrozen_s"]:F3} -> {ours["srgan_step_dfirst_s"]:F3} s per SRGAN step " +
                          $"({ours["srgan_step_unfrozen_s"] / ours["srgan_step_dfirst_s"]:F2}x); G step first with one D forward on SR: -> {ours["srgan_step_s"]:F3} s " +
                          $"({ours["srgan_step_dfirst_s"] / ours["srgan_step_s"]:F2}x more; the three measured alternately, {steps} each).");
        Console.WriteLine($"Adam through libtorch's fused kernel (lib/Speed/FusedAdam.cs): {ours["srgan_step_written_out_adam_s"]:F3} s per G-first SRGAN step with the " +
                          $"written-out update -> {ours["srgan_step_s"]:F3} s ({ours["srgan_step_written_out_adam_s"] / ours["srgan_step_s"]:F2}x; measured alternately, {steps} each).");
        Console.WriteLine();
        Console.WriteLine($"SRResNet training step: {trainFlops / 1e9:F1} GFLOP (3 x forward) -> {trainFlops / 1e9 / ours["srresnet_step_s"]:F1} GFLOP/s achieved, " +
                          $"{trainFlops / 1e9 / ours["srresnet_step_s"] / peak:P0} of the sgemm peak ({peak:F1} GFLOP/s); PyTorch {trainFlops / 1e9 / reference["srresnet_step_s"]:F1} GFLOP/s");
        // Last, so that the memory it used (kept by tcmalloc) is not in the peaks above; with --nchw it has run already,
        // as the layout line says (NCHW is refused where the check finds it wrong).
        Console.WriteLine();
        Console.WriteLine(NumericsCheck.Result.Summary);
    }

    static string PyTorchVersion = "";

    /// <summary>The inference engines side by side, all measured in this run: ratios against ours (TorchSharp).</summary>
    static void EngineTable(Dictionary<string, double> ours, Dictionary<string, double> pytorch, int threads)
    {
        string ort = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "?";
        Console.WriteLine();
        Console.WriteLine($"Inference engines, 512x512 -> 2048x2048, the paper's SRResNet (random weights), {threads} threads, measured in this run " +
                          $"(load average before and after: {Load()}):");
        Console.WriteLine();
        Console.WriteLine("| engine | output MP/s | peak resident memory (MB) | speed vs ours (>1: faster than ours) |");
        Console.WriteLine("|---|---:|---:|---:|");
        void EngineRow(string name, double mps, double mb) => Console.WriteLine($"| {name} | {mps:F3} | {mb:N0} | {mps / ours["infer_mpix_per_s"]:F2}x |");
        EngineRow($"SRGAN Workbench, TorchSharp (libtorch {torch.__version__}), InferenceGenerator", ours["infer_mpix_per_s"], ours["infer_peak_rss_mb"]);
        EngineRow($"ONNX Runtime {ort} (CPU), `--engine onnxruntime` (session made each call: {ours["ort_session_s"]:F2} s of it)", ours["ort_infer_mpix_per_s"], ours["ort_infer_peak_rss_mb"]);
        EngineRow($"PyTorch {PyTorchVersion} (Debian), default layout", pytorch["infer_mpix_per_s"], pytorch["infer_peak_rss_mb"]);
        if (pytorch.TryGetValue("cl_infer_mpix_per_s", out double cl)) EngineRow($"PyTorch {PyTorchVersion}, channels_last", cl, pytorch["cl_infer_peak_rss_mb"]);
    }

    /// <summary>The 1-minute load average when the run started (set first thing in <see cref="Run"/>), to say how busy the machine was.</summary>
    static string? _loadBefore;
    static string LoadNow() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
    static string Load() => $"{_loadBefore} -> {LoadNow()}";

    static void Row(string name, double ours, double theirs, bool lowerIsBetter)
    {
        double ratio = lowerIsBetter ? theirs / ours : ours / theirs;
        Console.WriteLine($"| {name} | {ours:F3} | {theirs:F3} | {ratio:F2}x |");
    }

    /// <summary>Resets this process's peak resident set (VmHWM) to its current size (Linux, "5" > /proc/self/clear_refs).</summary>
    static void ResetPeakRss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5");
    }

    static double PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        return double.NaN;
    }

    /// <summary>The PyTorch reference as a user runs it (glibc's malloc), or with <paramref name="preload"/> (tcmalloc)
    /// for the training steps only: how much of the difference the allocator makes.</summary>
    static Dictionary<string, double> PyTorch(int threads, int steps, string? preload = null, bool inferenceOnly = false)
    {
        string script = Path.Combine(DataRoot.RepositoryRoot(), "bench", "pytorch_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, "--threads", threads.ToString(), "--steps", steps.ToString(), preload is null ? "--channels-last" : "--steps-only" })
            start.ArgumentList.Add(a);
        if (inferenceOnly) start.ArgumentList.Add("--inference-only");
        if (preload is not null) start.Environment["LD_PRELOAD"] = preload;
        Console.WriteLine($"running the PyTorch reference (Debian python3-torch{(preload is null ? "" : ", tcmalloc preloaded")}) ...");
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"PyTorch reference failed (is python3-torch installed?):\n{stderr.Result}");
        var json = JsonDocument.Parse(stdout.Result.Trim().Split('\n').Last()).RootElement;
        PyTorchVersion = json.GetProperty("torch").GetString() ?? "";
        return json.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.Number).ToDictionary(e => e.Name, e => e.Value.GetDouble());
    }
}
