using System.Diagnostics;
using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Speed;
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
/// Runs training: the step itself is <see cref="Updates"/> (SRResNet: G on the content loss; SRGAN: a D step,
/// then a G step); this class does what surrounds it. A run lives in a folder: config.json,
/// checkpoint.safetensors (atomic, every CheckpointEvery steps, at the end and when cancelled), log.jsonl.
/// Batch i of the data stream is a function of (seed, i) and the checkpoint holds everything else that
/// changes (weights, BN statistics, Adam state, RNG), so a resumed run continues exactly where it stopped.
/// </summary>
public sealed class Trainer(TrainingConfig config, string runDirectory, string? dataRoot = null, Action<string>? log = null)
{
    readonly Action<string> _log = log ?? Console.Error.WriteLine;
    public TrainingConfig Config { get; } = config;
    public string RunDirectory { get; } = Path.GetFullPath(runDirectory);
    public string CheckpointPath => Path.Combine(RunDirectory, Checkpoint.FileName);
    /// <summary>Where the generator of step <paramref name="step"/> is kept when <see cref="TrainingConfig.SnapshotEvery"/> asks for it.</summary>
    public string SnapshotPath(long step) => Path.Combine(RunDirectory, "snapshots", $"generator-step{step:D6}.safetensors");

    public event Action<TrainingProgress>? Progress;
    /// <summary>Raised after each periodic Set5 evaluation: (step, PSNR in dB).</summary>
    public event Action<long, double>? Evaluated;

    /// <summary>Trains until the configured step, <paramref name="cancel"/> (checkpoint, then return Cancelled) or a
    /// non-finite loss (return Diverged, keeping the last good checkpoint).</summary>
    public TrainingResult Run(bool resume = false, CancellationToken cancel = default)
    {
        Config.Validate();
        // The training images first: a folder without usable images or a set not in the data root stops the run before
        // it makes its folder or writes anything.
        var crops = TrainingCrops.From(Config.Images, dataRoot, Config.Data with { Seed = Config.Seed });
        CheckFolder(resume);
        var device = TorchRuntime.SelectDevice(Config.Device, _log);
        NumericsCheck.Ensure(_log); // before the first backward pass: one line when this CPU computes some convolution wrong
        using var models = RunState.Create(Config, device);
        long start = resume ? Restore(models) : 0;
        if (!resume && Config.InitFrom != null) InitialiseGenerator(models.Generator);
        if (!resume) models.Average?.CopyFrom();
        AtomicFile.WriteAllText(Path.Combine(RunDirectory, "config.json"), Config.ToJson() + "\n");
        _log($"{Config.Kind} run in {DataRoot.Shown(RunDirectory)}: profile {Config.Profile}, steps {start}..{Config.Steps}, generator {models.Generator.ParameterCount():N0} parameters" +
             (models.Discriminator != null ? $", discriminator {models.Discriminator.ParameterCount():N0}" : ""));
        if (Config.Preset != null)
        {
            _log($"preset {Config.Preset}: {Config.PresetSource}");
            foreach (string substitution in Config.Substitutions) _log($"  substitution: {substitution}");
        }

        foreach (string line in crops.Rule()) _log(line);
        bool evaluate = Config.EvalEvery > 0 && PeriodicEvaluationPossible();
        var updates = new Updates(Config, models.Fast, models.OptimG, models.Discriminator, models.OptimD,
            ContentTerm.Create(Config.Content, Config.VggWeights, device), new AdversarialLoss(Config.Adversarial) { Random = models.Random }) { Random = models.Random };

        // A fresh run starts an empty log: a stale log.jsonl left in the folder (a run whose checkpoint was deleted)
        // would otherwise be read back as an earlier session of this one.
        using var logFile = new TrainingLog(Path.Combine(RunDirectory, "log.jsonl"), resume ? start : 0);
        var pace = new Pace(start);
        long step = start, savedStep = resume ? start : -1; // savedStep: the step of the checkpoint on disk, if any
        void Save() { Checkpoint.Save(CheckpointPath, Config, step, models.Generator, models.OptimG, models.Random, models.Discriminator, models.OptimD, models.Average?.Model); savedStep = step; }

        if (start >= Config.Steps) return AlreadyDone(models.Kept, start, pace);
        models.Train();
        foreach (var batch in crops.Stream(start, cancel))
        {
            Dictionary<string, double> values;
            using (NewDisposeScope())
            {
                var (lrUnit, hrUnit) = ImageTensor.ToTensors(batch, device);
                // The generator's input range (ModelUpscaler maps the same way at inference); HR is always [-1,1].
                var lr = Config.Generator.Input.FromUnit(lrUnit);
                double learningRate = Config.LearningRateAt(step);
                values = updates.Step(lr, hrUnit.mul(2).sub(1), learningRate);
                models.Average?.Update();
                values["lr"] = learningRate;
            }
            if (Diverged(values, step, savedStep, logFile) is { } stop)
                return new TrainingResult(TrainingStatus.Diverged, step, CheckpointPath, stop, pace.Elapsed, (step - start) * batch.Count);
            step++;

            values["samples_per_s"] = batch.Count / pace.Tick(step);
            LogStep(logFile, step, values, pace);
            Progress?.Invoke(new TrainingProgress(step, Config.Steps, new Dictionary<string, double>(values), values["samples_per_s"],
                pace.Elapsed, pace.Remaining(step, Config.Steps)));
            if (evaluate && Due(step, Config.EvalEvery)) Evaluate(models.Kept, device, step, logFile);
            if (Due(step, Config.CheckpointEvery)) Save();
            if (Due(step, Config.SnapshotEvery)) Checkpoint.SaveGenerator(SnapshotPath(step), Config, step, models.Kept);
            if (step >= Config.Steps || cancel.IsCancellationRequested) break;
        }

        long samples = (step - start) * Config.Data.BatchSize;
        if (step < Config.Steps)
        {
            Save();
            string message = $"cancelled at step {step} of {Config.Steps}; checkpoint saved to {CheckpointPath}. Continue with --resume.";
            _log(message);
            return new TrainingResult(TrainingStatus.Cancelled, step, CheckpointPath, message, pace.Elapsed, samples);
        }
        Checkpoint.SaveGenerator(Path.Combine(RunDirectory, Checkpoint.GeneratorFileName), Config, step, models.Kept);
        return new TrainingResult(TrainingStatus.Completed, step, CheckpointPath, $"finished {step} steps in {pace.Elapsed:hh\\:mm\\:ss}", pace.Elapsed, samples);
    }

