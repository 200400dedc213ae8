using SrganWorkbench.Data;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;

namespace SrganWorkbench.Training;

/// <summary>
/// A seed implementation of SRGAN as a preset: its recipe at the recipe's own sizes, where the recipe comes from,
/// and where this workspace cannot follow it (<see cref="Substitutions"/>, in words). <see cref="For"/> scales it to
/// a profile's budget by <see cref="Presets.ScalingRule"/>. Settings a recipe does not state are the workspace's
/// defaults (the paper's: batch 16, flips and rotations, adversarial weight 1e-3, content weight 1 on the paper's
/// VGG feature scale).
/// </summary>
public sealed record TrainingPreset(string Name, string Source, string Description, TrainingConfig Recipe, IReadOnlyList<string> Substitutions)
{
    /// <summary>The run's config: the recipe under <paramref name="profile"/>'s budget, with <paramref name="vggWeights"/>
    /// (null: the shared partial VGG19) deciding whether a VGG54 content loss can stay, and <paramref name="largestCrop"/>
    /// (<see cref="TrainingCrops.LargestCommonCrop(IEnumerable{string}, int)"/> of the profile's training images; null: not
    /// checked) whether the recipe's HR crop can. <paramref name="images"/>: what the run trains on (null: the profile's sets).
    /// Records the preset, its source and every substitution, these runs' own included.</summary>
    public TrainingConfig For(string profile, string? vggWeights = null, int? largestCrop = null, TrainingImages? images = null)
    {
        var budget = TrainingConfig.ForProfile(profile, ModelKind.Srgan);
        var substitutions = new List<string>(Substitutions);
        // Smoke caps the sizes to its own (below), so there its step count already is the pixel budget.
        var c = (Recipe with
        {
            Profile = budget.Profile, Kind = ModelKind.Srgan, VggWeights = vggWeights,
            LogEvery = budget.LogEvery, CheckpointEvery = budget.CheckpointEvery, EvalEvery = budget.EvalEvery,
        }).WithImages(images ?? budget.Images);
        // No step count or profile name in these two: --steps may override the count and a resumed run may change
        // either, and the substitutions are part of the config a resumed run must match.
        substitutions.Add("schedule: the original's length; here as many HR pixels as the profile's SRGAN trains on (steps x batch x HR crop^2, " +
            "rounded up to whole steps) at the recipe's learning rate (the scaling rule)");
        substitutions.Add($"training images: the original's data set; here {c.Images.Name}, {(images == null ? "the profile's" : "the run's own")}");
        if (budget.Profile == "smoke")
        {
            substitutions.Add($"sizes: generator {c.Generator.Blocks} blocks x {c.Generator.Channels} channels, discriminator base {c.Discriminator.BaseChannels}, " +
                $"batch {c.Data.BatchSize} x {c.Data.HrSize} px in the recipe; here the smoke profile's {budget.Generator.Blocks} x {budget.Generator.Channels}, " +
                $"{budget.Discriminator.BaseChannels}, {budget.Data.BatchSize} x {budget.Data.HrSize} px, so that the run takes seconds");
            c = c with
            {
                Generator = c.Generator with { Blocks = budget.Generator.Blocks, Channels = budget.Generator.Channels },
                Discriminator = c.Discriminator with { BaseChannels = budget.Discriminator.BaseChannels, InputSize = budget.Data.HrSize },
                Data = c.Data with { HrSize = budget.Data.HrSize, BatchSize = budget.Data.BatchSize },
            };
        }
        // A multiple of 16: the discriminator's flatten head halves the crop four times.
        else if (largestCrop is int most && most - most % 16 is var hr && !c.Data.WholeImage && c.Data.HrSize > hr)
        {
            if (hr < 16) throw new ArgumentException($"Preset {Name}: the training images ({c.Images.Name}) hold no HR crop of 16 px or more.");
            substitutions.Add($"HR {c.Data.HrSize} / LR {c.Data.LrSize} crops in the original; here {hr} / {hr / c.Data.Scale}: the largest (a multiple of 16, " +
                $"for the discriminator) that at least half the training images ({c.Images.Name}) hold; crops come only from the images that hold one");
            c = c with { Data = c.Data with { HrSize = hr }, Discriminator = c.Discriminator with { InputSize = hr } };
        }
        // Steps after the sizes are settled: the scaling rule counts the pixels this run's batches hold.
        c = c with { Steps = budget.Profile == "smoke" ? budget.Steps : StepsForPixels(budget, c.Data) };
        if (MicroBatchFor(budget, c.Data) is int micro)
        {
            substitutions.Add($"batch of {c.Data.BatchSize} x {c.Data.HrSize} px in one pass in the original; here micro-batches of {micro} crops whose " +
                "gradients add up to one update per batch (memory: a pass holds at most " + MemoryFactor + " times the profile's batch pixels), " +
                $"so batch norm normalises {micro} crops at a time, not {c.Data.BatchSize}");
            c = c with { MicroBatch = micro };
        }
        if (c.Content.IsVgg && vggWeights == null && Vgg19Features.FeatureIndex(c.Content.VggLayer!) > Vgg19Features.FeatureIndex(Presets.DeepestSharedVggLayer))
        {
            var shallower = ContentLoss.Vgg(Presets.DeepestSharedVggLayer, c.Content.Criterion);
            substitutions.Add($"{Paper(c.Content)} in the original; {Paper(shallower)} here: no {Paper(c.Content)} weights " +
                "(the shared VGG19 stops at conv3_4; --vgg-weights with torchvision's VGG19 keeps the original's layer)");
            c = c with { Content = shallower };
        }
        return c with { Preset = Name, PresetSource = Source, Substitutions = substitutions };
    }

