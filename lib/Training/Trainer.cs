using System.Diagnostics;
using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Training;

public enum TrainingStatus { Completed, Cancelled, Diverged }

/// <summary>How a run ended, where its last good checkpoint is, and what it saw.</summary>
public sealed record TrainingResult(TrainingStatus Status, long Step, string CheckpointPath, string Message, TimeSpan Elapsed, long Samples);

/// <summary>A progress event: step, the latest logged values (losses, D outputs), speed and time left.</summary>
public sealed record TrainingProgress(long Step, long TotalSteps, IReadOnlyDictionary<string, double> Values,
    double SamplesPerSecond, TimeSpan Elapsed, TimeSpan Remaining);

/// <summary>
/// Trains SRResNet (pixel loss) or SRGAN (content + adversarial loss, alternating one D and one G
/// update per step, both with Adam) as Ledig et al. do: LR in [0,1], HR in [-1,1]. A run lives in
/// a folder: config.json, checkpoint.safetensors (atomic, every CheckpointEvery steps, at the end
/// and when cancelled), log.jsonl. Batch i of the data stream is a function of (seed, i) and the
/// checkpoint holds everything else that changes (weights, BN statistics, Adam state, RNG), so a
/// resumed run continues exactly where it stopped.
/// </summary>
public sealed class Trainer(TrainingConfig config, string runDirectory, string? dataRoot = null, Action<string>? log = null)
{
    readonly Action<string> _log = log ?? Console.Error.WriteLine;
    public TrainingConfig Config { get; } = config;
    public string RunDirectory { get; } = Path.GetFullPath(runDirectory);
    public string CheckpointPath => Path.Combine(RunDirectory, Checkpoint.FileName);

    public event Action<TrainingProgress>? Progress;
    // The pixel content criterion (mse/l1), parsed once; unused for a VGG content loss.
    readonly Criterion _pixelCriterion = config.UsesVgg ? Criterion.Mse : PixelLoss.Parse(config.Content);
    /// <summary>Raised after each periodic Set5 evaluation: (step, PSNR in dB).</summary>
    public event Action<long, double>? Evaluated;

