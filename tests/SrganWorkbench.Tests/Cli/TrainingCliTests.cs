using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using SrganWorkbench.Cli;
using SrganWorkbench.Data;
using SrganWorkbench.Training;
using SrganWorkbench.Weights;

namespace SrganWorkbench.Tests.Cli;

/// <summary>Training, upscaling and evaluation from the command line, as the README shows them.</summary>
[Collection("training")]
public class TrainingCliTests
{
    static ProcessStartInfo Start(params string[] args) => TestProcess.SrganStart(args);
    static (int Code, string Out, string Err) Srgan(params string[] args) => TestProcess.Srgan(args);

    [Fact]
    public void Train_then_upscale_then_eval_end_to_end()
    {
        using var temp = new SharedData.TempFolder();
        string pre = temp.File("srresnet"), gan = temp.File("srgan"), sr = temp.File("sr"), eval = temp.File("eval");
        var train = Srgan("train", "--model", "srresnet", "--profile", "smoke", "--out", pre);
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("Completed: finished 30 steps", train.Out);
        var gan_ = Srgan("train", "--model", "srgan", "--profile", "smoke", "--init-from", pre, "--out", gan);
        Assert.True(gan_.Code == 0, gan_.Err);
        Assert.Contains("d_hr", gan_.Err); // the progress line shows D's outputs

        var up = Srgan("upscale", SharedData.Path_("extra", "matlab_bicubic_x4", "Set5"), "-o", sr, "--model", gan, "--tile", "32", "--overlap", "8");
        Assert.True(up.Code == 0, up.Err);
        Assert.Equal(5, Directory.GetFiles(sr, "*.png").Length);
        Assert.Equal((512, 512), SrganWorkbench.Imaging.ImageFile.ReadSize(Path.Combine(sr, "baby.png")));

        var ev = Srgan("eval", "--model", gan, "--sets", "Set5", "--no-niqe", "--out", eval);
        Assert.True(ev.Code == 0, ev.Err);
        string md = File.ReadAllText(Path.Combine(eval, "summary.md"));
        Assert.Contains("| Set5 | srgan-vgg22-smoke | 5 |", md);
        Assert.Contains("smoke profile, step 12 of 12", md);

        // Several runs and a baseline in one table (the README's summary is made this way).
        string both = temp.File("both");
        var ev2 = Srgan("eval", "--method", "bicubic", "--model", $"{pre},{gan}", "--sets", "Set5", "--no-niqe", "--out", both);
        Assert.True(ev2.Code == 0, ev2.Err);
        var rows = File.ReadAllLines(Path.Combine(both, "summary.md")).Where(l => l.StartsWith("| Set5 |")).ToList();
        Assert.Equal(["bicubic", "srresnet-smoke", "srgan-vgg22-smoke"], rows.Select(r => r.Split('|')[2].Trim()));

        // Two runs with the same config keep a row each, named by their folders.
        string copy = temp.File("srgan-copy"), pair = temp.File("pair");
        Directory.CreateDirectory(copy);
        File.Copy(Path.Combine(gan, "generator.safetensors"), Path.Combine(copy, "generator.safetensors"));
        var ev3 = Srgan("eval", "--model", $"{gan},{copy}", "--sets", "Set5", "--no-niqe", "--no-lpips", "--out", pair);
        Assert.True(ev3.Code == 0, ev3.Err);
        var pairRows = File.ReadAllLines(Path.Combine(pair, "summary.md")).Where(l => l.StartsWith("| Set5 |")).ToList();
        Assert.Equal(["srgan-vgg22-smoke:srgan", "srgan-vgg22-smoke:srgan-copy"], pairRows.Select(r => r.Split('|')[2].Trim()));
        Assert.All(pairRows, r => Assert.Equal("5", r.Split('|')[3].Trim()));
        // Folders named alike as well (a run and its earlier copy elsewhere): each row named by its folder's path.
        string elsewhere = Path.Combine(temp.File("earlier"), Path.GetFileName(gan)), pair2 = temp.File("pair2");
        Directory.CreateDirectory(elsewhere);
        File.Copy(Path.Combine(gan, "generator.safetensors"), Path.Combine(elsewhere, "generator.safetensors"));
        var ev4 = Srgan("eval", "--model", $"{gan},{elsewhere}", "--sets", "Set5", "--no-niqe", "--no-lpips", "--no-periodic", "--out", pair2);
        Assert.True(ev4.Code == 0, ev4.Err);
        var pair2Rows = File.ReadAllLines(Path.Combine(pair2, "summary.md")).Where(l => l.StartsWith("| Set5 |")).Select(r => r.Split('|')[2].Trim()).ToList();
        Assert.Equal(2, pair2Rows.Distinct().Count());
        Assert.All(pair2Rows, r => Assert.StartsWith("srgan-vgg22-smoke:", r));
        Assert.Contains(pair2Rows, r => r.EndsWith("/earlier/srgan"));

        // The side-by-side figure: bicubic, the two runs, HR.
        string figure = temp.File("fig.png");
        var cmp = Srgan("compare", "--image", Path.Combine(SharedData.Set("Set5"), "baby.png"), "--crop", "100,100,40,30",
            "--model", $"{pre},{gan}", "--zoom", "2", "-o", figure);
        Assert.True(cmp.Code == 0, cmp.Err);
        // Five cells (overview, bicubic, two runs, HR) of 80x60 px, four to a row, each with a three-line caption band.
        Assert.Equal((4 * 80 + 3 * SrganWorkbench.Evaluation.ComparisonFigure.Gap, 2 * (60 + 60) + SrganWorkbench.Evaluation.ComparisonFigure.Gap),
            SrganWorkbench.Imaging.ImageFile.ReadSize(figure));
        string caption = File.ReadAllText(Path.ChangeExtension(figure, ".md"));
        Assert.Matches(@"\| srgan-vgg22-smoke \| \d+\.\d\d \| 0\.\d{4} \|", caption); // the smoke SRGAN's loss is the paper's: no recipe named
        Assert.Contains("region boxed in red", caption);
        string bare = temp.File("bare.png");
        var cmpBare = Srgan("compare", "--image", Path.Combine(SharedData.Set("Set5"), "baby.png"), "--crop", "100,100,40,30",
            "--model", $"{pre},{gan}", "--zoom", "2", "--bare", "-o", bare);
        Assert.True(cmpBare.Code == 0, cmpBare.Err);
        Assert.Equal((4 * 80 + 3 * SrganWorkbench.Evaluation.ComparisonFigure.Gap, 60), SrganWorkbench.Imaging.ImageFile.ReadSize(bare));
        Assert.Contains("Made by `srgan compare --image", caption);
    }

