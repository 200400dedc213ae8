using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Training;

namespace SrganWorkbench.Tests.Training;

/// <summary>The presets as configs: the scaling rule, the VGG54 substitution, and what older configs read as.</summary>
public class PresetTests
{
    [Fact]
    public void Every_preset_is_a_valid_srgan_config_under_every_profile()
    {
        Assert.Equal(Presets.Names.Count, Presets.Names.Distinct().Count());
        foreach (var preset in Presets.All)
            foreach (string profile in TrainingConfig.ProfileNames)
            {
                var c = preset.For(profile);
                c.Validate(); // among others: D's flatten head takes the HR crop's size
                Assert.Equal((preset.Name, preset.Source, profile, ModelKind.Srgan), (c.Preset, c.PresetSource, c.Profile, c.Kind));
            }
    }

    [Fact]
    public void The_profile_gives_the_budget_and_the_recipe_everything_else()
    {
        foreach (var preset in Presets.All)
            foreach (string profile in new[] { "cpu", "ablation", "paper" })
            {
                var budget = TrainingConfig.ForProfile(profile, ModelKind.Srgan);
                var c = preset.For(profile, vggWeights: "/any/vgg19.pth");
                Assert.Equal((budget.CheckpointEvery, budget.EvalEvery, budget.LogEvery), (c.CheckpointEvery, c.EvalEvery, c.LogEvery));
                // As many HR pixels as the profile's SRGAN (rounded up to a whole step), not as many steps.
                long pixels(TrainingConfig t) => t.Steps * t.Data.BatchSize * t.Data.HrSize * t.Data.HrSize;
                long perStep = (long)c.Data.BatchSize * c.Data.HrSize * c.Data.HrSize;
                Assert.InRange(pixels(c), pixels(budget), pixels(budget) + perStep - 1);
                Assert.Equal(budget.TrainSets, c.TrainSets);
                Assert.Equal((preset.Recipe.Generator, preset.Recipe.Discriminator, preset.Recipe.Data), (c.Generator, c.Discriminator, c.Data));
                Assert.Equal((preset.Recipe.Content, preset.Recipe.Adversarial, preset.Recipe.LearningRate, preset.Recipe.DecayAtStep),
                    (c.Content, c.Adversarial, c.LearningRate, c.DecayAtStep));
                Assert.Equal((0.0, 0.0, 0.0), (c.PixelWeight, c.GridWeight, c.ChromaWeight)); // the cpu SRGAN's extra terms are the profile's, not the budget's
                Assert.DoesNotContain(c.Substitutions, s => s.StartsWith("sizes:", StringComparison.Ordinal));
                Assert.Contains(c.Substitutions, s => s.StartsWith("schedule: ", StringComparison.Ordinal));
            }
    }

    [Fact]
    public void Presets_are_scaled_to_the_profiles_hr_pixels_and_smoke_keeps_its_steps()
    {
        // cpu: 800 steps x 16 x 96^2. keras-384 (64 x 384^2 a step, 64x) takes 800/64 = 12.5, so 13 steps; 128 px crops 450;
        // whole 256 px images in batches of 4 (4 x 256^2 = 262,144 px a step) 450; the paper's crops keep 800.
        Assert.Equal(13, Presets.Keras384.For("cpu").Steps);
        Assert.Equal(450, Presets.KerasSlides.For("cpu").Steps);
        Assert.Equal(450, Presets.PytorchL1Lsgan.For("cpu").Steps);
        Assert.Equal(800, Presets.TfNnReflect.For("cpu").Steps);
        Assert.Equal(7, Presets.Keras384.For("ablation").Steps); // 400/64 = 6.25
        // Rounded up, and at least one step.
        var budget = TrainingConfig.ForProfile("cpu", ModelKind.Srgan) with { Steps = 3 };
        Assert.Equal(1, TrainingPreset.StepsForPixels(budget, new SrganWorkbench.Data.CropOptions { HrSize = 384, BatchSize = 64 }));
        Assert.Equal(2, TrainingPreset.StepsForPixels(budget with { Steps = 65 }, new SrganWorkbench.Data.CropOptions { HrSize = 384, BatchSize = 64 }));
        // Smoke caps the sizes to its own, so its step count stays the profile's.
        foreach (var preset in Presets.All)
            Assert.Equal(TrainingConfig.ForProfile("smoke", ModelKind.Srgan).Steps, preset.For("smoke").Steps);
        Assert.Contains(Presets.Keras384.For("cpu").Substitutions, s => s.StartsWith("schedule: the original's length; here as many HR pixels as the profile's SRGAN", StringComparison.Ordinal));
    }

