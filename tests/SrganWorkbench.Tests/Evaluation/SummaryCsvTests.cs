using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;

namespace SrganWorkbench.Tests.Evaluation;

public class SummaryCsvTests
{
    static readonly string Results = Path.Combine(DataRoot.RepositoryRoot(), "results");

    [Fact]
    public void The_committed_summaries_read_back_with_their_measures()
    {
        var table = SummaryCsv.Read(Path.Combine(Results, "table-cpu", "summary.csv"));
        var vgg = table.Single(s => s.Set == "BSD100" && s.Method == "srgan-vgg22-cpu");
        Assert.Equal(100, vgg.Images);
        Assert.Equal(25.0983, vgg.Psnr, 4);
        Assert.Equal(6.3715, vgg.Niqe!.Value, 4);
        Assert.Equal(0.2822, vgg.Lpips!.Value, 4);
        Assert.Null(vgg.SsimDaala);                      // table-cpu has no daala column: null, not an error
        var nearest = SummaryCsv.Read(Path.Combine(Results, "baselines", "summary.csv")).Single(s => s.Set == "Set5" && s.Method == "nearest");
        Assert.Equal(13.8899, nearest.Niqe!.Value, 4);
        Assert.Equal(0.755202, nearest.SsimDaala!.Value, 6);
    }

    [Fact]
    public void A_file_that_is_not_a_summary_is_refused_with_its_name()
    {
        using var temp = new SharedData.TempFolder();
        string path = temp.File("x.csv");
        File.WriteAllText(path, "a,b\n1,2\n");
        var e = Assert.Throws<InvalidDataException>(() => SummaryCsv.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("'set'", e.Message);
    }
}
