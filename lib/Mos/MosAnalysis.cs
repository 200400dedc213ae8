using System.Globalization;
using System.Text;

namespace SrganWorkbench.Mos;

/// <summary>Mean opinion score of one method on one set (or "all").</summary>
public sealed record MosScore(string Method, string Set, int Ratings, double Mean, double StandardDeviation, double Ci95)
{
    public double Low => Mean - Ci95;
    public double High => Mean + Ci95;
}

/// <summary>A paired comparison of two methods: ratings of the same image by the same rater.</summary>
public sealed record MethodComparison(string Set, string A, string B, int Pairs, double MeanDifference, WilcoxonResult Test)
{
    public bool Significant => Test.PValue < 0.05;
}

/// <summary>Test-retest agreement on repeated items.</summary>
public sealed record Consistency(int Pairs, double MeanAbsoluteDifference, double ExactAgreement);

/// <summary>How one rater agrees with the others on the test items both rated: <see cref="Offset"/> is the
/// rater's mean score minus the others' mean on the same items (a lenient rater is above 0), <see cref="Correlation"/>
/// the Pearson correlation of the rater's scores with the others' mean (NaN with fewer than 3 items or no spread).</summary>
public sealed record RaterAgreement(string Rater, int Ratings, double Mean, double Offset, double Correlation);

/// <summary>
/// The paper's analysis of a MOS study: MOS per method and test set with 95% confidence intervals
/// (Student t), the distribution of scores per method (Fig. 5), paired two-sided Wilcoxon
/// signed-rank tests between methods (pairs: the same rater and image; significance at p &lt; 0.05),
/// and rater consistency on repeated items.
/// </summary>
public sealed class MosAnalysis
{
    public IReadOnlyList<MosScore> Scores { get; }
    public IReadOnlyDictionary<string, int[]> Distribution { get; }
    public IReadOnlyList<MethodComparison> Comparisons { get; }
    public Consistency Consistency { get; }
    public int Raters { get; }
    /// <summary>Each rater against the others (leave-one-out), in rater order.</summary>
    public IReadOnlyList<RaterAgreement> Agreement { get; }

    public MosAnalysis(Study study, IReadOnlyList<Rating> ratings)
    {
        var items = study.Items.ToDictionary(i => i.Id);
        var foreign = ratings.FirstOrDefault(r => !items.ContainsKey(r.Item));
        if (foreign != null)
            throw new InvalidDataException($"a rating of item '{foreign.Item}', which study '{study.Name}' does not have: these are another study's ratings.");
        var tests = ratings.Where(r => items.TryGetValue(r.Item, out var i) && i.Kind == ItemKind.Test)
            .Select(r => (Rating: r, Item: items[r.Item])).ToList();
        Raters = ratings.Select(r => r.Rater).Distinct().Count();

        var scores = new List<MosScore>();
        foreach (var set in study.Sets.Append("all"))
            foreach (var method in study.Methods)
            {
                var values = tests.Where(t => t.Item.Method == method && (set == "all" || t.Item.Set == set)).Select(t => (double)t.Rating.Score).ToList();
                if (values.Count > 0) scores.Add(Summarise(method, set, values));
            }
        Scores = scores;

        Distribution = study.Methods.ToDictionary(m => m, m =>
        {
            var counts = new int[5];
            foreach (var t in tests.Where(t => t.Item.Method == m)) counts[t.Rating.Score - 1]++;
            return counts;
        });

        var byKey = tests.GroupBy(t => (t.Rating.Rater, t.Item.Set, t.Item.Image, t.Item.Method)).ToDictionary(g => g.Key, g => (double)g.First().Rating.Score);
        var comparisons = new List<MethodComparison>();
        foreach (var set in study.Sets.Append("all"))
            for (int a = 0; a < study.Methods.Count; a++)
                for (int b = a + 1; b < study.Methods.Count; b++)
                {
                    string ma = study.Methods[a], mb = study.Methods[b];
                    var pairs = byKey.Keys.Where(k => k.Method == ma && (set == "all" || k.Set == set))
                        .Select(k => (A: byKey[k], Found: byKey.TryGetValue((k.Rater, k.Set, k.Image, mb), out var vb), B: vb))
                        .Where(p => p.Found).ToList();
                    if (pairs.Count == 0) continue;
                    var diffs = pairs.Select(p => p.A - p.B).ToList();
                    comparisons.Add(new MethodComparison(set, ma, mb, pairs.Count, diffs.Average(), Wilcoxon.Test(diffs)));
                }
        Comparisons = comparisons;

        var scoreOf = ratings.GroupBy(r => (r.Rater, r.Item)).ToDictionary(g => g.Key, g => g.First().Score);
        var repeats = ratings.Where(r => items.TryGetValue(r.Item, out var i) && i.Kind == ItemKind.Repeat)
            .Select(r => (Repeat: r.Score, Found: scoreOf.TryGetValue((r.Rater, items[r.Item].RepeatOf!), out var first), First: first))
            .Where(p => p.Found).ToList();
        Consistency = repeats.Count == 0
            ? new Consistency(0, double.NaN, double.NaN)
            : new Consistency(repeats.Count, repeats.Average(p => Math.Abs(p.Repeat - p.First)), repeats.Count(p => p.Repeat == p.First) / (double)repeats.Count);
        Agreement = AgreementOf(tests.Select(t => t.Rating).ToList());
    }