    [Fact]
    public void A_batch_too_large_for_memory_is_split_into_micro_batches_and_says_so()
    {
        // keras-384: 64 x 384^2 px a step is 64x the ablation profile's 16 x 96^2; a pass may hold 4x, so parts of 4 crops.
        var keras = Presets.Keras384.For("ablation");
        Assert.Equal(4, keras.MicroBatch);
        Assert.Equal(64, keras.Data.BatchSize); // the recipe's batch stays: one update per 64 crops
        Assert.Contains(keras.Substitutions, s => s.Contains("micro-batches of 4 crops", StringComparison.Ordinal) && s.Contains("batch norm normalises 4 crops at a time, not 64", StringComparison.Ordinal));
        keras.Validate();
        // The other recipes fit in one pass (at most 4x the profile's pixels) and are not split; smoke caps the sizes.
        foreach (var preset in new[] { Presets.TfNnReflect, Presets.KerasSlides, Presets.PytorchL1Lsgan })
            Assert.Equal(0, preset.For("ablation").MicroBatch);
        Assert.Equal(0, Presets.Keras384.For("smoke").MicroBatch);
        // The largest divisor of the batch within the limit: 4 crops of 384 px fit, and 10 crops split into parts of 2.
        var budget = TrainingConfig.ForProfile("ablation", ModelKind.Srgan);
        Assert.Equal(2, TrainingPreset.MicroBatchFor(budget, new SrganWorkbench.Data.CropOptions { HrSize = 384, BatchSize = 10 }));
        Assert.Null(TrainingPreset.MicroBatchFor(budget, new SrganWorkbench.Data.CropOptions { HrSize = 192, BatchSize = 16 }));
    }

    [Fact]
    public void A_crop_the_training_images_cannot_hold_shrinks_to_the_largest_half_of_them_hold_and_says_so()
    {
        // The profiles' training images (T91+BSD200; BSD200's are 481 x 321) hold no 384 px square: keras-384's crop cannot stay.
        var sets = TrainingConfig.ForProfile("ablation", ModelKind.Srgan).TrainSets;
        var files = sets.SelectMany(n => SrganWorkbench.Data.ImageFolder.List(SharedData.Set(n))).ToList();
        int largest = SrganWorkbench.Data.TrainingCrops.LargestCommonCrop(sets, SharedData.Root, 4);
        int holding(int crop) => files.Count(f => { var (w, h) = SrganWorkbench.Imaging.ImageFile.ReadSize(f); return w - w % 4 >= crop && h - h % 4 >= crop; });
        Assert.Equal(0, largest % 4);
        Assert.True(2 * holding(largest) >= files.Count, $"{holding(largest)} of {files.Count} images hold {largest} px");
        Assert.True(2 * holding(largest + 4) < files.Count, $"{holding(largest + 4)} of {files.Count} images hold {largest + 4} px");
        Assert.Equal(0, holding(384));

        var keras = Presets.Keras384.For("ablation", largestCrop: largest);
        int hr = largest - largest % 16;
        Assert.Equal((hr, hr, hr / 4), (keras.Data.HrSize, keras.Discriminator.InputSize, keras.Data.LrSize));
        Assert.Equal(TrainingPreset.StepsForPixels(TrainingConfig.ForProfile("ablation", ModelKind.Srgan), keras.Data), keras.Steps); // the rule counts the crops it trains on
        Assert.Contains(keras.Substitutions, s => s.StartsWith($"HR 384 / LR 96 crops in the original; here {hr} / {hr / 4}:", StringComparison.Ordinal));
        keras.Validate();
        // The crop can then be read from the training images (a 384 px one could not).
        var crops = new SrganWorkbench.Data.TrainingCrops(files, keras.Data with { BatchSize = 2, Workers = 1 });
        Assert.Equal(holding(hr), crops.Files.Count);
        Assert.Throws<ArgumentException>(() => new SrganWorkbench.Data.TrainingCrops(files, keras.Data with { HrSize = 384 }));

        // ForData reads the profile's training images itself, as the CLI and notebook 04 do.
        Assert.Equal(keras.ToJson(), Presets.Keras384.ForData("ablation", dataRoot: SharedData.Root).ToJson());
        Assert.Equal(Presets.PytorchL1Lsgan.For("ablation").ToJson(), Presets.PytorchL1Lsgan.ForData("ablation", dataRoot: "/nonexistent/data").ToJson()); // whole images: nothing read
        // Recipes whose crops fit, whole-image ones and smoke (which caps the sizes itself) are left as they are.
        foreach (var preset in new[] { Presets.TfNnReflect, Presets.KerasSlides, Presets.PytorchL1Lsgan })
            Assert.Equal(preset.For("ablation").ToJson(), preset.For("ablation", largestCrop: largest).ToJson());
        Assert.Equal(Presets.PytorchL1Lsgan.For("ablation").ToJson(), Presets.PytorchL1Lsgan.For("ablation", largestCrop: 64).ToJson());
        Assert.Equal(Presets.Keras384.For("smoke").ToJson(), Presets.Keras384.For("smoke", largestCrop: largest).ToJson());
    }

