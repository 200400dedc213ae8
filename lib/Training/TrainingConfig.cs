using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SrganWorkbench.Data;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;

namespace SrganWorkbench.Training;

/// <summary>What a run trains.</summary>
public enum ModelKind
{
    /// <summary>The generator alone, with a pixel loss (the paper's SRResNet-MSE).</summary>
    SRResNet,
    /// <summary>Generator and discriminator, content + 1e-3 x adversarial loss, from an SRResNet.</summary>
    Srgan,
}

/// <summary>The order of an SRGAN step's two updates (each sees the same batch and the same G output).</summary>
public enum StepOrder
{
    /// <summary>D step, then the G step through the updated D (Goodfellow et al. 2014, Algorithm 1; PyTorch's DCGAN
    /// example): D runs three times per step (HR, SR for D, SR for G). Older runs' configs, which do not name an order, ran this.</summary>
    DiscriminatorFirst,
    /// <summary>G step through the current D, then the D step (BasicSR's order). Both updates then see the same D, so
    /// D runs once on SR and both losses backpropagate from that one forward (<see cref="Updates"/>): two D forwards per step.</summary>
    GeneratorFirst,
}

/// <summary>
/// Everything that defines a training run, saved as config.json beside its checkpoints. Named
/// profiles give the paper's schedule (<c>paper</c>, for a GPU), one that fits about an hour on a
/// 2-core CPU (<c>cpu</c>), a shorter one for the grid of ablation runs (<c>ablation</c>) and one that takes
/// seconds (<c>smoke</c>, for tests and CI).
/// </summary>
public sealed record TrainingConfig
{
    public string Profile { get; init; } = "custom";
    public ModelKind Kind { get; init; } = ModelKind.SRResNet;
    public GeneratorOptions Generator { get; init; } = new();
    public DiscriminatorOptions Discriminator { get; init; } = new();
    public CropOptions Data { get; init; } = new();
    /// <summary>Catalogued sets the crops come from (names in data/datasets.json: T91, BSD200, DIV2K-train, ...).</summary>
    public IReadOnlyList<string> TrainSets { get; init; } = ["T91", "BSD200"];
    /// <summary>Folders of one's own training images, searched recursively (<see cref="ImageFolder.Find"/>), besides
    /// <see cref="TrainSets"/>: absolute, relative to the repository, or <c>$SRGAN_DATA/...</c> under the data root
    /// (<see cref="DataRoot.PortableFolder"/>; <c>srgan train --train-dir</c> records them so).</summary>
    public IReadOnlyList<string> TrainFolders { get; init; } = [];
    /// <summary>What the run trains on: <see cref="TrainSets"/> and <see cref="TrainFolders"/> (derived; not part of config.json).</summary>
    [JsonIgnore] public TrainingImages Images => new(TrainSets, TrainFolders);
    /// <summary>This config training on <paramref name="images"/> instead.</summary>
    public TrainingConfig WithImages(TrainingImages images) => this with { TrainSets = images.Sets, TrainFolders = images.Folders };

