using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Training;

/// <summary>Smoke-profile runs on Set5 crops: seconds each, on the CPU, with fixed seeds.</summary>
[Collection("training")] // runs one at a time: each uses both cores
public class TrainerTests(ITestOutputHelper output)
{
    static readonly string Vgg = Path.GetFullPath(Path.Combine(SharedData.Root, "..", "weights", "vgg19-imagenet-partial", "vgg19_features_0-16_caffeRGB.safetensors"));

    static TrainingConfig Smoke(ModelKind kind) => TrainingConfig.ForProfile("smoke", kind) with { Device = "cpu", VggWeights = Vgg };

    Trainer NewTrainer(TrainingConfig config, string dir) =>
        new(config, dir, SharedData.Root, line => output.WriteLine(line));

    static double Mean(IEnumerable<double> values) => values.Average();

    [Fact]
    public void Smoke_srresnet_lowers_its_loss_and_its_checkpoint_reproduces_outputs()
    {
        using var temp = new SharedData.TempFolder();
        var trainer = NewTrainer(Smoke(ModelKind.SRResNet), temp.Path);
        var result = trainer.Run();
        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.Equal(30, result.Step);

        var log = TrainingLog.Read(Path.Combine(temp.Path, "log.jsonl"));
        var losses = log.Where(e => e.ContainsKey("loss")).Select(e => e["loss"]).ToList();
        Assert.Equal(30, losses.Count);
        double first = Mean(losses.Take(5)), last = Mean(losses.TakeLast(5));
        output.WriteLine($"MSE first 5 steps {first:F4}, last 5 {last:F4}");
        Assert.True(last < 0.7 * first, $"loss should fall: {first} -> {last}");
        Assert.True(File.Exists(Path.Combine(temp.Path, "config.json")));

        // The saved generator gives the same SR image, bit for bit, as a second load of it.
        var lr = ImageFile.Read(SharedData.Path_("extra", "matlab_bicubic_x4", "Set5", "bird.png"));
        var a = new ModelUpscaler(Checkpoint.LoadGenerator(trainer.CheckpointPath), "a").Upscale(lr);
        var b = new ModelUpscaler(Checkpoint.LoadGenerator(temp.Path), "b").Upscale(lr);
        Assert.Equal(a.Pixels, b.Pixels);
        using (var c = Checkpoint.Read(trainer.CheckpointPath))
        {
            Assert.Equal(30, c.Step);
            Assert.Equal(Smoke(ModelKind.SRResNet).ToJson(), c.Config.ToJson());
        }

        // A finished run also keeps its generator alone (a small file for results/): same SR image; the folder
        // finds it once the full checkpoint is gone; it cannot resume.
        string generatorOnly = Path.Combine(temp.Path, Checkpoint.GeneratorFileName);
        Assert.True(new FileInfo(generatorOnly).Length < new FileInfo(trainer.CheckpointPath).Length / 2);
        File.Delete(trainer.CheckpointPath);
        File.Move(generatorOnly, trainer.CheckpointPath);
        Assert.Contains("generator alone", Assert.Throws<InvalidDataException>(() => NewTrainer(Smoke(ModelKind.SRResNet), temp.Path).Run(resume: true)).Message);
        File.Move(trainer.CheckpointPath, generatorOnly);
        Assert.Equal(a.Pixels, new ModelUpscaler(Checkpoint.LoadGenerator(temp.Path), "c").Upscale(lr).Pixels);
    }