    [Fact]
    public void Vgg54_stays_with_the_users_vgg19_and_becomes_vgg34_on_the_shared_weights()
    {
        var shared = Presets.TfNnReflect.For("cpu");
        Assert.Equal(ContentLoss.Vgg("relu3_4"), shared.Content);
        Assert.Null(shared.VggWeights);
        Assert.Contains(shared.Substitutions, s => s.StartsWith("VGG54 in the original; VGG34 here: no VGG54 weights", StringComparison.Ordinal));

        var own = Presets.TfNnReflect.For("cpu", "/home/me/vgg19-dcbb9e9d.pth");
        Assert.Equal(ContentLoss.Vgg54, own.Content);
        Assert.Equal("/home/me/vgg19-dcbb9e9d.pth", own.VggWeights);
        Assert.DoesNotContain(own.Substitutions, s => s.Contains("VGG54"));

        // The criterion survives the substitution.
        Assert.Equal(ContentLoss.Vgg("relu3_4", Criterion.L1), Presets.PytorchL1Lsgan.For("cpu").Content);
    }

    [Fact]
    public void A_preset_config_round_trips_and_configs_written_before_presets_still_read()
    {
        var c = Presets.KerasSlides.For("smoke");
        var back = TrainingConfig.FromJson(c.ToJson(), "test");
        Assert.Equal(c.ToJson(), back.ToJson());
        Assert.Equal(c.Substitutions, back.Substitutions);

        string committed = Path.Combine(SrganWorkbench.Data.DataRoot.RepositoryRoot(), "tests", "fixtures", "legacy-srgan-vgg22.config.json");
        var old = TrainingConfig.FromJson(File.ReadAllText(committed), committed);
        Assert.Equal((null, null, 0), (old.Preset, old.PresetSource, old.Substitutions.Count));
        Assert.Equal((false, false), (old.HistogramMatch, old.Data.WholeImage));
        Assert.Equal((0.1, 0.1), (old.Generator.BatchNormMomentum, old.Discriminator.BatchNormMomentum));
    }

    [Fact]
    public void An_unknown_preset_names_the_known_ones()
    {
        Assert.Same(Presets.KerasSlides, Presets.Get(" Keras-Slides "));
        var e = Assert.Throws<ArgumentException>(() => Presets.Get("esrgan"));
        Assert.Equal("Unknown preset 'esrgan': expected one of tf-nn-reflect, keras-384, keras-slides, pytorch-l1-lsgan.", e.Message);
    }
}
