using SrganWorkbench.Evaluation;
using SrganWorkbench.Models;
using SrganWorkbench.Training;

namespace SrganWorkbench.Tests.Evaluation;

/// <summary>Notebook 04's smoke stand-ins are configured as results/ablations.sh configures the grid's runs.</summary>
public class AblationSmokeTests
{
    [Fact]
    public void Each_stand_in_changes_what_its_run_changes()
    {
        const string folder = "/tmp/smoke-runs";
        Assert.Equal(UpsamplingType.NearestConv, AblationSmoke.Config("up-nearest", folder).Generator.Upsampling);
        Assert.Equal(UpsamplingType.TransposedConv, AblationSmoke.Config("up-deconv", folder).Generator.Upsampling);
        Assert.True(AblationSmoke.Config("up-subpixel-icnr", folder).Icnr);
        Assert.False(AblationSmoke.Config("up-subpixel", folder).Icnr);
        // The SRGANs start from the tiny sub-pixel SRResNet trained first, as the grid's start from the committed one.
        var srgan = AblationSmoke.Config("srgan-vgg22", folder);
        Assert.Equal((ModelKind.Srgan, Path.Combine(folder, "up-subpixel")), (srgan.Kind, srgan.InitFrom));
        Assert.Equal("vgg22", srgan.Content.ToString());
        var srresnetVgg = AblationSmoke.Config("srresnet-vgg22", folder);
        Assert.Equal((0.0, 2e-8), (srresnetVgg.AdversarialWeight, srresnetVgg.TotalVariationWeight));
        Assert.Equal(1e-2, AblationSmoke.Config("adv-1e-2", folder).AdversarialWeight);
        Assert.Equal("keras-slides", AblationSmoke.Config("keras-slides", folder).Preset);
        Assert.Throws<ArgumentException>(() => AblationSmoke.Config("no-such-run", folder));
    }

    [Fact]
    public void The_trained_stand_ins_are_runs_of_the_grid_and_some_are_left_out()
    {
        var grid = AblationGrid.Runs.Select(r => r.Name).ToHashSet();
        Assert.All(AblationSmoke.Trained, name => Assert.Contains(name, grid));
        // The sub-pixel SRResNet first: the SRGAN stand-ins start from it.
        Assert.Equal("up-subpixel", AblationSmoke.Trained[0]);
        Assert.Contains("srgan-vgg54", grid.Except(AblationSmoke.Trained)); // its row shows an untrained run
    }
}