    // ---- The pieces Run is made of ------------------------------------------------------------

    /// <summary>A fresh run needs a folder without a checkpoint; a resumed one needs its checkpoint.</summary>
    void CheckFolder(bool resume)
    {
        Directory.CreateDirectory(RunDirectory);
        bool hasCheckpoint = File.Exists(CheckpointPath);
        if (hasCheckpoint && !resume)
            throw new InvalidOperationException($"{RunDirectory} already holds a run ({Checkpoint.FileName}); pass --resume to continue it, or choose another output folder.");
        if (resume && !hasCheckpoint)
            throw new FileNotFoundException($"{CheckpointPath}: nothing to resume (no checkpoint in {RunDirectory}).", CheckpointPath);
    }

    /// <summary>Is a periodic action (evaluation, checkpoint) due at this step? Always at the last one.</summary>
    bool Due(long step, int every) => every > 0 && (step % every == 0 || step == Config.Steps);

    /// <summary>Divergence policy: a NaN or Inf in any logged value stops the run before the step is counted,
    /// keeping the last good checkpoint. Returns the message, or null when every value is finite.</summary>
    string? Diverged(Dictionary<string, double> values, long step, long savedStep, TrainingLog logFile)
    {
        var bad = values.Where(kv => !double.IsFinite(kv.Value)).Select(kv => $"{kv.Key} = {kv.Value}").ToList();
        if (bad.Count == 0) return null;
        string message = $"stopped at step {step + 1}: {string.Join(", ", bad)}. The last good checkpoint is {CheckpointPath}" +
                         (savedStep >= 0 ? $" (step {savedStep})" : " (none was written yet)") + "; lower the learning rate and resume.";
        _log(message);
        logFile.Write(new Dictionary<string, object> { ["step"] = step + 1, ["diverged"] = string.Join(", ", bad) });
        return message;
    }

