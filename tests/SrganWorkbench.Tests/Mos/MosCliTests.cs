using SrganWorkbench.Mos;

namespace SrganWorkbench.Tests.Mos;

/// <summary>srgan mos build and analyze from the command line.</summary>
[Collection("training")]
public class MosCliTests
{
    [Fact]
    public void Build_a_study_with_the_peer_then_analyse_its_ratings()
    {
        using var temp = new SharedData.TempFolder();
        string folder = temp.File("study");
        var build = TestProcess.Srgan("mos", "build", "--out", folder, "--sets", "Set5", "--images-per-set", "2", "--peer", "leftthomas", "--repeats", "1");
        Assert.True(build.Code == 0, build.Err);
        var study = Study.Load(folder);
        Assert.Equal(["hr", "nearest", "bicubic", "leftthomas-srgan"], study.Methods);
        Assert.Equal(2 * 4 + 1, study.Rated.Count());
        Assert.All(Directory.GetFiles(Path.Combine(folder, Study.ImagesFolder)), f => Assert.Matches(@"^[0-9a-f]{12}\.png$", Path.GetFileName(f)));

        var store = new RatingStore(Path.Combine(folder, "ratings.db"));
        foreach (var rater in new[] { "r1", "r2", "r3" })
        {
            store.Register(rater, rater);
            foreach (var item in study.Rated)
                store.Rate(rater, item.Id, item.Method switch { "hr" => 5, "leftthomas-srgan" => 4, "bicubic" => 2, _ => 1 });
        }
        string results = temp.File("results");
        var analyze = TestProcess.Srgan("mos", "analyze", folder, "--out", results);
        Assert.True(analyze.Code == 0, analyze.Err);
        string md = File.ReadAllText(Path.Combine(results, "summary.md"));
        Assert.Contains("| Set5 | hr | 6 | 5.00 |", md);
        Assert.Contains("| Set5 | leftthomas-srgan | 6 | 4.00 |", md);
        Assert.Contains("3 raters", md);
        Assert.Contains("identical 100%", md); // the repeat got the same score from every rater
        Assert.Contains("Plotly.newPlot", File.ReadAllText(Path.Combine(results, "fig5.html")));
        Assert.Equal(3 * study.Rated.Count() + 1, File.ReadAllLines(Path.Combine(results, "ratings.csv")).Length);

        var missing = TestProcess.Srgan("mos", "serve", temp.File("nope"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("study folder not found", missing.Err);
    }
}