    /// <summary><see cref="For"/> as a run trains it: the recipe's crop checked against the profile's training images
    /// under <paramref name="dataRoot"/> (null: $SRGAN_DATA, else data/), which no T91+BSD200 image holds for keras-384.
    /// Whole-image recipes resize instead of cropping, so nothing is read for them. <paramref name="images"/>: the run's own
    /// training images instead of the profile's (srgan train --train-dir, --train-sets). The CLI and notebook 04 use this.</summary>
    public TrainingConfig ForData(string profile, string? vggWeights = null, string? dataRoot = null, TrainingImages? images = null) =>
        For(profile, vggWeights, Recipe.Data.WholeImage ? null
            : TrainingCrops.LargestCommonCrop(images ?? TrainingConfig.ForProfile(profile, ModelKind.Srgan).Images, dataRoot, Recipe.Data.Scale), images);

    /// <summary>Steps for a run on <paramref name="data"/>'s batches to see as many HR pixels as <paramref name="budget"/>'s
    /// run (steps x batch x HR crop^2; at least 1, rounded up). Equal steps would give a recipe with 64 crops of 384 px
    /// 64 times the profile's pixels per step (16 x 96 px), so about 64 times the time; equal pixels give each preset about
    /// the same amount of data and, as a convolutional network's time grows with its pixels, about the same CPU time.</summary>
    public static long StepsForPixels(TrainingConfig budget, CropOptions data)
    {
        long budgetPixels = budget.Steps * budget.Data.BatchSize * budget.Data.HrSize * budget.Data.HrSize;
        long perStep = (long)data.BatchSize * data.HrSize * data.HrSize;
        return Math.Max(1, (budgetPixels + perStep - 1) / perStep);
    }

    /// <summary>How many times the profile's batch pixels one forward and backward pass may hold (<see cref="MicroBatchFor"/>).</summary>
    public const int MemoryFactor = 4;