    public long Steps { get; init; } = 1_000_000;
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>From this step on the learning rate is <see cref="DecayedLearningRate"/> (SRGAN: after 1e5 of 2e5).</summary>
    public long? DecayAtStep { get; init; }
    public double DecayedLearningRate { get; init; } = 1e-5;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Pixel MSE/L1 or a VGG layer with a criterion (<see cref="ContentLoss"/>; in JSON its name: "mse", "vgg22", "vgg54:l1").</summary>
    public ContentLoss Content { get; init; } = ContentLoss.Mse;
    /// <summary>Weight of the content loss; VGG losses are on the paper's feature scale (see <see cref="ContentLoss"/>).</summary>
    public double ContentWeight { get; init; } = 1;
    public GanObjective Adversarial { get; init; } = GanObjective.Bce;
    public double AdversarialWeight { get; init; } = 1e-3;
    /// <summary>An extra pixel MSE term for SRGAN runs (0 in the paper).</summary>
    public double PixelWeight { get; init; }
    public double TotalVariationWeight { get; init; }
    /// <summary>Weight of the grid loss (<see cref="GridLoss"/>: the residual's part that repeats in every 4x4 cell; 0: off, the paper's).</summary>
    public double GridWeight { get; init; }
    /// <summary>Weight of the chroma loss (<see cref="ChromaLoss"/>: the pixel MSE of SR - HR's Cb and Cr, against colour
    /// speckle; 0: off, the paper's).</summary>
    public double ChromaWeight { get; init; }
    /// <summary>Roll SR and HR together by a random offset in [0, LossShift) pixels each step before the losses see them
    /// (0: off, the paper's). Takes the loss networks' stride-2 stages off the generator's 4-pixel grid (which, probed, did not remove the grid); see <see cref="Updates"/>.</summary>
    public int LossShift { get; init; }
    /// <summary>Decay of an exponential moving average of the generator's weights and BN statistics, kept beside it and
    /// saved as generator.safetensors (0: off, the paper's; Lornatang's SRGAN uses 0.999 over 1e5+ steps).</summary>
    public double EmaDecay { get; init; }
    /// <summary>Split each batch into micro-batches of this many crops, accumulating their gradients before one update
    /// (0: the whole batch at once, the paper's). For batches too large for memory: the update is the whole batch's
    /// except where a layer couples the samples (batch norm normalises each micro-batch apart; RaGAN, which compares each
    /// crop with the batch's mean, is refused). See <see cref="Updates"/>.</summary>
    public int MicroBatch { get; init; }
    /// <summary>Whether <see cref="MicroBatch"/> splits the batch (derived; not part of config.json).</summary>
    [JsonIgnore] public bool SplitsBatch => MicroBatch > 0 && MicroBatch < Data.BatchSize;
    /// <summary>ICNR initialisation of the sub-pixel convolutions (Aitken et al. 2017): each output pixel's four
    /// phases start from one kernel, so the generator starts without a 2-pixel checkerboard. Fresh runs only.</summary>
    public bool Icnr { get; init; }
    /// <summary>SRGAN: which update comes first in a step (the paper alternates them without saying which; see <see cref="StepOrder"/>).</summary>
    public StepOrder Order { get; init; } = StepOrder.DiscriminatorFirst;
    /// <summary>VGG19 weights for a VGG content loss (default: $SRGAN_WEIGHTS/vgg19-imagenet-partial/...).</summary>
    public string? VggWeights { get; init; }
    /// <summary>SRResNet checkpoint an SRGAN run starts its generator from (the paper does).</summary>
    public string? InitFrom { get; init; }
    /// <summary>Match each output's per-channel histogram to the bicubic upscale of its LR whenever this run's generator
    /// is evaluated or used (some reimplementations post-process so; false: the paper's raw output). It is part of the
    /// method, so the run carries it rather than every command being asked for it.</summary>
    public bool HistogramMatch { get; init; }

    /// <summary>The <see cref="Presets">preset</see> this run reproduces (null: none).</summary>
    public string? Preset { get; init; }
    /// <summary>What kind of implementation the preset's recipe comes from.</summary>
    public string? PresetSource { get; init; }
    /// <summary>Where this run departs from its preset's recipe and why, in words ("VGG54 in the original; VGG34 here: ...").</summary>
    public IReadOnlyList<string> Substitutions { get; init; } = [];

    public long Seed { get; init; }
    public string Device { get; init; } = "auto";
    public int LogEvery { get; init; } = 10;
    public int CheckpointEvery { get; init; } = 200;
    /// <summary>Set5 PSNR every this many steps (0: never).</summary>
    public int EvalEvery { get; init; } = 500;
    /// <summary>Keep the generator every this many steps as snapshots/generator-step{N}.safetensors (0: never), so a
    /// run's course can be scored afterwards (<c>srgan eval --model</c>); each is the size of generator.safetensors.</summary>
    public int SnapshotEvery { get; init; }

    public double LearningRateAt(long step) => DecayAtStep is { } d && step >= d ? DecayedLearningRate : LearningRate;

