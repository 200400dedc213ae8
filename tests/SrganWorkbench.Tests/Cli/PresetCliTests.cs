using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Training;

namespace SrganWorkbench.Tests.Cli;

/// <summary><c>srgan train --preset NAME --profile smoke</c> for each seed implementation: the run completes and its
/// config.json (and first lines) state the preset, its source, the recipe and every substitution.</summary>
[Collection("training")]
public class PresetCliTests
{
    static (int Code, string Out, string Err) Srgan(params string[] args) => TestProcess.Srgan(args);

    /// <summary>Trains the preset under the smoke profile in <paramref name="run"/>; checks what every preset run records.</summary>
    static TrainingConfig TrainSmoke(string preset, string run)
    {
        var result = Srgan("train", "--preset", preset, "--profile", "smoke", "--device", "cpu", "--out", run);
        Assert.True(result.Code == 0, result.Err);
        Assert.Contains("Completed: finished 12 steps", result.Out);
        string json = File.ReadAllText(Path.Combine(run, "config.json"));
        var config = TrainingConfig.FromJson(json, "config.json");
        Assert.Equal((preset, Presets.Get(preset).Source), (config.Preset, config.PresetSource));
        Assert.Contains($"preset {preset}: {config.PresetSource}", result.Err);
        Assert.Contains(config.Substitutions, s => s.StartsWith("sizes: ", StringComparison.Ordinal)); // smoke shrinks the recipe, and says so
        foreach (string substitution in config.Substitutions)
        {
            Assert.Contains($"substitution: {substitution}", result.Err);
            Assert.Contains(substitution, json); // as written, not \u0027-escaped
        }
        Assert.Equal((ModelKind.Srgan, null, null), (config.Kind, config.InitFrom, config.DecayAtStep)); // from scratch, constant rate
        return config;
    }

    const string Vgg54Substitution = "VGG54 in the original; VGG34 here: no VGG54 weights";

    [Fact]
    public void Tf_nn_reflect_trains_with_nearest_reflect_dense_256_and_histogram_matched_outputs()
    {
        using var temp = new SharedData.TempFolder();
        string run = temp.File("run");
        var c = TrainSmoke("tf-nn-reflect", run);
        Assert.Equal((UpsamplingType.NearestConv, ConvPadding.Reflect), (c.Generator.Upsampling, c.Generator.Padding));
        Assert.Equal(256, c.Discriminator.DenseWidth);
        Assert.Equal((ContentLoss.Vgg("relu3_4"), GanObjective.Bce, 1e-4), (c.Content, c.Adversarial, c.LearningRate));
        Assert.Contains(c.Substitutions, s => s.StartsWith(Vgg54Substitution, StringComparison.Ordinal));
        Assert.True(c.HistogramMatch);

        // The run's outputs are histogram-matched to the bicubic upscale wherever it is loaded.
        var lr = ImageFile.Read(SharedData.Path_("extra", "matlab_bicubic_x4", "Set5", "bird.png"));
        var trained = TrainedModel.Load(run);
        using var checkpoint = Checkpoint.Read(run);
        var raw = new ModelUpscaler(Checkpoint.LoadGenerator(checkpoint), "raw").Upscale(lr);
        var matched = HistogramMatch.ToReference(raw, MatlabResize.Resize(lr, 4));
        Assert.NotEqual(raw.Pixels, matched.Pixels);
        Assert.Equal(matched.Pixels, trained.Upscaler.Upscale(lr).Pixels);
        Assert.Equal("tf-nn-reflect-smoke", trained.Upscaler.Name);
        // Its evaluation report says the preset and each substitution in words.
        var eval = Srgan("eval", "--model", run, "--sets", "Set5", "--no-niqe", "--no-lpips", "--out", temp.File("eval"));
        Assert.True(eval.Code == 0, eval.Err);
        string report = File.ReadAllText(Path.Combine(temp.File("eval"), "summary.md"));
        Assert.Contains($"preset tf-nn-reflect ({c.PresetSource}), substitutions: ", report);
        foreach (string substitution in c.Substitutions) Assert.Contains(substitution, report);
    }

