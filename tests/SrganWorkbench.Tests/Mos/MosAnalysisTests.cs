using SrganWorkbench.Mos;

namespace SrganWorkbench.Tests.Mos;

public class MosAnalysisTests
{
    /// <summary>A fixture study: 2 images x 3 methods, 2 raters, one repeated item; scores chosen by hand.</summary>
    static (Study Study, List<Rating> Ratings) Fixture()
    {
        var items = new List<StudyItem>();
        foreach (var image in new[] { "a.png", "b.png" })
            foreach (var method in new[] { "hr", "bicubic", "nearest" })
                items.Add(new StudyItem($"{method}-{image}", ItemKind.Test, method, "Set5", image, 8, 8));
        items.Add(new StudyItem("repeat-1", ItemKind.Repeat, "bicubic", "Set5", "a.png", 8, 8, RepeatOf: "bicubic-a.png"));
        items.Add(new StudyItem("cal-1", ItemKind.Calibration, "nearest", "BSD200", "c.png", 8, 8, Anchor: 1));
        var study = new Study { Name = "fixture", Created = DateTime.UnixEpoch, Methods = ["hr", "bicubic", "nearest"], Sets = ["Set5"], Items = items };
        var t = DateTime.UnixEpoch;
        var ratings = new List<Rating>
        {
            new("r1", "hr-a.png", 5, t), new("r1", "bicubic-a.png", 3, t), new("r1", "nearest-a.png", 1, t),
            new("r1", "hr-b.png", 4, t), new("r1", "bicubic-b.png", 2, t), new("r1", "nearest-b.png", 1, t),
            new("r2", "hr-a.png", 5, t), new("r2", "bicubic-a.png", 2, t), new("r2", "nearest-a.png", 2, t),
            new("r2", "hr-b.png", 4, t), new("r2", "bicubic-b.png", 3, t), new("r2", "nearest-b.png", 1, t),
            new("r1", "repeat-1", 3, t), new("r2", "repeat-1", 3, t),
        };
        return (study, ratings);
    }

    [Fact]
    public void Mos_and_confidence_intervals_of_the_fixture()
    {
        var (study, ratings) = Fixture();
        var a = new MosAnalysis(study, ratings);
        var hr = a.Scores.Single(s => s.Method == "hr" && s.Set == "Set5");
        Assert.Equal(4, hr.Ratings);                  // repeats and calibration are not counted
        Assert.Equal(4.5, hr.Mean, 12);
        Assert.Equal(Math.Sqrt(1.0 / 3), hr.StandardDeviation, 12);           // 5,4,5,4
        Assert.Equal(3.182 * Math.Sqrt(1.0 / 3) / 2, hr.Ci95, 12);             // t(0.975, 3) sd / sqrt(4)
        var bicubic = a.Scores.Single(s => s.Method == "bicubic" && s.Set == "all");
        Assert.Equal(2.5, bicubic.Mean, 12);
        Assert.Equal([3, 1, 0, 0, 0], a.Distribution["nearest"]);   // 1, 1, 2, 1
        Assert.Equal([0, 0, 0, 2, 2], a.Distribution["hr"]);
        Assert.Equal([75.0, 25, 0, 0, 0], a.DistributionPercent()["nearest"]); // Fig. 5's shares, in %
        Assert.Equal(["hr", "bicubic", "nearest"], a.DistributionPercent().Keys);
        Assert.Equal(2, a.Raters);
    }

    [Fact]
    public void Pairwise_tests_and_consistency_of_the_fixture()
    {
        var (study, ratings) = Fixture();
        var a = new MosAnalysis(study, ratings);
        var c = a.Comparisons.Single(c => c.Set == "Set5" && c.A == "hr" && c.B == "bicubic");
        Assert.Equal(4, c.Pairs);
        Assert.Equal(2, c.MeanDifference, 12);         // (2 + 2 + 3 + 1) / 4
        Assert.Equal(Wilcoxon.Test([2.0, 2, 3, 1]).PValue, c.Test.PValue, 12);
        Assert.False(c.Significant);                   // four pairs cannot reach p < 0.05
        Assert.Equal(2, a.Consistency.Pairs);
        Assert.Equal(0.5, a.Consistency.MeanAbsoluteDifference, 12); // r1: 3 then 3; r2: 2 then 3
        Assert.Equal(0.5, a.Consistency.ExactAgreement, 12);
        string md = a.Markdown("t", "p");
        Assert.Contains("| Set5 | hr | 4 | 4.50 | [3.58, 5.42] |", md);
    }

    [Theory]
    [InlineData(1, 12.706)]
    [InlineData(10, 2.228)]
    [InlineData(30, 2.042)]
    [InlineData(60, 2.000)]
    [InlineData(1000, 1.962)]
    public void Student_t_quantiles(int df, double expected) => Assert.Equal(expected, MosAnalysis.StudentT975(df), 3);
}

public class RatingStoreTests
{
    [Fact]
    public async Task Concurrent_first_sessions_under_one_name_share_one_rater()
    {
        using var temp = new SharedData.TempFolder();
        var store = new RatingStore(temp.File("r.db"));
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => store.Register("same", "Same"))));
        Assert.Single(results.Select(r => r.Token).Distinct());
        Assert.Equal(1, results.Count(r => r.Created));
        Assert.Single(store.Raters());
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Rate("same", "x", 0));
    }
}
