using System.Runtime.InteropServices;
using System.CommandLine;
using SrganWorkbench.Data;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Training;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan train</c>: SRResNet or SRGAN with a named profile, or a seed implementation's recipe (<c>--preset</c>,
/// <see cref="SrganWorkbench.Training.Presets"/>) scaled to a profile's budget; resumable.</summary>
static class TrainCommand
{
    public static Command Create()
    {
        var kind = new ChoiceOption<ModelKind>("--model", "What to train: srresnet (the generator, pixel loss) or srgan (generator and discriminator).",
            TrainingChoices.Models, "srresnet");
        var profile = new ChoiceOption<string>("--profile", "paper (the paper's schedule, for a GPU), cpu (about an hour on 2 cores), ablation (the ablation grid's shorter runs: ~21 min SRResNet, ~15 min SRGAN) or smoke (seconds); defaults below.",
            TrainingChoices.Profiles, "cpu");
        var output = new Option<string?>("--out", "-o") { Description = "Run folder (default: runs/<model>-<profile>)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its checkpoint." };
        var initFrom = new Option<string?>("--init-from") { Description = "SRGAN: the SRResNet run folder or checkpoint to start the generator from." };
        var content = new Option<string?>("--content") { Description = "Content loss: mse, l1, vgg22, vgg54, relu3_4, ..., a VGG layer optionally with :l1 (profile default otherwise)." }
            .CheckedBy(text => ContentLoss.Parse(text));
        var steps = new Option<long?>("--steps") { Description = "Override the profile's number of steps." };
        var decayAt = new Option<long?>("--decay-at") { Description = "Step at which the learning rate drops to the profile's decayed rate (the paper's 10^5 of 2 x 10^5; profile default otherwise)." };
        var snapshotEvery = new Option<int?>("--snapshot-every") { Description = "Keep the generator every N steps in <out>/snapshots/ to score the run's course afterwards (0: never; the default)." };
        var seed = new Option<long?>("--seed") { Description = "Random seed (default 0)." };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda[:N].", DefaultValueFactory = _ => "auto" };
        var config = new Option<string?>("--config") { Description = "A config.json to start from instead of a profile (it states the model, profile and content loss)." };
        var data = new Option<string?>("--data") { Description = "Data root (default: $SRGAN_DATA, else data/)." };
        var trainDirs = new Option<string?>("--train-dir")
        {
            Description = "Train on your own images: comma-separated folders, searched recursively (PNG, JPEG, BMP, WebP); images smaller than the HR crop " +
                "are named and skipped. Replaces the profile's sets (with --train-sets, both are used). Each batch: crops from images drawn uniformly at random.",
            HelpName = "DIR[,DIR...]",
        }.CheckedBy(text => TrainDirs(text));
        var trainSets = new Option<string?>("--train-sets")
        {
            Description = "Train on catalogued sets (data/datasets.json: T91, BSD200, DIV2K-train, ...) instead of the profile's (T91,BSD200; smoke: Set5).",
            HelpName = "NAME[,NAME...]",
        };
        var contentWeight = new Option<double?>("--content-weight") { Description = "SRGAN: weight of the content loss (profile default otherwise)." };
        var adversarial = new ChoiceOption<GanObjective>("--adversarial",
            "SRGAN: the GAN objective (profile default otherwise). wgan-gp also turns the discriminator's batch norm off, as its per-sample gradient penalty requires.",
            TrainingChoices.Adversarial);
        var adversarialWeight = new Option<double?>("--adversarial-weight") { Description = "SRGAN: weight of the adversarial loss (profile default otherwise)." };
        var pixelWeight = new Option<double?>("--pixel-weight") { Description = "Weight of an extra pixel-MSE term beside the content loss (profile default otherwise; the paper's 0)." };
        var tvWeight = new Option<double?>("--tv-weight") { Description = "Weight of a total-variation term (mean squared neighbour difference on [-1,1]; profile default otherwise)." };
        var gridWeight = new Option<double?>("--grid-weight") { Description = "Weight of the grid loss: the SR-HR residual's part that repeats in every 4x4 cell (0: off, the paper's; profile default otherwise)." };
        var chromaWeight = new Option<double?>("--chroma-weight") { Description = "Weight of the chroma loss: the pixel MSE of SR - HR's Cb and Cr, against colour speckle (0: off, the paper's; profile default otherwise)." };
        var lossShift = new Option<int?>("--loss-shift") { Description = "Roll SR and HR by one random offset in [0,N) px each step before the losses (0: off, the paper's; profile default otherwise)." };
        var microBatch = new Option<int?>("--micro-batch") { Description = "Split each batch into micro-batches of N crops and accumulate their gradients (memory; batch norm then sees N crops at a time). Default: the whole batch (a preset too large for memory sets its own, and states it)." };
        var ema = new Option<double?>("--ema") { Description = "Keep an exponential moving average of the generator with this decay and save it as the run's generator (0: off)." };
        var order = new ChoiceOption<StepOrder>("--step-order",
            "SRGAN: d-first (D step, then G step through the updated D; Goodfellow et al.) or g-first (BasicSR's order; D runs once on SR for both updates, faster); profile default otherwise.",
            TrainingChoices.Orders);
        var upsampling = new ChoiceOption<UpsamplingType>("--upsampling",
            "How the generator doubles resolution, twice: subpixel (conv + pixel shuffle, the paper's), nearest (nearest-neighbour + conv, Odena et al.) or deconv (4x4 transposed conv, stride 2); profile default otherwise.",
            TrainingChoices.Upsamplings);
        var icnr = new Option<bool>("--icnr") { Description = "ICNR initialisation of the sub-pixel convolutions (fresh runs without --init-from)." };
        var preset = new ChoiceOption<TrainingPreset>("--preset",
            "SRGAN as a seed implementation's recipe (listed below), scaled to --profile's budget; the run's config.json records its source and substitutions.",
            TrainingChoices.Presets);
        var vggWeights = new Option<string?>("--vgg-weights") { Description = "VGG19 weights for a VGG content loss (default: the shared conv1_1..conv3_4; torchvision's vgg19 .pth for VGG54)." };

        var command = new Command("train", "Train SRResNet (MSE) or SRGAN; Ctrl-C saves a checkpoint and stops, --resume continues.")
        {
            kind, profile, output, resume, initFrom, content, steps, decayAt, snapshotEvery, seed, device, config, data, trainDirs, trainSets, contentWeight, adversarial, adversarialWeight,
            pixelWeight, tvWeight, gridWeight, chromaWeight, lossShift, microBatch, ema, upsampling, icnr, order, preset, vggWeights,
        };
        // A config file states the model, the profile and the content loss: giving them as well is ambiguous, not an override.
        command.Validators.Add(result =>
        {
            if (!result.Given(config)) return;
            foreach (var (stated, what) in new (Option, string)[] { (kind, "model"), (profile, "profile"), (content, "content loss") })
                if (result.Given(stated))
                    result.AddError($"--config and {stated.Name} cannot be combined: the config file states its {what}; edit the file or drop one of them.");
        });
        // A preset states the model (SRGAN) and the content loss; a config file states everything.
        command.Validators.Add(result =>
        {
            if (!result.Given(preset)) return;
            foreach (var (stated, what) in new (Option, string)[] { (kind, "model (srgan)"), (content, "content loss"), (upsampling, "generator's upsampling"), (config, "whole config"), (microBatch, "micro-batches (and records them as a substitution)") })
                if (result.Given(stated))
                    result.AddError($"--preset and {stated.Name} cannot be combined: the preset states its {what}; drop one of them.");
        });
        command.SetAction(parse =>
        {
            var modelKind = kind.Get(parse);
            string? vgg = parse.GetValue(vggWeights) is { } v ? Path.GetFullPath(v) : null;
            var images = Images(parse.GetValue(trainSets), parse.GetValue(trainDirs), parse.GetValue(data));
            var cfg = parse.GetValue(config) is { } path
                ? TrainingConfig.FromJson(File.ReadAllText(path), path)
                : preset.TryGet(parse, out var recipe)
                ? recipe.ForData(profile.Get(parse), vgg, parse.GetValue(data), images)
                : TrainingConfig.ForProfile(profile.Get(parse), modelKind, parse.GetValue(content) is { } named ? ContentLoss.Parse(named) : null);
            if (images != null && !parse.Given(preset)) cfg = cfg.WithImages(images); // a preset sized its crop on them (ForData)
            if (vgg != null) cfg = cfg with { VggWeights = vgg };
            if (parse.GetValue(steps) is { } n) cfg = cfg with { Steps = n };
            if (parse.GetValue(decayAt) is { } at) cfg = cfg with { DecayAtStep = at };
            if (parse.GetValue(snapshotEvery) is { } every) cfg = cfg with { SnapshotEvery = every };
            if (parse.GetValue(seed) is { } s) cfg = cfg with { Seed = s };
            if (parse.GetValue(contentWeight) is { } cw) cfg = cfg with { ContentWeight = cw };
            if (parse.GetValue(adversarialWeight) is { } aw) cfg = cfg with { AdversarialWeight = aw };
            if (parse.GetValue(pixelWeight) is { } pw) cfg = cfg with { PixelWeight = pw };
            if (parse.GetValue(tvWeight) is { } tw) cfg = cfg with { TotalVariationWeight = tw };
            if (parse.GetValue(gridWeight) is { } gw) cfg = cfg with { GridWeight = gw };
            if (parse.GetValue(chromaWeight) is { } chw) cfg = cfg with { ChromaWeight = chw };
            if (parse.GetValue(lossShift) is { } shift) cfg = cfg with { LossShift = shift };
            if (parse.GetValue(microBatch) is { } micro) cfg = cfg with { MicroBatch = micro };
            if (parse.GetValue(ema) is { } decay) cfg = cfg with { EmaDecay = decay };
            if (upsampling.TryGet(parse, out var upsample)) cfg = cfg with { Generator = cfg.Generator with { Upsampling = upsample } };
            if (parse.GetValue(icnr)) cfg = cfg with { Icnr = true };
            if (order.TryGet(parse, out var stepOrder)) cfg = cfg with { Order = stepOrder };
            if (adversarial.TryGet(parse, out var objective))
            {
                if (cfg.Kind != ModelKind.Srgan)
                    throw new ArgumentException($"--adversarial applies to SRGAN runs; this run trains {TrainingChoices.Name(cfg.Kind)} (--model srgan).");
                cfg = cfg with { Adversarial = objective };
                // WGAN-GP's gradient penalty is per sample, which batch norm breaks (Gulrajani et al.): asking for the
                // objective asks for a discriminator it works with.
                if (objective == GanObjective.WganGp && cfg.Discriminator.BatchNorm)
                {
                    cfg = cfg with { Discriminator = cfg.Discriminator with { BatchNorm = false } };
                    Console.Error.WriteLine("note: --adversarial wgan-gp: the discriminator runs without batch norm (the gradient penalty is per sample).");
                }
            }
            cfg = cfg with { Device = parse.GetValue(device)! };
            if (parse.GetValue(initFrom) is { } init) cfg = cfg with { InitFrom = SrganWorkbench.Data.DataRoot.Portable(init) };
            if (cfg.Kind == ModelKind.Srgan && cfg.InitFrom == null && cfg.Preset == null && !parse.GetValue(resume))
                Console.Error.WriteLine("note: no --init-from; the paper starts SRGAN from a trained SRResNet (srgan train --model srresnet first).");

            string folder = parse.GetValue(output) ?? Path.Combine(RepoPaths.Runs, $"{cfg.Preset ?? cfg.Kind.ToString().ToLowerInvariant()}-{cfg.Profile}");
            var trainer = new Trainer(cfg, folder, parse.GetValue(data));
            using var cancel = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                if (cancel.IsCancellationRequested) return; // a second Ctrl-C ends the process
                e.Cancel = true;
                cancel.Cancel();
                Console.Error.WriteLine("\nstopping after this step and saving a checkpoint (Ctrl-C again to abort)...");
            };
            // `kill`, CI time-outs and service managers send SIGTERM (and background jobs ignore SIGINT): stop the same way.
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, e =>
            {
                if (cancel.IsCancellationRequested) return;
                e.Cancel = true;
                cancel.Cancel();
                Console.Error.WriteLine("\nSIGTERM: stopping after this step and saving a checkpoint...");
            });
            var bar = new ProgressBar();
            trainer.Progress += bar.Update;
            var result = trainer.Run(parse.GetValue(resume), cancel.Token);
            bar.Finish();
            Console.WriteLine($"{result.Status}: {result.Message}");
            Console.WriteLine($"run folder: {trainer.RunDirectory} (config.json, {Checkpoint.FileName}, log.jsonl)");
            return result.Status switch { TrainingStatus.Completed => 0, TrainingStatus.Cancelled => 130, _ => 3 };
        });
        return command;
    }

    /// <summary>The run's own training images (null: the profile's, or the config file's): --train-sets by name, --train-dir's
    /// folders as a config records them (<see cref="DataRoot.PortableFolder"/>: under the data root as $SRGAN_DATA/...).</summary>
    static TrainingImages? Images(string? sets, string? dirs, string? dataRoot) =>
        sets == null && dirs == null ? null
            : new TrainingImages(CliErrors.List(sets ?? ""), TrainDirs(dirs).Select(d => DataRoot.PortableFolder(d, dataRoot)).ToList());

    /// <summary>--train-dir's folders, each of which must exist (a parse error names it otherwise).</summary>
    static IReadOnlyList<string> TrainDirs(string? text) => CliErrors.List(text ?? "").Select(dir =>
        Directory.Exists(dir) ? Path.GetFullPath(dir) : throw new ArgumentException($"{dir}: folder not found (expected a folder of training images).")).ToList();
}