    void LogStep(TrainingLog logFile, long step, Dictionary<string, double> values, Pace pace)
    {
        if (step % Config.LogEvery != 0 && step != Config.Steps) return;
        var entry = new Dictionary<string, object> { ["step"] = step, ["time_s"] = Math.Round(pace.Elapsed.TotalSeconds, 3) };
        foreach (var (k, v) in values) entry[k] = v;
        logFile.Write(entry);
    }

    /// <summary>The periodic evaluation scores Set5: a run on one's own images under a data root without it trains on,
    /// saying once that it is not scored, rather than failing at its first evaluation.</summary>
    bool PeriodicEvaluationPossible()
    {
        var check = DatasetVerifier.Verify(DatasetManifest.Load()["Set5"], DataRoot.Resolve(dataRoot), checkHashes: false);
        if (check.Status == DatasetStatus.Ok) return true;
        _log($"note: no periodic Set5 PSNR (every {Config.EvalEvery} steps): Set5 is not in the data root ({check.Folder}); the run trains without it.");
        return false;
    }

    /// <summary>Periodic evaluation: Set5 PSNR of the generator the run keeps (its weight average, if any; inference form, eval mode), logged.</summary>
    void Evaluate(SRResNet g, Device device, long step, TrainingLog logFile)
    {
        bool training = g.training;
        var evaluator = new Evaluator(new EvaluationOptions { ComputeNiqe = false, ComputeLpips = false, ComputePeriodic = false, Scale = Config.Generator.Scale }, dataRoot);
        double psnr = evaluator.Run([new ModelUpscaler(g, "generator", device, histogramMatch: Config.HistogramMatch)], ["Set5"]).Average(s => s.Psnr);
        if (training) g.train();
        logFile.Write(new Dictionary<string, object> { ["step"] = step, ["set5_psnr"] = psnr });
        Evaluated?.Invoke(step, psnr);
        _log($"step {step}: Set5 PSNR {psnr:F3} dB");
    }

    TrainingResult AlreadyDone(SRResNet g, long step, Pace pace)
    {
        string generatorFile = Path.Combine(RunDirectory, Checkpoint.GeneratorFileName);
        if (!File.Exists(generatorFile)) Checkpoint.SaveGenerator(generatorFile, Config, step, g);
        return new TrainingResult(TrainingStatus.Completed, step, CheckpointPath, $"already at step {step} of {Config.Steps}", pace.Elapsed, 0);
    }

    long Restore(RunState m)
    {
        using var c = Checkpoint.Read(CheckpointPath);
        if (Checkpoint.IsGeneratorOnly(c))
            throw new InvalidDataException($"{CheckpointPath} holds the generator alone (no optimiser state or RNG); a run resumes only from a full checkpoint.");
        var differences = Differences(c.Config, Config);
        if (differences.Count > 0)
            throw new InvalidDataException($"{CheckpointPath} was made with a different config; resuming would not continue the same run. Differences: {string.Join("; ", differences)}.");
        StateDict.Load(m.Generator, c.WithPrefix("generator."), CheckpointPath + " (generator)");
        m.OptimG.LoadState(c.Tensors, "optim.generator.", c.OptimizerSteps("generator"), CheckpointPath);
        if (m.Discriminator != null)
        {
            StateDict.Load(m.Discriminator, c.WithPrefix("discriminator."), CheckpointPath + " (discriminator)");
            m.OptimD!.LoadState(c.Tensors, "optim.discriminator.", c.OptimizerSteps("discriminator"), CheckpointPath);
        }
        if (m.Average != null)
        {
            var average = c.WithPrefix("ema.");
            if (average.Count == 0) throw new InvalidDataException($"{CheckpointPath} has no weight average (ema.*) although the run keeps one (EmaDecay {Config.EmaDecay}).");
            StateDict.Load(m.Average.Model, average, CheckpointPath + " (weight average)");
        }
        m.Random.set_state(c.Tensors["rng.run"]);
        _log($"resumed from {CheckpointPath} at step {c.Step}");
        return c.Step;
    }