    public TrainingResult Run(bool resume = false, CancellationToken cancel = default)
    {
        Config.Validate();
        Directory.CreateDirectory(RunDirectory);
        bool hasCheckpoint = File.Exists(CheckpointPath);
        if (hasCheckpoint && !resume)
            throw new InvalidOperationException($"{RunDirectory} already holds a run ({Checkpoint.FileName}); pass --resume to continue it, or choose another output folder.");
        if (resume && !hasCheckpoint)
            throw new FileNotFoundException($"{CheckpointPath}: nothing to resume (no checkpoint in {RunDirectory}).", CheckpointPath);

        var device = TorchRuntime.SelectDevice(Config.Device, _log);
        var generator = new SRResNet(Config.Generator);
        ModelInit.Reset(generator, Config.Seed);
        generator.to(device);
        Discriminator? discriminator = null;
        if (Config.Kind == ModelKind.Srgan)
        {
            discriminator = new Discriminator(Config.Discriminator);
            ModelInit.Reset(discriminator, Config.Seed + 1);
            discriminator.to(device);
        }
        // The run's own random stream (used by the WGAN-GP penalty); its state is checkpointed.
        using var random = new Generator((ulong)(Config.Seed + 2));
        var optimG = new Adam(generator, Config.Beta1, Config.Beta2);
        var optimD = discriminator != null ? new Adam(discriminator, Config.Beta1, Config.Beta2) : null;

        long start = 0;
        if (resume) start = Restore(generator, optimG, discriminator, optimD, random);
        else if (Config.InitFrom != null) InitialiseGenerator(generator);
        AtomicFile.WriteAllText(Path.Combine(RunDirectory, "config.json"), Config.ToJson() + "\n");
        _log($"{Config.Kind} run in {RunDirectory}: profile {Config.Profile}, steps {start}..{Config.Steps}, generator {generator.ParameterCount():N0} parameters" +
             (discriminator != null ? $", discriminator {discriminator.ParameterCount():N0}" : ""));

        var crops = TrainingCrops.FromSets(Config.TrainSets, dataRoot, Config.Data with { Seed = Config.Seed });
        if (crops.Skipped.Count > 0) _log($"skipped {crops.Skipped.Count} image(s) smaller than {Config.Data.HrSize}px: {string.Join(", ", crops.Skipped.Select(Path.GetFileName))}");
        var content = Config.Kind == ModelKind.Srgan && Config.UsesVgg ? new VggContentLoss(LoadVgg(device), Config.ContentCriterion) : null;
        var adversarial = new AdversarialLoss(Config.Adversarial) { Random = random };

        // A fresh run starts an empty log: a stale log.jsonl left in the folder (a run whose checkpoint was deleted)
        // would otherwise be read back as an earlier session of this one.
        using var logFile = new TrainingLog(Path.Combine(RunDirectory, "log.jsonl"), resume ? start : 0);
        var clock = Stopwatch.StartNew();
        var window = new Queue<(long Step, double Seconds)>();
        long step = start;
        var values = new Dictionary<string, double>();
        generator.train();
        discriminator?.train();

        long savedStep = resume ? start : -1; // the step of the checkpoint on disk, if there is one
        void Save()
        {
            Checkpoint.Save(CheckpointPath, Config, step, generator, optimG, random, discriminator, optimD);
            savedStep = step;
        }

        if (start >= Config.Steps)
        {
            string generatorFile = Path.Combine(RunDirectory, Checkpoint.GeneratorFileName);
            if (!File.Exists(generatorFile)) Checkpoint.SaveGenerator(generatorFile, Config, step, generator);
            return new TrainingResult(TrainingStatus.Completed, step, CheckpointPath, $"already at step {start} of {Config.Steps}", clock.Elapsed, 0);
        }

        foreach (var batch in crops.Stream(start, cancel))
        {
            using (var scope = NewDisposeScope())
            {
                var (lr, hrUnit) = ImageTensor.ToTensors(batch, device);
                var hr = hrUnit.mul(2).sub(1);
                double learningRate = Config.LearningRateAt(step);
                values = Config.Kind == ModelKind.SRResNet
                    ? SRResNetStep(generator, optimG, lr, hr, learningRate)
                    : SrganStep(generator, optimG, discriminator!, optimD!, content, adversarial, lr, hr, learningRate);
                values["lr"] = learningRate;
            }
            if (values.Any(kv => !double.IsFinite(kv.Value)))
            {
                string bad = string.Join(", ", values.Where(kv => !double.IsFinite(kv.Value)).Select(kv => $"{kv.Key} = {kv.Value}"));
                string message = $"stopped at step {step + 1}: {bad}. The last good checkpoint is {CheckpointPath}" +
                                 (savedStep >= 0 ? $" (step {savedStep})" : " (none was written yet)") + "; lower the learning rate and resume.";
                _log(message);
                logFile.Write(new Dictionary<string, object> { ["step"] = step + 1, ["diverged"] = bad });
                return new TrainingResult(TrainingStatus.Diverged, step, CheckpointPath, message, clock.Elapsed, (step - start) * batch.Count);
            }
            step++;

            window.Enqueue((step, clock.Elapsed.TotalSeconds));
            while (window.Count > 20) window.Dequeue();
            var (firstStep, firstTime) = window.Peek();
            double secondsPerStep = window.Count > 1 ? (clock.Elapsed.TotalSeconds - firstTime) / (step - firstStep) : clock.Elapsed.TotalSeconds / (step - start);
            values["samples_per_s"] = batch.Count / secondsPerStep;

            if (step % Config.LogEvery == 0 || step == Config.Steps)
            {
                var entry = new Dictionary<string, object> { ["step"] = step, ["time_s"] = Math.Round(clock.Elapsed.TotalSeconds, 3) };
                foreach (var (k, v) in values) entry[k] = v;
                logFile.Write(entry);
            }
            Progress?.Invoke(new TrainingProgress(step, Config.Steps, new Dictionary<string, double>(values), values["samples_per_s"],
                clock.Elapsed, TimeSpan.FromSeconds(secondsPerStep * (Config.Steps - step))));

            if (Config.EvalEvery > 0 && (step % Config.EvalEvery == 0 || step == Config.Steps))
            {
                double psnr = Set5Psnr(generator, device);
                logFile.Write(new Dictionary<string, object> { ["step"] = step, ["set5_psnr"] = psnr });
                Evaluated?.Invoke(step, psnr);
                _log($"step {step}: Set5 PSNR {psnr:F3} dB");
            }
            if (step % Config.CheckpointEvery == 0 || step == Config.Steps) Save();
            if (step >= Config.Steps) break;
            if (cancel.IsCancellationRequested) break;
        }

        if (step < Config.Steps)
        {
            Save();
            string message = $"cancelled at step {step} of {Config.Steps}; checkpoint saved to {CheckpointPath}. Continue with --resume.";
            _log(message);
            return new TrainingResult(TrainingStatus.Cancelled, step, CheckpointPath, message, clock.Elapsed, (step - start) * Config.Data.BatchSize);
        }
        Checkpoint.SaveGenerator(Path.Combine(RunDirectory, Checkpoint.GeneratorFileName), Config, step, generator);
        return new TrainingResult(TrainingStatus.Completed, step, CheckpointPath, $"finished {step} steps in {clock.Elapsed:hh\\:mm\\:ss}", clock.Elapsed,
            (step - start) * Config.Data.BatchSize);
    }

    /// <summary>One SRResNet update: pixel loss between G(LR) and HR in [-1,1].</summary>
    Dictionary<string, double> SRResNetStep(SRResNet g, Adam optim, Tensor lr, Tensor hr, double learningRate)
    {
        var sr = g.forward(lr);
        var loss = PixelLoss.Compute(sr, hr, _pixelCriterion);
        optim.ZeroGrad();
        loss.backward();
        optim.Step(learningRate);
        return new Dictionary<string, double> { ["loss"] = loss.item<float>() };
    }