    /// <summary>The micro-batch (<see cref="TrainingConfig.MicroBatch"/>) for a recipe whose batch holds more than
    /// <see cref="MemoryFactor"/> times <paramref name="budget"/>'s batch pixels: the largest divisor of its batch that
    /// stays within that; null when the whole batch fits. keras-384's 64 crops of 384 px are 64 times the profile's
    /// 16 x 96 px, and the ablation SRGAN step alone holds about 2.5 GB on this CPU: one pass would need some 64 times that.</summary>
    public static int? MicroBatchFor(TrainingConfig budget, CropOptions data)
    {
        long limit = MemoryFactor * (long)budget.Data.BatchSize * budget.Data.HrSize * budget.Data.HrSize;
        long crop = (long)data.HrSize * data.HrSize;
        if (data.BatchSize * crop <= limit) return null;
        int micro = Enumerable.Range(1, data.BatchSize).Where(m => data.BatchSize % m == 0 && m * crop <= limit).DefaultIfEmpty(1).Max();
        return micro;
    }

    /// <summary>"VGG54", "VGG34 (L1)": the paper's names.</summary>
    static string Paper(ContentLoss loss) =>
        loss.VggLayer!.Replace("relu", "VGG").Replace("_", "") + (loss.Criterion == Criterion.L1 ? " (L1)" : "");
}

/// <summary>
/// The seed implementations of issue 15: four public reimplementations' recipes, each reproduced as far as this
/// workspace's data and weights allow (<c>srgan train --preset NAME</c>). One source of truth: the CLI's choices and
/// help, the README's table and the tests read this list.
/// </summary>
public static class Presets
{
    /// <summary>How a preset meets a profile; <c>srgan train --help</c> prints it.</summary>
    public const string ScalingRule =
        "A preset keeps its recipe and takes from --profile only the budget: as many HR pixels as the profile's SRGAN trains " +
        "on (its steps x batch x HR crop^2: paper 200,000, cpu 800, ablation 400 steps of 16 x 96 px), so a recipe with larger " +
        "batches or crops takes fewer steps (rounded up, at least 1); how often to log, checkpoint and evaluate; and the " +
        "training sets. A crop larger than at least half the training images hold shrinks to the largest they do (a multiple " +
        "of 16, for the discriminator; keras-384's 384 px becomes 320 on T91+BSD200: none holds 384, BSD200's are 481 x 321), and " +
        "the steps follow from the smaller crop. Under smoke (tests, CI) the budget also caps the sizes: generator blocks and channels, the " +
        "discriminator's base channels, batch and HR size are the smoke profile's (so its 12 steps); layer types, losses, " +
        "ranges, momenta, D's dense width and the data mode stay the recipe's.";

    /// <summary>The deepest VGG19 layer the shared partial weights have (conv1_1..conv3_4).</summary>
    public const string DeepestSharedVggLayer = "relu3_4";

    public static readonly TrainingPreset TfNnReflect = new(
        "tf-nn-reflect",
        "TensorFlow SRGAN reimplementation (nearest-neighbour upsampling + reflection padding variant)",
        "nearest + conv upsampling, reflection padding, D dense 256, VGG54 content + 1e-3 BCE, Adam 1e-4 constant, from scratch, " +
        "96 px HR crops, outputs histogram-matched to the bicubic upscale",
        new TrainingConfig
        {
            Generator = new GeneratorOptions { Upsampling = UpsamplingType.NearestConv, Padding = ConvPadding.Reflect },
            Discriminator = new DiscriminatorOptions { InputSize = 96, DenseWidth = 256 },
            Data = new CropOptions { HrSize = 96 },
            Content = ContentLoss.Vgg54, ContentWeight = 1, Adversarial = GanObjective.Bce, AdversarialWeight = 1e-3,
            LearningRate = 1e-4, DecayAtStep = null,
            HistogramMatch = true,
        },
        []);