    [Fact]
    public void Smoke_srgan_from_srresnet_lowers_its_losses()
    {
        using var temp = new SharedData.TempFolder();
        string pre = Path.Combine(temp.Path, "srresnet"), gan = Path.Combine(temp.Path, "srgan");
        NewTrainer(Smoke(ModelKind.SRResNet), pre).Run();
        var config = Smoke(ModelKind.Srgan) with { InitFrom = pre, Steps = 24 };
        var result = NewTrainer(config, gan).Run();
        Assert.Equal(TrainingStatus.Completed, result.Status);

        // The VGG22 content loss on one fixed batch of 32 crops drawn with another seed, before and after.
        double before = HeldOutContent(pre, config), after = HeldOutContent(gan, config);
        output.WriteLine($"held-out VGG22 content loss: SRResNet start {before:F2}, after {config.Steps} SRGAN steps {after:F2}");
        Assert.True(after < before, $"content loss should fall: {before} -> {after}");

        // The discriminator starts at chance (BCE 2 ln 2) and learns to tell HR from SR.
        var log = TrainingLog.Read(Path.Combine(gan, "log.jsonl")).Where(e => e.ContainsKey("g_loss")).ToList();
        double dFirst = Mean(log.Take(6).Select(e => e["d_loss"])), dLast = Mean(log.TakeLast(6).Select(e => e["d_loss"]));
        output.WriteLine($"discriminator loss: first 6 steps {dFirst:F4}, last 6 {dLast:F4}");
        Assert.True(dLast < dFirst, $"d_loss should fall: {dFirst} -> {dLast}");
        Assert.All(log, e => Assert.InRange(e["d_hr"], 0, 1));
        using var c = Checkpoint.Read(gan);
        Assert.Contains("discriminator.features.0.weight", c.Tensors.Keys);
        Assert.Contains(c.Tensors.Keys, k => k.StartsWith("optim.discriminator."));
    }

