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

        var issue = TestProcess.Srgan("mos", "codes", folder, "--count", "3");
        Assert.True(issue.Code == 0, issue.Err);
        var codes = issue.Out.Split('\n').Where(l => l.StartsWith('c')).Select(l => l.Split('\t')).ToDictionary(p => p[0], p => p[1].Trim());
        Assert.Equal(["c001", "c002", "c003"], codes.Keys);
        Assert.Contains("3 codes issued", issue.Err);
        var store = new RatingStore(Path.Combine(folder, "ratings.db"));
        var secrets = new List<string>();
        foreach (var code in codes.Values)
        {
            var joined = store.Join(code, null)!;
            secrets.AddRange([code, RatingStore.NormaliseCode(code), joined.Token]);
            string rater = joined.Rater;
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
        string csv = File.ReadAllText(Path.Combine(results, "ratings.csv"));
        Assert.Equal(3 * study.Rated.Count() + 1, File.ReadAllLines(Path.Combine(results, "ratings.csv")).Length);
        Assert.Equal(codes.Keys, csv.Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')[0]).Distinct().Order()); // raters by code id
        foreach (var secret in secrets.Append(store.IssueCodes(1)[0].Code)) { Assert.DoesNotContain(secret, csv); Assert.DoesNotContain(secret, md); }
        var zero = TestProcess.Srgan("mos", "codes", folder, "--count", "0");
        Assert.Equal(2, zero.Code);

        var missing = TestProcess.Srgan("mos", "serve", temp.File("nope"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("study folder not found", missing.Err);
    }
}