    public void Validate()
    {
        Generator.Validate();
        if (Steps <= 0) throw new ArgumentException($"Steps must be positive, got {Steps}.");
        if (TrainSets.Count == 0 && TrainFolders.Count == 0)
            throw new ArgumentException("No training images: name catalogued sets (TrainSets; srgan train --train-sets) or folders (TrainFolders; --train-dir).");
        if (DecayAtStep is <= 0) throw new ArgumentException($"The learning-rate decay step (--decay-at) must be positive, got {DecayAtStep}.");
        if (SnapshotEvery < 0) throw new ArgumentException($"Snapshots (--snapshot-every) are kept every N >= 0 steps, got {SnapshotEvery}.");
        if (Data.HrSize % Generator.Scale != 0) throw new ArgumentException($"HR crop {Data.HrSize} is not divisible by the scale {Generator.Scale}.");
        if (Data.Scale != Generator.Scale) throw new ArgumentException($"Data scale {Data.Scale} differs from the generator's {Generator.Scale}.");
        // Generator.Input: the trainer maps LR crops onto its range (Trainer.Run), as ModelUpscaler does at inference.
        if (Kind == ModelKind.Srgan && Discriminator.Head == DiscriminatorHead.Flatten && Discriminator.InputSize != Data.HrSize)
            throw new ArgumentException($"The discriminator's input size {Discriminator.InputSize} must equal the HR crop size {Data.HrSize}.");
        if (ContentWeight < 0 || AdversarialWeight < 0 || PixelWeight < 0 || TotalVariationWeight < 0 || GridWeight < 0 || ChromaWeight < 0)
            throw new ArgumentException($"Loss weights must be >= 0 (content {ContentWeight}, adversarial {AdversarialWeight}, pixel {PixelWeight}, TV {TotalVariationWeight}, grid {GridWeight}, chroma {ChromaWeight}).");
        if (LossShift < 0 || LossShift > Data.HrSize) throw new ArgumentException($"LossShift must be in 0..{Data.HrSize} (the HR crop), got {LossShift}.");
        if (GridWeight > 0 && Data.HrSize % 16 != 0) throw new ArgumentException($"The grid loss works on 16 px tiles; the HR crop {Data.HrSize} is not a multiple of 16.");
        if (MicroBatch < 0 || (MicroBatch > 0 && Data.BatchSize % MicroBatch != 0))
            throw new ArgumentException($"MicroBatch (--micro-batch) must divide the batch of {Data.BatchSize} crops (or be 0: the whole batch), got {MicroBatch}.");
        if (SplitsBatch && LossShift > 0)
            throw new ArgumentException($"LossShift (--loss-shift {LossShift}) draws one offset per step and cannot be combined with micro-batches (--micro-batch {MicroBatch} of {Data.BatchSize} crops).");
        // RaGAN compares each logit with the batch's mean logit of the other kind: over parts that would be each part's mean.
        if (SplitsBatch && Adversarial == GanObjective.RelativisticAverage)
            throw new ArgumentException($"The relativistic average GAN (--adversarial ragan) compares each crop with the whole batch's mean and cannot be split into micro-batches (--micro-batch {MicroBatch} of {Data.BatchSize} crops).");
        if (EmaDecay < 0 || EmaDecay >= 1) throw new ArgumentException($"EmaDecay must be in [0, 1), got {EmaDecay}.");
        if (Icnr && InitFrom != null) throw new ArgumentException($"ICNR initialises a fresh generator, and this run starts from {InitFrom}: drop one of them.");
        if (Icnr && Generator.Upsampling != UpsamplingType.SubPixel) throw new ArgumentException($"ICNR initialises sub-pixel convolutions; this generator upsamples by {Generator.Upsampling}.");
        if (Adversarial == GanObjective.WganGp && Discriminator.BatchNorm)
            throw new ArgumentException("WGAN-GP needs a discriminator without batch norm (set Discriminator.BatchNorm to false).");
    }

    // ---- Profiles -------------------------------------------------------------------------

    public static readonly string[] ProfileNames = ["paper", "cpu", "ablation", "smoke"];