    static double HeldOutContent(string run, TrainingConfig config)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var g = Checkpoint.LoadGenerator(run);
        var crops = SrganWorkbench.Data.TrainingCrops.FromSets(config.TrainSets, SharedData.Root, config.Data with { Seed = 999, BatchSize = 32 });
        var (lr, hr) = ImageTensor.ToTensors(crops.GetBatch(0));
        var content = new SrganWorkbench.Losses.VggContentLoss(Vgg19Features.Load("vgg22", Vgg));
        return content.Compute(g.forward(lr), hr.mul(2).sub(1)).item<float>();
    }

    [Theory]
    [InlineData(ModelKind.SRResNet, false)]
    [InlineData(ModelKind.Srgan, false)]
    [InlineData(ModelKind.Srgan, true)] // with the loss shift (random offsets) and the generator's weight average
    public void A_cancelled_and_resumed_run_ends_with_the_same_weights_as_an_uninterrupted_one(ModelKind kind, bool gridRemedies)
    {
        using var temp = new SharedData.TempFolder();
        var config = Smoke(kind) with { Steps = 10, CheckpointEvery = 100 };
        if (gridRemedies) config = config with { LossShift = 16, EmaDecay = 0.9 };
        if (kind == ModelKind.Srgan)
        {
            string pre = Path.Combine(temp.Path, "pre");
            NewTrainer(Smoke(ModelKind.SRResNet) with { Steps = 5 }, pre).Run();
            config = config with { InitFrom = pre };
        }
        string straight = Path.Combine(temp.Path, "straight"), interrupted = Path.Combine(temp.Path, "interrupted");
        Assert.Equal(TrainingStatus.Completed, NewTrainer(config, straight).Run().Status);

        using var cancel = new CancellationTokenSource();
        var first = NewTrainer(config, interrupted);
        first.Progress += p => { if (p.Step == 4) cancel.Cancel(); };
        var stopped = first.Run(cancel: cancel.Token);
        Assert.Equal(TrainingStatus.Cancelled, stopped.Status);
        Assert.Equal(4, stopped.Step);
        Assert.Contains("--resume", stopped.Message);

        var resumed = NewTrainer(config, interrupted).Run(resume: true);
        Assert.Equal(TrainingStatus.Completed, resumed.Status);
        using var a = Checkpoint.Read(straight);
        using var b = Checkpoint.Read(interrupted);
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        foreach (var key in a.Tensors.Keys)
            Assert.True(a.Tensors[key].eq(b.Tensors[key]).all().item<bool>(), $"{key} differs after resuming");
        // The log was cut back to the checkpoint and continued: one entry per step.
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (double)i),
            TrainingLog.Read(Path.Combine(interrupted, "log.jsonl")).Where(e => e.ContainsKey("lr")).Select(e => e["step"]));
    }

    [Fact]
    public void Snapshots_keep_the_generator_of_each_nth_step_and_may_change_on_resume()
    {
        using var temp = new SharedData.TempFolder();
        var config = Smoke(ModelKind.SRResNet) with { Steps = 6, CheckpointEvery = 100, SnapshotEvery = 2 };
        using var cancel = new CancellationTokenSource();
        var first = NewTrainer(config, temp.Path);
        first.Progress += p => { if (p.Step == 3) cancel.Cancel(); };
        Assert.Equal(TrainingStatus.Cancelled, first.Run(cancel: cancel.Token).Status);
        // Resuming with snapshots every 3 steps continues the same run (how often it reports is not part of it).
        var trainer = NewTrainer(config with { SnapshotEvery = 3 }, temp.Path);
        Assert.Equal(TrainingStatus.Completed, trainer.Run(resume: true).Status);

        var kept = Directory.GetFiles(Path.Combine(temp.Path, "snapshots")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["generator-step000002.safetensors", "generator-step000006.safetensors"], kept);
        using var last = Checkpoint.Read(trainer.SnapshotPath(6));
        using var early = Checkpoint.Read(trainer.SnapshotPath(2));
        using var final = Checkpoint.Read(Path.Combine(temp.Path, Checkpoint.GeneratorFileName));
        Assert.Equal(2, early.Step);
        Assert.True(Checkpoint.IsGeneratorOnly(early));
        Assert.Equal(final.Tensors.Keys.Order(), last.Tensors.Keys.Order());
        foreach (var key in final.Tensors.Keys)
            Assert.True(final.Tensors[key].eq(last.Tensors[key]).all().item<bool>(), $"{key}: the last snapshot differs from the run's generator");
        Assert.Contains(final.Tensors.Keys, key => !final.Tensors[key].eq(early.Tensors[key]).all().item<bool>());
    }

    [Fact]
    public void Cpu_profile_weighs_a_vgg_content_loss_to_the_scale_of_mse_and_leaves_mse_alone()
    {
        var vgg = TrainingConfig.ForProfile("cpu", ModelKind.Srgan);
        Assert.Equal(ContentLoss.Vgg22, vgg.Content);
        Assert.Equal(1e-4, vgg.ContentWeight);
        Assert.Equal(1e-3, vgg.AdversarialWeight);
        Assert.Equal(1.0, vgg.PixelWeight); // a pixel term beside the VGG loss, and the grid loss: both against the 4-px grid
        Assert.Equal(TrainingConfig.CpuGridWeight, vgg.GridWeight);
        Assert.Equal(0, TrainingConfig.ForProfile("cpu", ModelKind.Srgan, ContentLoss.Mse).PixelWeight);
        Assert.Equal(0, TrainingConfig.ForProfile("paper", ModelKind.Srgan).GridWeight); // the paper's has neither
        Assert.Equal(0, TrainingConfig.ForProfile("paper", ModelKind.Srgan).PixelWeight);
        Assert.Equal(1.0, TrainingConfig.ForProfile("cpu", ModelKind.Srgan, ContentLoss.Mse).ContentWeight);
        Assert.Equal(1e-3, TrainingConfig.ForProfile("cpu", ModelKind.Srgan, ContentLoss.Mse).AdversarialWeight);
        Assert.Equal(1e-3, TrainingConfig.ForProfile("paper", ModelKind.Srgan).AdversarialWeight);
        Assert.Equal(1.0, TrainingConfig.ForProfile("paper", ModelKind.Srgan).ContentWeight); // the paper's formula as written
        var srresnet = TrainingConfig.ForProfile("cpu", ModelKind.SRResNet);
        Assert.Equal(5e-4, srresnet.LearningRateAt(0));
        Assert.Equal(5e-5, srresnet.LearningRateAt(srresnet.Steps - 1));
    }

    [Fact]
    public void A_fresh_run_replaces_a_stale_log_left_in_its_folder()
    {
        // A run whose checkpoint was deleted leaves its log behind; a new run there must not count it as a session.
        using var temp = new SharedData.TempFolder();
        string path = temp.File("log.jsonl");
        File.WriteAllLines(path, ["""{"step":10,"time_s":900,"loss":0.5,"samples_per_s":1}""", """{"step":600,"time_s":2000,"loss":0.4,"samples_per_s":1}"""]);
        var config = Smoke(ModelKind.SRResNet) with { Steps = 3 };
        Assert.Equal(TrainingStatus.Completed, NewTrainer(config, temp.Path).Run().Status);
        var steps = TrainingLog.Read(path).Select(e => e["step"]).ToList();
        Assert.Equal([1, 2, 3], steps);
        var summary = TrainingLog.Summarize(path)!;
        Assert.Equal(1, summary.Sessions);
        Assert.True(summary.WallClock.TotalSeconds < 900, $"the stale session's time was counted: {summary.WallClock}");
    }

    [Fact]
    public void A_log_summary_adds_the_sessions_of_a_resumed_run()
    {
        using var temp = new SharedData.TempFolder();
        string path = temp.File("log.jsonl");
        File.WriteAllLines(path,
        [
            """{"step":10,"time_s":10,"loss":0.5,"samples_per_s":16}""",
            """{"step":20,"time_s":20,"loss":0.4,"samples_per_s":16}""",
            """{"step":20,"set5_psnr":27.5}""",
            """{"step":30,"time_s":7,"loss":0.3,"samples_per_s":8}""", // resumed: the clock starts again
            """{"step":40,"time_s":17,"loss":0.2,"samples_per_s":16}""",
        ]);
        var summary = TrainingLog.Summarize(path)!;
        Assert.Equal(40, summary.Step);
        Assert.Equal(2, summary.Sessions);
        Assert.Equal(37, summary.WallClock.TotalSeconds, 6);
        Assert.Equal(16, summary.MedianSamplesPerSecond);
        Assert.Equal("640 samples in 1 min wall-clock over 2 session(s), median 1.00 s/step", summary.Describe(16));
    }

    [Fact]
    public void Divergence_stops_with_a_message_and_keeps_the_last_good_checkpoint()
    {
        using var temp = new SharedData.TempFolder();
        // Four sane steps, then a learning rate that blows the weights up.
        var wild = Smoke(ModelKind.SRResNet) with { Steps = 40, CheckpointEvery = 2, DecayAtStep = 4, DecayedLearningRate = 1e30 };
        var result = NewTrainer(wild, temp.Path).Run();
        Assert.Equal(TrainingStatus.Diverged, result.Status);
        Assert.Contains("last good checkpoint", result.Message);
        using var c = Checkpoint.Read(temp.Path);
        Assert.InRange(c.Step, 4, result.Step);
        Assert.Contains($"(step {c.Step})", result.Message);
        Assert.All(c.Tensors.Values.Where(t => t.is_floating_point()), t => Assert.True(t.isfinite().all().item<bool>()));
    }

    [Fact]
    public void Runs_refuse_to_overwrite_or_resume_the_wrong_thing()
    {
        using var temp = new SharedData.TempFolder();
        var config = Smoke(ModelKind.SRResNet) with { Steps = 2 };
        NewTrainer(config, temp.Path).Run();
        Assert.Contains("--resume", Assert.Throws<InvalidOperationException>(() => NewTrainer(config, temp.Path).Run()).Message);

        var changed = config with { Generator = config.Generator with { Blocks = 3 } };
        var e = Assert.Throws<InvalidDataException>(() => NewTrainer(changed, temp.Path).Run(resume: true));
        Assert.Contains("different config", e.Message);
        Assert.Contains("\"blocks\": 2", e.Message);
        Assert.Contains("\"blocks\": 3", e.Message);

        var oddCrop = config with { Data = config.Data with { HrSize = 30 } };
        Assert.Contains("not divisible by the scale 4", Assert.Throws<ArgumentException>(() => NewTrainer(oddCrop, temp.File("odd")).Run()).Message);

        using var empty = new SharedData.TempFolder();
        Assert.Contains("nothing to resume", Assert.Throws<FileNotFoundException>(() => NewTrainer(config, empty.Path).Run(resume: true)).Message);
    }

    [Fact]
    public void Bad_checkpoint_files_are_named()
    {
        using var temp = new SharedData.TempFolder();
        Assert.Contains("checkpoint not found", Assert.Throws<FileNotFoundException>(() => Checkpoint.Read(temp.File("none.safetensors"))).Message);

        var config = Smoke(ModelKind.SRResNet) with { Steps = 1 };
        NewTrainer(config, temp.Path).Run();
        string path = Path.Combine(temp.Path, Checkpoint.FileName);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(temp.File("truncated.safetensors"), bytes[..(bytes.Length / 2)]);
        Assert.Contains("truncated.safetensors", Assert.Throws<InvalidDataException>(() => Checkpoint.Read(temp.File("truncated.safetensors"))).Message);

        string peer = Path.Combine(SharedData.Root, "..", "weights", "leftthomas-srgan-x4", "netG_epoch_4_100.safetensors");
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(peer));
        Assert.Contains("not a workspace checkpoint", e.Message);
        Assert.Contains("--peer leftthomas", e.Message);
    }
}
