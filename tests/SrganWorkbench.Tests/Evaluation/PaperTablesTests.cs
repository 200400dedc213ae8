using SrganWorkbench.Evaluation;

namespace SrganWorkbench.Tests.Evaluation;

public class PaperTablesTests
{
    [Theory]
    [InlineData("bicubic", "Set5", 28.43)]
    [InlineData("srresnet-cpu", "BSD100", 27.58)]        // SRResNet-MSE, Table 2
    [InlineData("srgan-vgg22-cpu", "Set14", 26.44)]      // Table 1
    [InlineData("srgan-mse-cpu", "Set5", 30.64)]         // Table 1
    [InlineData("srgan-vgg54-paper", "BSD100", 25.16)]   // the paper's SRGAN is SRGAN-VGG54 (Table 2)
    [InlineData("srresnet-vgg22-cpu", "Set5", 30.51)]
    public void Model_names_find_their_row(string method, string set, double psnr)
    {
        Assert.Equal(psnr, PaperTables.Find(method, set)!.Psnr);
    }

    [Theory]
    [InlineData("srgan-vgg22-cpu", "BSD100")] // Table 1 has no BSD100 column
    [InlineData("srgan-l1-cpu", "Set5")]      // not a row of the paper
    [InlineData("leftthomas-srgan", "Set5")]  // a peer model, not the paper's
    public void Rows_the_paper_does_not_have_are_absent(string method, string set)
    {
        Assert.Null(PaperTables.Find(method, set));
    }
}