    /// <summary>A named profile for a kind of run; <paramref name="content"/> replaces its content loss (the loss
    /// weights that go with a content loss are part of the profile: each profile states them for pixel and VGG losses).</summary>
    public static TrainingConfig ForProfile(string profile, ModelKind kind, ContentLoss? content = null)
    {
        string name = profile.Trim().ToLowerInvariant();
        var config = name switch
        {
            "paper" => Paper(kind, content),
            "cpu" => Cpu(kind, content),
            "ablation" => Ablation(kind, content),
            "smoke" => Smoke(kind, content),
            _ => throw new ArgumentException($"Unknown profile '{profile}': expected {string.Join(", ", ProfileNames)}."),
        };
        return config with { Profile = name, Kind = kind };
    }

    /// <summary>The paper (Section 3.2): 1e6 SRResNet updates at 1e-4; SRGAN 1e5 at 1e-4 then 1e5 at 1e-5, content
    /// (VGG54) + 1e-3 x adversarial; batches of 16 96px crops. For a GPU.</summary>
    static TrainingConfig Paper(ModelKind kind, ContentLoss? content) => kind == ModelKind.SRResNet
        ? new TrainingConfig { Steps = 1_000_000, Content = content ?? ContentLoss.Mse, CheckpointEvery = 5000, EvalEvery = 10_000, LogEvery = 100 }
        : new TrainingConfig
        {
            Steps = 200_000, DecayAtStep = 100_000, Content = content ?? ContentLoss.Vgg54, ContentWeight = 1, AdversarialWeight = 1e-3,
            CheckpointEvery = 5000, EvalEvery = 10_000, LogEvery = 100,
        };

    /// <summary>
    /// About 1.7 hours (SRResNet, ~0.8 s/step) and about half an hour for each SRGAN (~2 s/step) on 2 CPU cores.
    /// SRResNet at the paper's 1e-4 reached only 25.9 dB on Set5 after 400 steps (below bicubic), so the short
    /// schedule takes larger steps, then a tenth of them for the last 800 (measured: the drop gains ~0.4 dB within
    /// 400 steps, then flattens). 4000 steps with the drop at 3200 reached 30.26 dB on Set5, hence 7000/6200.
    /// SRGAN: the VGG content loss weighed by 1e-4, which puts VGG22 on the MSE's scale (see ContentLoss), the paper's
    /// 1e-3 adversarial weight, and two terms the paper does not have, both because of the 4-pixel grid that short
    /// schedules paint (results/probes-grid/README.md): a pixel MSE beside a VGG loss (x 1) and the grid loss (x GridWeight).
    /// 150-step probes from the same SRResNet on Set14: VGG22 + MSE + adversarial gave a periodic measure of 19.4 dB
    /// (SRResNet 6.3, the TensorLayer peer 5.7); the grid loss x 10 took it to 9.7 dB and LPIPS from 0.256 to 0.236.
    /// G step first (BasicSR's order), which saves one of D's three forwards per step. And the chroma loss (x ChromaWeight),
    /// against the colour speckle both perceptual terms paint (results/probes-chroma/README.md: a 400-step probe took
    /// Set14 NIQE from 6.03 to 5.62 at the same LPIPS, and the speckle off Set14's grey bridge).
    /// </summary>
    static TrainingConfig Cpu(ModelKind kind, ContentLoss? content)
    {
        if (kind == ModelKind.SRResNet)
            return new TrainingConfig
            {
                Steps = 7000, LearningRate = 5e-4, DecayAtStep = 6200, DecayedLearningRate = 5e-5, Content = content ?? ContentLoss.Mse,
                CheckpointEvery = 100, EvalEvery = 400, LogEvery = 10,
            };
        var c = content ?? ContentLoss.Vgg22;
        return new TrainingConfig
        {
            Steps = 800, DecayAtStep = 600, Content = c, Order = StepOrder.GeneratorFirst,
            ContentWeight = c.IsVgg ? 1e-4 : 1, AdversarialWeight = 1e-3, PixelWeight = c.IsVgg ? 1 : 0, GridWeight = CpuGridWeight,
            ChromaWeight = CpuChromaWeight,
            CheckpointEvery = 50, EvalEvery = 200, LogEvery = 10,
        };
    }

