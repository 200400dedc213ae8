using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;

namespace SrganWorkbench.Tests.Inference;

public class RunMethodTests
{
    [Theory]
    [InlineData("srresnet-cpu", "srresnet-cpu")]
    [InlineData("srgan-mse-cpu", "srgan-mse-cpu")]
    [InlineData("srgan-vgg22-cpu", "srgan-vgg22-cpu")]
    public void The_committed_runs_are_named_as_their_tables_rows_and_upscale(string run, string name)
    {
        var upscaler = TrainedModel.Load(Path.Combine(DataRoot.RepositoryRoot(), "results", run)).Upscaler;
        Assert.Equal(name, upscaler.Name);
        var hr = ImageFile.Read(Path.Combine(SharedData.Set("Set5"), "bird.png")).ModCrop(4);
        var lr = new BicubicDegradation(4).Apply(hr).Crop(0, 0, 24, 24);
        var sr = upscaler.Upscale(lr);
        Assert.Equal((96, 96), (sr.Width, sr.Height));
    }

    [Fact]
    public void Ablation_variants_have_names_of_their_own_and_no_paper_row()
    {
        var srgan = SrganWorkbench.Training.TrainingConfig.ForProfile("ablation", SrganWorkbench.Training.ModelKind.Srgan);
        var srresnet = SrganWorkbench.Training.TrainingConfig.ForProfile("ablation", SrganWorkbench.Training.ModelKind.SRResNet);
        Assert.Equal("srgan-vgg22-ablation", RunMethod.Name(srgan));
        Assert.Equal("srgan-vgg22-adv1e-2-ablation", RunMethod.Name(srgan with { AdversarialWeight = 1e-2 }));
        Assert.Equal("srgan-vgg22-adv1e-4-ablation", RunMethod.Name(srgan with { AdversarialWeight = 1e-4 }));
        // The chroma loss: named only where it differs from the profile's (the cpu SRGAN has it x 10, the ablation grid not).
        Assert.Equal("srgan-vgg22-chroma10-ablation", RunMethod.Name(srgan with { ChromaWeight = 10 }));
        var cpu = SrganWorkbench.Training.TrainingConfig.ForProfile("cpu", SrganWorkbench.Training.ModelKind.Srgan);
        Assert.Equal("srgan-vgg22-cpu", RunMethod.Name(cpu));
        Assert.Equal("srgan-vgg22-chroma0-cpu", RunMethod.Name(cpu with { ChromaWeight = 0 }));
        Assert.Equal("srgan-vgg22-custom", RunMethod.Name(cpu with { Profile = "custom" })); // no profile, no default to differ from
        // The SRGAN recipe with no adversarial gradient is the paper's SRResNet-VGG22 (Table 1's column).
        Assert.Equal("srresnet-vgg22-ablation", RunMethod.Name(srgan with { AdversarialWeight = 0, TotalVariationWeight = 2e-8 }));
        Assert.Equal("srresnet-ablation", RunMethod.Name(srresnet));
        Assert.Equal("srresnet-icnr-ablation", RunMethod.Name(srresnet with { Icnr = true }));
        Assert.Equal("srresnet-nearest-ablation", RunMethod.Name(srresnet with { Generator = srresnet.Generator with { Upsampling = SrganWorkbench.Models.UpsamplingType.NearestConv } }));
        Assert.Equal("srresnet-deconv-ablation", RunMethod.Name(srresnet with { Generator = srresnet.Generator with { Upsampling = SrganWorkbench.Models.UpsamplingType.TransposedConv } }));

        Assert.NotNull(PaperTables.Find("srresnet-vgg22-ablation", "Set5"));
        Assert.NotNull(PaperTables.Find("srgan-vgg22-ablation", "Set14"));
        Assert.NotNull(PaperTables.Find("srresnet-ablation", "BSD100"));
        foreach (string variant in new[] { "srgan-vgg22-adv1e-2-ablation", "srgan-vgg22-chroma10-ablation", "srresnet-nearest-ablation", "srresnet-deconv-ablation", "srresnet-icnr-ablation" })
            Assert.Null(PaperTables.Find(variant, "Set5"));
    }
}