    /// <summary>One SRGAN update: first D on HR vs detached SR, then G on content + weighted adversarial loss.</summary>
    Dictionary<string, double> SrganStep(SRResNet g, Adam optimG, Discriminator d, Adam optimD, VggContentLoss? vgg,
        AdversarialLoss adversarial, Tensor lr, Tensor hr, double learningRate)
    {
        var sr = g.forward(lr);

        var dLoss = adversarial.Discriminator(d, hr, sr.detach(), out var realLogits, out var fakeLogits);
        optimD.ZeroGrad();
        dLoss.backward();
        optimD.Step(learningRate);

        var contentLoss = vgg != null ? vgg.Compute(sr, hr) : PixelLoss.Compute(sr, hr, _pixelCriterion);
        var advLoss = adversarial.Generator(d, hr, sr, out _);
        var gLoss = contentLoss.mul(Config.ContentWeight).add(advLoss.mul(Config.AdversarialWeight));
        var values = new Dictionary<string, double>();
        if (Config.PixelWeight > 0)
        {
            var pixel = PixelLoss.Compute(sr, hr);
            gLoss = gLoss.add(pixel.mul(Config.PixelWeight));
            values["pixel"] = pixel.item<float>();
        }
        if (Config.TotalVariationWeight > 0)
        {
            var tv = TotalVariationLoss.Compute(sr);
            gLoss = gLoss.add(tv.mul(Config.TotalVariationWeight));
            values["tv"] = tv.item<float>();
        }
        optimG.ZeroGrad();
        gLoss.backward();
        optimG.Step(learningRate);

        values["g_loss"] = gLoss.item<float>();
        values["content"] = contentLoss.item<float>();
        values["adversarial"] = advLoss.item<float>();
        values["d_loss"] = dLoss.item<float>();
        values["d_hr"] = realLogits.detach().sigmoid().mean().item<float>();
        values["d_sr"] = fakeLogits.detach().sigmoid().mean().item<float>();
        return values;
    }

    long Restore(SRResNet g, Adam optimG, Discriminator? d, Adam? optimD, Generator random)
    {
        using var c = Checkpoint.Read(CheckpointPath);
        if (Checkpoint.IsGeneratorOnly(c))
            throw new InvalidDataException($"{CheckpointPath} holds the generator alone (no optimiser state or RNG); a run resumes only from a full checkpoint.");
        var differences = Differences(c.Config, Config);
        if (differences.Count > 0)
            throw new InvalidDataException($"{CheckpointPath} was made with a different config; resuming would not continue the same run. Differences: {string.Join("; ", differences)}.");
        StateDict.Load(g, c.WithPrefix("generator."), CheckpointPath + " (generator)");
        optimG.LoadState(c.Tensors, "optim.generator.", c.OptimizerSteps("generator"), CheckpointPath);
        if (d != null)
        {
            StateDict.Load(d, c.WithPrefix("discriminator."), CheckpointPath + " (discriminator)");
            optimD!.LoadState(c.Tensors, "optim.discriminator.", c.OptimizerSteps("discriminator"), CheckpointPath);
        }
        random.set_state(c.Tensors["rng.run"]);
        _log($"resumed from {CheckpointPath} at step {c.Step}");
        return c.Step;
    }

    /// <summary>Settings that must match for a resumed run to continue the same run (the length, device and reporting may change).</summary>
    static List<string> Differences(TrainingConfig saved, TrainingConfig now)
    {
        static string Canonical(TrainingConfig c) => (c with { Steps = 0, Device = "", LogEvery = 0, CheckpointEvery = 0, EvalEvery = 0, Profile = "" }).ToJson();
        if (Canonical(saved) == Canonical(now)) return [];
        var a = Canonical(saved).Split('\n').Select(l => l.Trim()).ToList();
        var b = Canonical(now).Split('\n').Select(l => l.Trim()).ToList();
        return a.Except(b).Select(l => $"checkpoint {l.TrimEnd(',')}").Concat(b.Except(a).Select(l => $"now {l.TrimEnd(',')}")).ToList();
    }

    void InitialiseGenerator(SRResNet g)
    {
        using var c = Checkpoint.Read(Config.InitFrom!);
        if (c.Config.Generator != Config.Generator)
            throw new InvalidDataException($"{c.Path}: its generator ({c.Config.Generator}) differs from this run's ({Config.Generator}).");
        StateDict.Load(g, c.WithPrefix("generator."), c.Path + " (generator)");
        _log($"generator initialised from {c.Path} (step {c.Step})");
    }

    Vgg19Features LoadVgg(Device device) =>
        Vgg19Features.Load(Config.Content, Config.VggWeights ?? Vgg19Features.DefaultWeightsPath()).to(device);

    double Set5Psnr(SRResNet g, Device device)
    {
        var evaluator = new Evaluator(new EvaluationOptions { ComputeNiqe = false, MaxParallelism = 1, Scale = Config.Generator.Scale }, dataRoot);
        var scores = evaluator.Run([new ModelUpscaler(g, "generator", device)], ["Set5"]);
        g.train();
        return scores.Average(s => s.Psnr);
    }
}