    [Fact]
    public void A_run_killed_with_sigkill_and_resumed_matches_an_uninterrupted_run()
    {
        using var temp = new SharedData.TempFolder();
        string straight = temp.File("straight"), killed = temp.File("killed");
        string[] common = ["train", "--model", "srresnet", "--profile", "smoke", "--steps", "80", "--device", "cpu"];
        var first = Srgan([.. common, "--out", straight]);
        Assert.True(first.Code == 0, first.Err);

        using (var process = Process.Start(Start([.. common, "--out", killed]))!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            string log = Path.Combine(killed, "log.jsonl");
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < deadline && !(File.Exists(Path.Combine(killed, Checkpoint.FileName)) && File.Exists(log) && File.ReadAllLines(log).Length >= 25))
                Thread.Sleep(20);
            process.Kill(entireProcessTree: true); // SIGKILL: no chance to save anything
            process.WaitForExit();
        }
        long savedAt;
        using (var c = Checkpoint.Read(killed)) savedAt = c.Step;
        Assert.InRange(savedAt, 10, 79); // killed mid-run, after at least one checkpoint

        var resumed = Srgan([.. common, "--out", killed, "--resume"]);
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains($"resumed from", resumed.Err);
        using var a = Checkpoint.Read(straight);
        using var b = Checkpoint.Read(killed);
        Assert.Equal(80, b.Step);
        foreach (var key in a.Tensors.Keys)
            Assert.True(a.Tensors[key].eq(b.Tensors[key]).all().item<bool>(), $"{key} differs after kill + resume at step {savedAt}");
    }

    [Fact]
    public async Task Sigterm_stops_a_run_after_its_step_with_a_checkpoint_that_resumes()
    {
        using var temp = new SharedData.TempFolder();
        string run = temp.File("run");
        string[] common = ["train", "--model", "srresnet", "--profile", "smoke", "--steps", "100000", "--device", "cpu", "--out", run];
        int code;
        string stdout;
        using (var process = Process.Start(Start(common))!)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            string log = Path.Combine(run, "log.jsonl");
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < deadline && !(File.Exists(log) && File.ReadAllLines(log).Length >= 15)) Thread.Sleep(20);
            // Not Process.Kill (SIGKILL): the signal `kill` and CI time-outs send.
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) kill.WaitForExit();
            Assert.True(process.WaitForExit(60_000), "srgan train did not stop within 60 s of SIGTERM");
            code = process.ExitCode;
            stdout = await output;
        }
        Assert.Equal(130, code);
        Assert.Contains("Cancelled: cancelled at step", stdout);
        long stoppedAt;
        using (var c = Checkpoint.Read(run)) stoppedAt = c.Step;
        Assert.InRange(stoppedAt, 15, 99_999);
        Assert.Contains($"cancelled at step {stoppedAt} of", stdout); // the checkpoint is at the step it reported, not an older one

        var resumed = Srgan("train", "--model", "srresnet", "--profile", "smoke", "--steps", (stoppedAt + 3).ToString(), "--device", "cpu", "--out", run, "--resume");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains($"resumed from {Path.Combine(run, Checkpoint.FileName)} at step {stoppedAt}", resumed.Err);
    }

    [Fact]
    public void Adversarial_option_reaches_the_run_config()
    {
        using var temp = new SharedData.TempFolder();
        string[] common = ["train", "--model", "srgan", "--profile", "smoke", "--steps", "2", "--device", "cpu"];
        var lsgan = Srgan([.. common, "--adversarial", "lsgan", "--out", temp.File("lsgan")]);
        Assert.True(lsgan.Code == 0, lsgan.Err);
        var config = TrainingConfig.FromJson(File.ReadAllText(Path.Combine(temp.File("lsgan"), "config.json")), "config.json");
        Assert.Equal(SrganWorkbench.Losses.GanObjective.LeastSquares, config.Adversarial);
        Assert.Contains("\"adversarial\": \"LeastSquares\"", File.ReadAllText(Path.Combine(temp.File("lsgan"), "config.json")));
        Assert.True(config.Discriminator.BatchNorm);

        // WGAN-GP needs a discriminator without batch norm: the option turns it off and says so.
        var wgan = Srgan([.. common, "--adversarial", "wgan-gp", "--out", temp.File("wgan")]);
        Assert.True(wgan.Code == 0, wgan.Err);
        Assert.Contains("the discriminator runs without batch norm", wgan.Err);
        config = TrainingConfig.FromJson(File.ReadAllText(Path.Combine(temp.File("wgan"), "config.json")), "config.json");
        Assert.Equal(SrganWorkbench.Losses.GanObjective.WganGp, config.Adversarial);
        Assert.False(config.Discriminator.BatchNorm);

        // An SRResNet has no adversarial loss: asking for one is an error, not ignored.
        var srresnet = Srgan("train", "--model", "srresnet", "--profile", "smoke", "--adversarial", "lsgan", "--out", temp.File("srresnet"));
        Assert.Equal(2, srresnet.Code);
        Assert.Contains("--adversarial applies to SRGAN runs", srresnet.Err);
    }

    [Fact]
    public void Decay_and_snapshot_options_reach_the_run_config_and_reject_bad_values()
    {
        using var temp = new SharedData.TempFolder();
        var run = Srgan("train", "--model", "srresnet", "--profile", "smoke", "--steps", "2", "--decay-at", "1", "--snapshot-every", "1", "--device", "cpu", "--out", temp.File("run"));
        Assert.True(run.Code == 0, run.Err);
        var config = TrainingConfig.FromJson(File.ReadAllText(Path.Combine(temp.File("run"), "config.json")), "config.json");
        Assert.Equal(1, config.DecayAtStep);
        Assert.Equal(1, config.SnapshotEvery);
        Assert.True(File.Exists(Path.Combine(temp.File("run"), "snapshots", "generator-step000001.safetensors")));
        // The log shows the decayed rate from the named step on.
        var rates = TrainingLog.Read(Path.Combine(temp.File("run"), "log.jsonl")).Where(e => e.ContainsKey("lr")).Select(e => e["lr"]).ToList();
        Assert.Equal([config.LearningRate, config.DecayedLearningRate], rates);

        var decay = Srgan("train", "--model", "srresnet", "--profile", "smoke", "--decay-at", "0", "--out", temp.File("decay"));
        Assert.Equal(2, decay.Code);
        Assert.Contains("--decay-at", decay.Err);
        var snapshots = Srgan("train", "--model", "srresnet", "--profile", "smoke", "--snapshot-every", "-5", "--out", temp.File("snapshots"));
        Assert.Equal(2, snapshots.Code);
        Assert.Contains("--snapshot-every", snapshots.Err);
    }

    [Fact]
    public void Upsampling_option_reaches_the_run_config_and_rejects_icnr_off_sub_pixel()
    {
        using var temp = new SharedData.TempFolder();
        foreach (var (name, type) in TrainingChoices.Upsamplings)
        {
            var run = Srgan("train", "--model", "srresnet", "--profile", "smoke", "--steps", "1", "--device", "cpu", "--upsampling", name, "--out", temp.File(name));
            Assert.True(run.Code == 0, run.Err);
            var config = TrainingConfig.FromJson(File.ReadAllText(Path.Combine(temp.File(name), "config.json")), "config.json");
            Assert.Equal(type, config.Generator.Upsampling);
        }
        Assert.Equal(["subpixel", "nearest", "deconv"], TrainingChoices.Upsamplings.Select(u => u.Name));

        // ICNR initialises sub-pixel convolutions only: the library's check reaches the user as one line.
        var icnr = Srgan("train", "--model", "srresnet", "--profile", "smoke", "--upsampling", "deconv", "--icnr", "--out", temp.File("icnr"));
        Assert.Equal(2, icnr.Code);
        Assert.Contains("ICNR initialises sub-pixel convolutions", icnr.Err);
        var bad = Srgan("train", "--upsampling", "bilinear", "--out", temp.File("bad"));
        Assert.Equal(2, bad.Code);
        Assert.Contains("--upsampling 'bilinear': expected one of subpixel, nearest, deconv.", bad.Err);
        // A preset states its generator: its upsampling is not an option beside it.
        var preset = Srgan("train", "--preset", "keras-slides", "--upsampling", "subpixel", "--out", temp.File("preset"));
        Assert.Equal(2, preset.Code);
        Assert.Contains("--preset and --upsampling cannot be combined", preset.Err);
        // Nor its micro-batches, which it records as a substitution.
        var micro = Srgan("train", "--preset", "keras-384", "--micro-batch", "8", "--out", temp.File("micro"));
        Assert.Equal(2, micro.Code);
        Assert.Contains("--preset and --micro-batch cannot be combined", micro.Err);
    }

    [Fact]
    public void Bad_inputs_give_clear_errors()
    {
        using var temp = new SharedData.TempFolder();
        Directory.CreateDirectory(temp.File("empty"));
        var noImages = Srgan("upscale", temp.File("empty"), "-o", temp.File("out"), "--peer", "leftthomas");
        Assert.Equal(2, noImages.Code);
        Assert.Contains("no images", noImages.Err);

        var missing = Srgan("upscale", SharedData.Path_("Set5", "HR", "bird.png"), "-o", temp.File("out"), "--model", temp.File("nope"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("checkpoint not found", missing.Err);

        string peer = Path.Combine(SharedData.Root, "..", "weights", "leftthomas-srgan-x4", "netG_epoch_4_100.safetensors");
        var wrongKind = Srgan("upscale", SharedData.Path_("Set5", "HR", "bird.png"), "-o", temp.File("out"), "--model", peer);
        Assert.Equal(2, wrongKind.Code);
        Assert.Contains("--peer leftthomas", wrongKind.Err);
        string tensorLayer = Path.Combine(SharedData.Root, "..", "weights", "tensorlayer-srgan-x4", "tensorlayer_srgan_g_x4.safetensors");
        var wrongPeer = Srgan("upscale", SharedData.Path_("Set5", "HR", "bird.png"), "-o", temp.File("out"), "--model", tensorLayer);
        Assert.Equal(2, wrongPeer.Code);
        Assert.Contains("--peer tensorlayer", wrongPeer.Err);

        var tiles = Srgan("upscale", SharedData.Path_("Set5", "HR", "bird.png"), "-o", temp.File("out"), "--peer", "leftthomas", "--tile", "16", "--overlap", "8");
        Assert.Equal(2, tiles.Code);
        Assert.Contains("twice --overlap", tiles.Err);

        var badProfile = Srgan("train", "--profile", "fast", "--out", temp.File("run"));
        Assert.Equal(2, badProfile.Code);
        Assert.Contains("--profile 'fast': expected one of paper, cpu, ablation, smoke.", badProfile.Err);
    }

    [Fact]
    public async Task Weights_download_checks_the_sha256_and_keeps_nothing_on_mismatch()
    {
        byte[] payload = RandomNumberGenerator.GetBytes(100_000);
        string sha = Convert.ToHexStringLower(SHA256.HashData(payload));
        int port = Random.Shared.Next(20000, 60000);
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serve = Task.Run(async () =>
        {
            for (int i = 0; i < 2; i++)
            {
                var context = await listener.GetContextAsync();
                await context.Response.OutputStream.WriteAsync(payload);
                context.Response.Close();
            }
        });
        using var temp = new SharedData.TempFolder();
        string url = $"http://127.0.0.1:{port}/vgg19.pth";
        Assert.Equal(sha, await WeightDownloads.DownloadAsync(url, temp.File("good.pth"), sha[..8]));
        Assert.Equal(payload, File.ReadAllBytes(temp.File("good.pth")));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => WeightDownloads.DownloadAsync(url, temp.File("bad.pth"), "00000000"));
        Assert.Contains("does not start with the expected 00000000", e.Message);
        Assert.Empty(Directory.GetFiles(temp.Path, "bad.pth*"));
        await serve;
        Assert.Equal("vgg19-dcbb9e9d.pth", WeightDownloads.Find("vgg19").FileName);
    }
}
