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
            foreach (string profile in new[] { "cpu", "paper" })
            {
                var budget = TrainingConfig.ForProfile(profile, ModelKind.Srgan);
                var c = preset.For(profile, vggWeights: "/any/vgg19.pth");
                Assert.Equal((budget.Steps, budget.CheckpointEvery, budget.EvalEvery, budget.LogEvery), (c.Steps, c.CheckpointEvery, c.EvalEvery, c.LogEvery));
                Assert.Equal(budget.TrainSets, c.TrainSets);
                Assert.Equal((preset.Recipe.Generator, preset.Recipe.Discriminator, preset.Recipe.Data), (c.Generator, c.Discriminator, c.Data));
                Assert.Equal((preset.Recipe.Content, preset.Recipe.Adversarial, preset.Recipe.LearningRate, preset.Recipe.DecayAtStep),
                    (c.Content, c.Adversarial, c.LearningRate, c.DecayAtStep));
                Assert.Equal((0.0, 0.0), (c.PixelWeight, c.GridWeight)); // the cpu SRGAN's extra terms are the profile's, not the budget's
                Assert.DoesNotContain(c.Substitutions, s => s.StartsWith("sizes:", StringComparison.Ordinal));
                Assert.Contains(c.Substitutions, s => s.StartsWith("schedule: ", StringComparison.Ordinal));
            }
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