    static List<RaterAgreement> AgreementOf(List<Rating> tests)
    {
        var byItem = tests.GroupBy(r => r.Item).ToDictionary(g => g.Key, g => (Sum: g.Sum(r => (double)r.Score), Count: g.Count()));
        var result = new List<RaterAgreement>();
        foreach (var rater in tests.GroupBy(r => r.Rater).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var pairs = rater.Where(r => byItem[r.Item].Count > 1)
                .Select(r => (Own: (double)r.Score, Others: (byItem[r.Item].Sum - r.Score) / (byItem[r.Item].Count - 1))).ToList();
            double offset = pairs.Count == 0 ? double.NaN : pairs.Average(p => p.Own - p.Others);
            result.Add(new RaterAgreement(rater.Key, rater.Count(), rater.Average(r => r.Score), offset, Pearson(pairs)));
        }
        return result;
    }

    static double Pearson(List<(double X, double Y)> pairs)
    {
        if (pairs.Count < 3) return double.NaN;
        double mx = pairs.Average(p => p.X), my = pairs.Average(p => p.Y);
        double sxy = pairs.Sum(p => (p.X - mx) * (p.Y - my)), sxx = pairs.Sum(p => (p.X - mx) * (p.X - mx)), syy = pairs.Sum(p => (p.Y - my) * (p.Y - my));
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>The paired comparison of <paramref name="a"/> against <paramref name="b"/> on a set ("all" for every set),
    /// whichever order it was computed in (mean difference a - b); null when no rater rated both on the same image.</summary>
    public MethodComparison? Compare(string set, string a, string b)
    {
        var c = Comparisons.FirstOrDefault(c => c.Set == set && ((c.A == a && c.B == b) || (c.A == b && c.B == a)));
        return c == null || c.A == a ? c : c with { A = a, B = b, MeanDifference = -c.MeanDifference };
    }

    internal static MosScore Summarise(string method, string set, List<double> values)
    {
        double mean = values.Average();
        double sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        double ci = values.Count > 1 ? StudentT975(values.Count - 1) * sd / Math.Sqrt(values.Count) : double.NaN;
        return new MosScore(method, set, values.Count, mean, sd, ci);
    }

    static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    /// <summary>The 97.5% quantile of Student's t: tabulated to 30 degrees of freedom, then its Cornish-Fisher expansion.</summary>
    public static double StudentT975(int df)
    {
        if (df < 1) throw new ArgumentOutOfRangeException(nameof(df));
        if (df <= 30) return T975[df - 1];
        const double z = 1.959963984540054;
        return z + (z * z * z + z) / (4.0 * df) + (5 * Math.Pow(z, 5) + 16 * z * z * z + 3 * z) / (96.0 * df * df);
    }

    /// <summary>MOS table, distributions, significance and consistency as Markdown.</summary>
    public string Markdown(string title, string provenance)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder($"# {title}\n\n{provenance}\n\n{Raters} raters.\n\n");
        sb.Append("## MOS (1 bad ... 5 excellent), 95% confidence intervals\n\n| Set | Method | Ratings | MOS | 95% CI |\n|---|---|---:|---:|---|\n");
        foreach (var s in Scores) sb.Append(inv, $"| {s.Set} | {s.Method} | {s.Ratings} | {s.Mean:F2} | [{s.Low:F2}, {s.High:F2}] |\n");
        sb.Append("\n## Distribution of scores (the paper's Fig. 5)\n\n| Method | 1 | 2 | 3 | 4 | 5 |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var (m, counts) in Distribution) sb.Append($"| {m} | {string.Join(" | ", counts)} |\n");
        sb.Append("\n## Paired two-sided Wilcoxon signed-rank tests (same rater, same image)\n\n| Set | A | B | Pairs | mean(A-B) | W | p | p < 0.05 |\n|---|---|---|---:|---:|---:|---:|---|\n");
        foreach (var c in Comparisons)
            sb.Append(inv, $"| {c.Set} | {c.A} | {c.B} | {c.Pairs} | {c.MeanDifference:+0.00;-0.00;0.00} | {c.Test.Statistic:F1} | {c.Test.PValue:G3}{(c.Test.Exact ? "" : " (normal approx.)")} | {(c.Significant ? "yes" : "no")} |\n");
        sb.Append(inv, $"\n## Rater consistency on repeated items\n\n{(Consistency.Pairs == 0 ? "No repeated items in this study." : $"{Consistency.Pairs} repeated ratings: mean |difference| {Consistency.MeanAbsoluteDifference:F2}, identical {Consistency.ExactAgreement * 100:F0}%.")}\n");
        sb.Append("\n## Each rater against the others (test items)\n\n| Rater | Ratings | Mean | Offset | r |\n|---|---:|---:|---:|---:|\n");
        foreach (var r in Agreement) sb.Append(inv, $"| {r.Rater} | {r.Ratings} | {r.Mean:F2} | {r.Offset:+0.00;-0.00;0.00} | {r.Correlation:F2} |\n");
        return sb.ToString();
    }

    /// <summary>The paper's Fig. 5 as numbers: per method, the share (%) of ratings that gave each
    /// score 1..5 (all zero for a method with no ratings). The CLI draws it as a stacked chart.</summary>
    public IReadOnlyDictionary<string, double[]> DistributionPercent() =>
        Distribution.ToDictionary(d => d.Key, d =>
        {
            int total = d.Value.Sum();
            return d.Value.Select(n => total == 0 ? 0 : 100.0 * n / total).ToArray();
        });
}
