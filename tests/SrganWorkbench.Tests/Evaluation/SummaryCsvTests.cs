using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;

namespace SrganWorkbench.Tests.Evaluation;

public class SummaryCsvTests
{
    static readonly string Results = Path.Combine(DataRoot.RepositoryRoot(), "results");

    [Fact]
    public void The_committed_summaries_read_back_with_their_measures()
    {
        // Every row as the file's own columns say (split here by hand), whatever the committed numbers are today.
        string tablePath = Path.Combine(Results, "table-cpu", "summary.csv");
        var lines = File.ReadAllLines(tablePath);
        var header = lines[0].Split(',').ToList();
        var table = SummaryCsv.Read(tablePath);
        Assert.Equal(lines.Length - 1, table.Count);
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            string Cell(string name) => cells[header.IndexOf(name)];
            var row = table.Single(s => s.Set == Cell("set") && s.Method == Cell("method"));
            Assert.Equal(int.Parse(Cell("images")), row.Images);
            Assert.Equal(double.Parse(Cell("psnr"), System.Globalization.CultureInfo.InvariantCulture), row.Psnr, 4);
            Assert.Equal(double.Parse(Cell("niqe"), System.Globalization.CultureInfo.InvariantCulture), row.Niqe!.Value, 4);
            Assert.Equal(double.Parse(Cell("lpips"), System.Globalization.CultureInfo.InvariantCulture), row.Lpips!.Value, 4);
            Assert.Null(row.SsimDaala); // table-cpu was scored without --ssim-daala: an empty cell is null, not an error
        }
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