    /// <summary>Settings that must match for a resumed run to continue the same run (the length, device and reporting may change).</summary>
    static List<string> Differences(TrainingConfig saved, TrainingConfig now)
    {
        static string Canonical(TrainingConfig c) => (c with { Steps = 0, Device = "", LogEvery = 0, CheckpointEvery = 0, EvalEvery = 0, SnapshotEvery = 0, Profile = "" }).ToJson();
        if (Canonical(saved) == Canonical(now)) return [];
        var a = Canonical(saved).Split('\n').Select(l => l.Trim()).ToList();
        var b = Canonical(now).Split('\n').Select(l => l.Trim()).ToList();
        return a.Except(b).Select(l => $"checkpoint {l.TrimEnd(',')}").Concat(b.Except(a).Select(l => $"now {l.TrimEnd(',')}")).ToList();
    }

    void InitialiseGenerator(SRResNet g)
    {
        using var c = Checkpoint.Read(DataRoot.ResolvePortable(Config.InitFrom!));
        if (c.Config.Generator != Config.Generator)
            throw new InvalidDataException($"{c.Path}: its generator ({c.Config.Generator}) differs from this run's ({Config.Generator}).");
        StateDict.Load(g, c.WithPrefix("generator."), c.Path + " (generator)");
        _log($"generator initialised from {DataRoot.Shown(c.Path)} (step {c.Step})");
    }

    /// <summary>What a run trains and what changes as it does: the networks (initialised from the seed), the
    /// generator's fast form, both optimisers and the run's own random stream (used by the WGAN-GP penalty).</summary>
    sealed class RunState : IDisposable
    {
        public required SRResNet Generator { get; init; }
        public required FastGenerator Fast { get; init; }
        public required Adam OptimG { get; init; }
        public Discriminator? Discriminator { get; init; }
        public Adam? OptimD { get; init; }
        public required Generator Random { get; init; }
        /// <summary>The generator's weight average (<see cref="TrainingConfig.EmaDecay"/>), when the run keeps one.</summary>
        public WeightAverage? Average { get; init; }
        /// <summary>The generator the run keeps and evaluates: the average when there is one.</summary>
        public SRResNet Kept => Average?.Model ?? Generator;

        public static RunState Create(TrainingConfig config, Device device)
        {
            var g = new SRResNet(config.Generator);
            ModelInit.Reset(g, config.Seed);
            if (config.Icnr) ModelInit.Icnr(g, config.Seed + 3);
            g.to(device);
            var fast = new FastGenerator(g);
            Discriminator? d = null;
            if (config.Kind == ModelKind.Srgan)
            {
                d = new Discriminator(config.Discriminator);
                ModelInit.Reset(d, config.Seed + 1);
                d.to(device);
            }
            var random = new Generator((ulong)(config.Seed + 2));
            return new RunState
            {
                Generator = g, Fast = fast, OptimG = new Adam(g, config.Beta1, config.Beta2), Discriminator = d,
                OptimD = d != null ? new Adam(d, config.Beta1, config.Beta2) : null, Random = random,
                Average = config.EmaDecay > 0 ? new WeightAverage(g, config.EmaDecay, device) : null,
            };
        }

        public void Train() { Generator.train(); Discriminator?.train(); }

        public void Dispose() { Random.Dispose(); Average?.Dispose(); }
    }

    /// <summary>Wall-clock, speed over the last 20 steps, and the time left at that speed.</summary>
    sealed class Pace(long start)
    {
        readonly Stopwatch _clock = Stopwatch.StartNew();
        readonly Queue<(long Step, double Seconds)> _window = new();
        double _secondsPerStep;

        public TimeSpan Elapsed => _clock.Elapsed;

        /// <summary>Records that <paramref name="step"/> is done; returns the recent seconds per step.</summary>
        public double Tick(long step)
        {
            double now = _clock.Elapsed.TotalSeconds;
            _window.Enqueue((step, now));
            while (_window.Count > 20) _window.Dequeue();
            var (firstStep, firstTime) = _window.Peek();
            _secondsPerStep = _window.Count > 1 ? (now - firstTime) / (step - firstStep) : now / (step - start);
            return _secondsPerStep;
        }

        public TimeSpan Remaining(long step, long total) => TimeSpan.FromSeconds(_secondsPerStep * (total - step));
    }
}
