using SrganWorkbench.Mos;

namespace SrganWorkbench.Tests.Mos;

public class SimulatedRatingsTests
{
    /// <summary>An in-memory study: 20 images x 4 methods, 3 repeats (the simulation needs no pixels).</summary>
    static Study Study()
    {
        string[] methods = ["hr", "bicubic", "nearest", "srgan-vgg22-cpu"];
        var items = new List<StudyItem>();
        for (int i = 0; i < 20; i++)
            foreach (var m in methods)
                items.Add(new StudyItem($"{m}-{i}", ItemKind.Test, m, "Set14", $"{i}.png", 8, 8));
        for (int i = 0; i < 3; i++) items.Add(new StudyItem($"repeat-{i}", ItemKind.Repeat, "bicubic", "Set14", $"{i}.png", 8, 8, RepeatOf: $"bicubic-{i}"));
        items.Add(new StudyItem("cal", ItemKind.Calibration, "nearest", "BSD200", "c.png", 8, 8, Anchor: 1));
        return new Study { Name = "sim", Created = DateTime.UnixEpoch, Methods = methods, Sets = ["Set14"], Items = items };
    }

    static readonly SimulationModel Model = new()
    {
        MethodMeans = new Dictionary<string, double> { ["hr"] = 4.32, ["bicubic"] = 1.80, ["nearest"] = 1.20, ["srgan-vgg22-cpu"] = 3.0 },
        Raters = 200, Seed = 7,
    };

    [Fact]
    public void Simulated_mos_matches_the_stated_model_within_sampling_error()
    {
        var study = Study();
        var ratings = SimulatedRatings.Draw(study, Model);
        Assert.Equal(200 * (80 + 3), ratings.Count);   // every rater rates every test and repeat item once, never calibration
        Assert.All(ratings, r => Assert.InRange(r.Score, 1, 5));
        Assert.Equal(200, ratings.Select(r => r.Rater).Distinct().Count());
        Assert.All(ratings, r => Assert.StartsWith(SimulatedRatings.RaterPrefix, r.Rater));

        var analysis = new MosAnalysis(study, ratings);
        // Standard error of a method's MOS: sqrt(0.3^2/200 + 0.8^2/4000) = 0.025; 0.1 is four of them.
        foreach (var (method, mean) in Model.MethodMeans)
        {
            double mos = analysis.Scores.Single(s => s.Method == method && s.Set == "all").Mean;
            Assert.InRange(mos, Model.ExpectedScore(mean) - 0.1, Model.ExpectedScore(mean) + 0.1);
        }
        // A latent mean of 3 is symmetric about the middle of 1..5, so rounding and clamping keep it.
        Assert.Equal(3.0, Model.ExpectedScore(3.0), 9);
        Assert.InRange(analysis.Scores.Single(s => s.Method == "srgan-vgg22-cpu" && s.Set == "all").Mean, 2.9, 3.1);
        // Near the ends, clamping pulls the expected score towards the middle.
        Assert.True(Model.ExpectedScore(1.2) > 1.3 && Model.ExpectedScore(4.32) < 4.32);
        // Rater bias sd 0.3: the raters' offsets from the others spread about that much.
        double sd = Math.Sqrt(analysis.Agreement.Average(a => a.Offset * a.Offset));
        Assert.InRange(sd, 0.2, 0.4);
    }

    [Fact]
    public void The_same_seed_gives_the_same_ratings_and_a_method_without_a_mean_is_refused()
    {
        var study = Study();
        Assert.Equal(SimulatedRatings.Draw(study, Model with { Raters = 5 }), SimulatedRatings.Draw(study, Model with { Raters = 5 }));
        Assert.NotEqual(SimulatedRatings.Draw(study, Model with { Raters = 5 }), SimulatedRatings.Draw(study, Model with { Raters = 5, Seed = 8 }));
        var partial = Model with { MethodMeans = new Dictionary<string, double> { ["hr"] = 4 } };
        var e = Assert.Throws<ArgumentException>(() => SimulatedRatings.Draw(study, partial));
        Assert.Contains("bicubic", e.Message);
    }
}
