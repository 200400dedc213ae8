namespace SrganWorkbench.Mos;

/// <summary>
/// The model simulated ratings are drawn from: rater r scores an item of method m as
/// round(clamp(mean[m] + bias[r] + noise, 1, 5)), bias[r] ~ N(0, <see cref="RaterBiasSd"/>) once per rater,
/// noise ~ N(0, <see cref="NoiseSd"/>) per rating.
/// </summary>
public sealed record SimulationModel
{
    /// <summary>The latent mean score of each method (before rounding and clamping).</summary>
    public required IReadOnlyDictionary<string, double> MethodMeans { get; init; }
    public int Raters { get; init; } = PaperMos.Raters;
    public double RaterBiasSd { get; init; } = 0.3;
    public double NoiseSd { get; init; } = 0.8;
    public long Seed { get; init; }

    /// <summary>The expected score of a method of latent mean <paramref name="mean"/> under this model:
    /// rounding and clamping to 1..5 pull means near the ends towards the middle (a latent 1.2 scores about 1.5).</summary>
    public double ExpectedScore(double mean)
    {
        double sd = Math.Sqrt(RaterBiasSd * RaterBiasSd + NoiseSd * NoiseSd); // bias + noise: normal, variances add
        double expected = 0;
        for (int k = PaperMos.ScoreMin; k <= PaperMos.ScoreMax; k++)
        {
            double below = k == PaperMos.ScoreMax ? 1 : Wilcoxon.NormalCdf((k + 0.5 - mean) / sd);
            double above = k == PaperMos.ScoreMin ? 0 : Wilcoxon.NormalCdf((k - 0.5 - mean) / sd);
            expected += k * (below - above);
        }
        return expected;
    }
}

/// <summary>
/// SIMULATED ratings of a study, for showing the analysis when no person has rated yet (as in CI). They are
/// drawn from a stated <see cref="SimulationModel"/>; they say nothing about the methods and must be labelled
/// "simulated" wherever they are shown. Raters are named sim01, sim02, ...; every rater rates every test and
/// repeat item once (a repeat gets fresh noise), in no particular order. Seeded: the same model gives the same ratings.
/// </summary>
public static class SimulatedRatings
{
    public const string RaterPrefix = "sim";

    public static IReadOnlyList<Rating> Draw(Study study, SimulationModel model)
    {
        var missing = study.Methods.Where(m => !model.MethodMeans.ContainsKey(m)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"The simulation model has no mean for {string.Join(", ", missing)}.");
        if (model.Raters < 1) throw new ArgumentOutOfRangeException(nameof(model), "at least one simulated rater");
        var ratings = new List<Rating>();
        var at = study.Created;
        var items = study.Rated.OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
        for (int r = 0; r < model.Raters; r++)
        {
            var rng = SplitMix64.For(model.Seed, r);
            double bias = model.RaterBiasSd * Normal(ref rng);
            string rater = $"{RaterPrefix}{r + 1:D2}";
            foreach (var item in items)
            {
                double latent = model.MethodMeans[item.Method] + bias + model.NoiseSd * Normal(ref rng);
                int score = (int)Math.Round(Math.Clamp(latent, PaperMos.ScoreMin, PaperMos.ScoreMax), MidpointRounding.AwayFromZero);
                ratings.Add(new Rating(rater, item.Id, score, at));
            }
        }
        return ratings;
    }

    /// <summary>A standard normal draw (Box-Muller).</summary>
    static double Normal(ref SplitMix64 rng)
    {
        double u1 = ((rng.NextUInt64() >> 11) + 1.0) / (1UL << 53); // (0, 1]: log is finite
        double u2 = (rng.NextUInt64() >> 11) * (1.0 / (1UL << 53));
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