    public static readonly TrainingPreset Keras384 = new(
        "keras-384",
        "Keras SRGAN reimplementation (384 px HR / 96 px LR crops, inputs in [-1,1])",
        "HR 384 / LR 96 crops, LR and HR in [-1,1], batch 64, 16 blocks, sub-pixel x2 twice, PReLU, VGG54 content + 1e-3 BCE, " +
        "Adam 1e-4 beta1 0.9, from scratch",
        new TrainingConfig
        {
            Generator = new GeneratorOptions { Blocks = 16, Upsampling = UpsamplingType.SubPixel, Activation = Activation.PRelu, Input = InputRange.Signed },
            Discriminator = new DiscriminatorOptions { InputSize = 384 },
            Data = new CropOptions { HrSize = 384, BatchSize = 64 },
            Content = ContentLoss.Vgg54, ContentWeight = 1, Adversarial = GanObjective.Bce, AdversarialWeight = 1e-3,
            LearningRate = 1e-4, DecayAtStep = null, Beta1 = 0.9,
        },
        []);

    public static readonly TrainingPreset KerasSlides = new(
        "keras-slides",
        "Keras SRGAN reimplementation (32 -> 128 crops, UpSampling2D + conv, the teaching-slides variant)",
        "32 -> 128 crops, nearest + conv upsampling, PReLU per channel, batch-norm momentum G 0.5 / D 0.8 (Keras; torch 0.5 / 0.2), " +
        "D dense 1024, VGG34 content + 1e-3 BCE, D's real and fake losses averaged",
        new TrainingConfig
        {
            Generator = new GeneratorOptions { Upsampling = UpsamplingType.NearestConv, PReluPerChannel = true, BatchNormMomentum = 0.5 } /* Keras 0.5 */,
            Discriminator = new DiscriminatorOptions { InputSize = 128, DenseWidth = 1024, BatchNormMomentum = 0.2 } /* Keras 0.8: torch's is 1 - Keras' */,
            Data = new CropOptions { HrSize = 128 },
            Content = ContentLoss.Vgg("relu3_4"), ContentWeight = 1, Adversarial = GanObjective.Bce, AdversarialWeight = 1e-3,
            LearningRate = 1e-4, DecayAtStep = null,
        },
        [
            "D trained on the real and the fake half with the two losses averaged in the original; here one D step on the sum of the " +
            "two halves' losses, each half in its own forward pass (so batch norm sees real and fake apart, as there): Adam's step " +
            "does not depend on the loss's scale, so sum and average give the same update (to Adam's epsilon)",
        ]);

    public static readonly TrainingPreset PytorchL1Lsgan = new(
        "pytorch-l1-lsgan",
        "PyTorch SRGAN reimplementation (whole images resized, L1 VGG content, least-squares GAN)",
        "whole images resized to 256 x 256 HR / 64 x 64 LR, VGG54 content with L1, least-squares adversarial loss, batch 4, " +
        "Adam 2e-4, checkpoints every N epochs",
        new TrainingConfig
        {
            Discriminator = new DiscriminatorOptions { InputSize = 256 },
            Data = new CropOptions { HrSize = 256, BatchSize = 4, WholeImage = true },
            Content = ContentLoss.Vgg("relu5_4", Criterion.L1), ContentWeight = 1, Adversarial = GanObjective.LeastSquares, AdversarialWeight = 1e-3,
            LearningRate = 2e-4, DecayAtStep = null,
        },
        [
            "LR and HR normalised by mean and std in the original; here LR in [0,1] and HR in [-1,1], the workspace's ranges " +
            "(its losses and upscaler assume them; the VGG loss applies ImageNet's normalisation itself)",
            "LR resized from each original image in the original; here the 256 x 256 HR made 4x smaller by the bicubic degradation",
            "checkpoints every N epochs in the original; here every CheckpointEvery steps, the profile's (runs count steps, not epochs)",
        ]);

    public static IReadOnlyList<TrainingPreset> All { get; } = [TfNnReflect, Keras384, KerasSlides, PytorchL1Lsgan];

    public static IReadOnlyList<string> Names { get; } = All.Select(p => p.Name).ToArray();

    /// <summary>The preset named <paramref name="name"/> (case-insensitive), or an error listing the known ones.</summary>
    public static TrainingPreset Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown preset '{name}': expected one of {string.Join(", ", Names)}.");
}