    /// <summary>
    /// The ablations of issue 15 (results/ablations.sh): a grid of about 14 runs that must fit a 2-core CPU across a few
    /// sessions, each run within one. The cpu profile's recipes on shorter schedules. SRResNet from scratch (the
    /// upsampling question trains one per upsampling type): 2,000 steps at 5e-4, 5e-5 from step 1,600 (cpu: 7,000 / 6,200;
    /// the drop keeps the cpu schedule's last-fifth share). SRGAN: 400 steps, 1e-5 from step 300 (cpu: 800 / 600), the cpu
    /// SRGAN's losses as they were when the grid was trained (VGG x 1e-4 + pixel MSE x 1 + grid x 10 + adversarial x 1e-3,
    /// no chroma loss: the grid's committed runs stay reproducible and comparable), G step first.
    /// Cost per run, from the cpu profile's measured step times on this 2-core machine with nothing else running:
    /// SRResNet ~0.63 s/step (results/srresnet-cpu-continued; the older results/srresnet-cpu ran at 0.78), so ~21 min
    /// (26 at 0.78); SRGAN ~2.2-2.4 s/step (results/srgan-vgg22-cpu: median 2.32), so ~15-16 min. The queue's logs (each
    /// run's log.jsonl, summarised in its eval/summary.md) hold the times measured on the runs themselves;
    /// results/ablations/README.md reports them.
    /// </summary>
    static TrainingConfig Ablation(ModelKind kind, ContentLoss? content)
    {
        var cpu = Cpu(kind, content);
        return kind == ModelKind.SRResNet
            ? cpu with { Steps = 2000, DecayAtStep = 1600, CheckpointEvery = 100, EvalEvery = 500 }
            : cpu with { Steps = 400, DecayAtStep = 300, CheckpointEvery = 50, EvalEvery = 200, ChromaWeight = 0 };
    }

    /// <summary>The cpu SRGAN's grid-loss weight (probes: results/probes-grid/README.md).</summary>
    public const double CpuGridWeight = 10;

    /// <summary>The cpu SRGAN's chroma-loss weight (probe: results/probes-chroma/README.md).</summary>
    public const double CpuChromaWeight = 10;

    /// <summary>Seconds: a small network on small crops; for tests and CI. Pretraining takes large steps; the GAN stage the paper's 1e-4.</summary>
    static TrainingConfig Smoke(ModelKind kind, ContentLoss? content) => new()
    {
        Steps = kind == ModelKind.SRResNet ? 30 : 12,
        Generator = new GeneratorOptions { Blocks = 2, Channels = 16 },
        Discriminator = new DiscriminatorOptions { InputSize = 32, DenseWidth = 64, BaseChannels = 16 },
        Data = new CropOptions { HrSize = 32, BatchSize = 4 },
        TrainSets = ["Set5"],
        LearningRate = kind == ModelKind.SRResNet ? 1e-3 : 1e-4,
        Content = content ?? (kind == ModelKind.SRResNet ? ContentLoss.Mse : ContentLoss.Vgg22),
        CheckpointEvery = 10, EvalEvery = 0, LogEvery = 1,
    };

    // ---- JSON -------------------------------------------------------------------------------

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Substitutions are sentences for people to read: keep their apostrophes and arrows as written, not \u0027.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TrainingConfig FromJson(string json, string source)
    {
        try
        {
            var node = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"{source}: a training config must be a JSON object.");
            // Configs written before the content loss became one value named its criterion apart.
            if (node["contentCriterion"] is JsonNode criterion)
            {
                node.Remove("contentCriterion");
                if (string.Equals(criterion.GetValue<string>(), "L1", StringComparison.OrdinalIgnoreCase) && node["content"]?.GetValue<string>() is { } content
                    && !content.Contains(':') && ContentLoss.NamesVggLayer(content))
                    node["content"] = content + ":l1";
            }
            return node.Deserialize<TrainingConfig>(Json) ?? throw new InvalidDataException($"{source}: empty training config.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid training config: {e.Message}", e);
        }
    }
}
