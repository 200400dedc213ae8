using SrganWorkbench.Mos;

namespace SrganWorkbench.Tests.Mos;

public class PaperMosTests
{
    [Fact]
    public void Workspace_methods_find_the_papers_rows()
    {
        Assert.Equal(1.28, PaperMos.Find("nearest", "Set5"));
        Assert.Equal(1.47, PaperMos.Find("bicubic", "BSD100"));
        Assert.Equal(4.46, PaperMos.Find("hr", "BSD100"));
        Assert.Equal(2.98, PaperMos.Find("srresnet-cpu", "Set14"));      // SRResNet-MSE
        Assert.Equal(3.43, PaperMos.Find("srgan-mse-cpu", "Set14"));     // Table 1
        Assert.Equal(3.57, PaperMos.Find("srgan-vgg22-cpu", "Set14"));
        Assert.Equal(3.72, PaperMos.Find("srgan-vgg54-paper", "Set14")); // Table 2's SRGAN
        Assert.Null(PaperMos.Find("srgan-vgg22-cpu", "BSD100"));         // not rated on BSD100
        Assert.Null(PaperMos.Find("leftthomas-srgan", "Set5"));          // a peer: not in the paper
        Assert.Equal("SRGAN-VGG22", PaperMos.Row("srgan-vgg22-cpu:run2"));
    }

    [Fact]
    public void The_protocol_numbers_agree_with_each_other()
    {
        int versionsOnBsd100 = PaperMos.VersionsPerImage - PaperMos.NotRatedOnBsd100.Count;
        Assert.Equal(PaperMos.RatingsPerRater, PaperMos.VersionsPerImage * (5 + 14) + versionsOnBsd100 * 100); // 12 x 19 + 9 x 100
        Assert.Equal(PaperMos.VersionsPerImage, PaperMos.Versions.Count);
        Assert.All(PaperMos.Versions, v => Assert.All(PaperMos.Sets.Take(2), set => Assert.NotNull(PaperMos.OfRow(v, set))));
        Assert.All(PaperMos.NotRatedOnBsd100, v => Assert.Null(PaperMos.OfRow(v, "BSD100")));
        // The paper's ordering on every set: NN < bicubic < SRResNet < SRGAN < HR.
        foreach (var set in PaperMos.Sets)
        {
            var order = new[] { "NN", "Bicubic", "SRResNet-MSE", "SRGAN-VGG54", "HR" }.Select(r => PaperMos.OfRow(r, set)!.Value).ToList();
            Assert.Equal(order.Order(), order);
        }
    }
}