    [Fact]
    public void Keras_384_trains_on_signed_lr_with_sub_pixel_prelu_and_bce()
    {
        using var temp = new SharedData.TempFolder();
        var c = TrainSmoke("keras-384", temp.File("run"));
        Assert.Equal(InputRange.Signed, c.Generator.Input);
        Assert.Equal((UpsamplingType.SubPixel, Activation.PRelu, false), (c.Generator.Upsampling, c.Generator.Activation, c.Generator.PReluPerChannel));
        Assert.Equal((GanObjective.Bce, 1.0, 1e-3, 1e-4, 0.9), (c.Adversarial, c.ContentWeight, c.AdversarialWeight, c.LearningRate, c.Beta1));
        Assert.Equal(ContentLoss.Vgg("relu3_4"), c.Content);
        Assert.Contains(c.Substitutions, s => s.StartsWith(Vgg54Substitution, StringComparison.Ordinal));
        // The recipe's own sizes, which smoke caps: 384/96 crops, batch 64, 16 blocks.
        var cpu = Presets.Keras384.For("cpu");
        Assert.Equal((384, 96, 64, 16, 384), (cpu.Data.HrSize, cpu.Data.LrSize, cpu.Data.BatchSize, cpu.Generator.Blocks, cpu.Discriminator.InputSize));
    }

    [Fact]
    public void Keras_slides_trains_with_nearest_upsampling_keras_momenta_vgg34_and_dense_1024()
    {
        using var temp = new SharedData.TempFolder();
        string run = temp.File("run");
        var c = TrainSmoke("keras-slides", run);
        Assert.Equal((UpsamplingType.NearestConv, true), (c.Generator.Upsampling, c.Generator.PReluPerChannel));
        Assert.Equal((0.5, 0.2), (c.Generator.BatchNormMomentum, c.Discriminator.BatchNormMomentum)); // Keras 0.5 and 0.8
        Assert.Equal(1024, c.Discriminator.DenseWidth);
        Assert.Equal((ContentLoss.Vgg("relu3_4"), GanObjective.Bce, 1e-3), (c.Content, c.Adversarial, c.AdversarialWeight));
        Assert.DoesNotContain(c.Substitutions, s => s.Contains("VGG54")); // VGG34 is the recipe's own layer
        Assert.Contains(c.Substitutions, s => s.Contains("losses averaged"));
        Assert.Equal((128, 32), (Presets.KerasSlides.For("cpu").Data.HrSize, Presets.KerasSlides.For("cpu").Data.LrSize));

        // A preset run resumes like any other (its config, substitutions included, is made again the same), longer with --steps.
        var resumed = Srgan("train", "--preset", "keras-slides", "--profile", "smoke", "--device", "cpu", "--steps", "14", "--out", run, "--resume");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("Completed: finished 14 steps", resumed.Out);
    }

    [Fact]
    public void Pytorch_l1_lsgan_trains_on_whole_resized_images_with_l1_vgg_and_least_squares()
    {
        using var temp = new SharedData.TempFolder();
        var c = TrainSmoke("pytorch-l1-lsgan", temp.File("run"));
        Assert.True(c.Data.WholeImage);
        Assert.Equal(4, c.Data.BatchSize);
        Assert.Equal((ContentLoss.Vgg("relu3_4", Criterion.L1), GanObjective.LeastSquares, 2e-4), (c.Content, c.Adversarial, c.LearningRate));
        Assert.Contains(c.Substitutions, s => s.StartsWith("VGG54 (L1) in the original; VGG34 (L1) here", StringComparison.Ordinal));
        Assert.Contains(c.Substitutions, s => s.Contains("mean and std"));
        Assert.Equal((256, 64, 4), (Presets.PytorchL1Lsgan.For("cpu").Data.HrSize, Presets.PytorchL1Lsgan.For("cpu").Data.LrSize, Presets.PytorchL1Lsgan.For("cpu").Data.BatchSize));
    }

    [Fact]
    public void An_unknown_preset_is_one_line_naming_the_option_and_the_known_presets()
    {
        using var temp = new SharedData.TempFolder();
        var unknown = Srgan("train", "--preset", "esrgan", "--profile", "smoke", "--out", temp.File("run"));
        Assert.Equal(2, unknown.Code);
        Assert.Equal("error: --preset 'esrgan': expected one of tf-nn-reflect, keras-384, keras-slides, pytorch-l1-lsgan.", unknown.Err.Trim());
        Assert.False(Directory.Exists(temp.File("run")));

        var both = Srgan("train", "--preset", "keras-slides", "--model", "srgan", "--out", temp.File("run"));
        Assert.Equal(2, both.Code);
        Assert.Contains("--preset and --model cannot be combined", both.Err);
    }
}
