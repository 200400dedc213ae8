using SrganWorkbench.Mos;

namespace SrganWorkbench.Course;

/// <summary>
/// The checks of notebook 05 (mean opinion scores), on fixed ratings: two methods' scores (1..5) by the same raters on
/// the same images, as a MOS study pairs them. Compiled into the MOS library (it checks against <see cref="Wilcoxon"/>
/// and <see cref="MosAnalysis"/>); it lives here with the other checks.
/// </summary>
public static class MosChecks
{
    /// <summary>Ranks and their sums are halves and integers, exact in double: any difference is a different rule.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>Paired 1..5 ratings of two methods by 26 raters (the paper's count): ties and zero differences, as real ratings have.</summary>
    static readonly double[] MethodA = [4, 3, 4, 5, 3, 4, 2, 4, 3, 4, 5, 4, 3, 3, 4, 4, 2, 5, 4, 3, 4, 4, 3, 5, 4, 3];
    static readonly double[] MethodB = [3, 3, 2, 4, 3, 2, 2, 3, 3, 4, 3, 2, 2, 3, 3, 4, 1, 4, 4, 2, 3, 2, 3, 3, 4, 4];

    /// <summary>Paired values without ties or zeros (e.g. per-image mean scores), where every rank is an integer.</summary>
    static readonly double[] MeansA = [3.62, 2.15, 4.40, 3.05, 2.71, 3.93, 1.88, 4.12];
    static readonly double[] MeansB = [3.10, 2.48, 3.47, 3.12, 2.02, 3.50, 1.97, 3.21];

    /// <summary>
    /// The student's signed-rank statistic (n without zero differences, and W+, the sum of the ranks of |a - b| over the
    /// positive differences, ties sharing their average rank) against <see cref="Wilcoxon.Test(IReadOnlyList{double}, IReadOnlyList{double})"/>
    /// on fixed ratings with ties and zeros, and on values without either.
    /// </summary>
    public static Check SignedRank(Func<IReadOnlyList<double>, IReadOnlyList<double>, (int N, double WPlus)> signedRank) => Check.Run("Wilcoxon signed-rank statistic", () =>
    {
        var cases = new[] { ("26 paired ratings with ties and zeros", MethodA, MethodB), ("8 paired means without ties", MeansA, MeansB) };
        foreach (var (name, a, b) in cases)
        {
            var expected = Wilcoxon.Test(a, b);
            var (n, wPlus) = signedRank(a, b);
            if (n != expected.N)
                return Check.Differs("Wilcoxon signed-rank statistic", $"{name}: expected n = {expected.N}, got {n}",
                    n == a.Length ? "pairs whose difference is 0 carry no sign: leave them out (Wilcoxon's convention) before ranking." : "n counts the pairs with a non-zero difference.");
            if (Differences.Scalar($"{name}: W+", expected.WPlus, wPlus, Tolerance) is { } difference)
                return Check.Differs("Wilcoxon signed-rank statistic", difference, RankHint(a, b, wPlus, expected));
        }
        return Check.Correct("Wilcoxon signed-rank statistic", $"n and W+ agree with Wilcoxon.Test on {string.Join(" and on ", cases.Select(c => c.Item1))}");
    });

    static string RankHint(double[] a, double[] b, double wPlus, WilcoxonResult expected)
    {
        int n = expected.N;
        if (Math.Abs(wPlus - (n * (n + 1) / 2.0 - expected.WPlus)) <= Tolerance) return "that is W-, the sum over the negative differences: W+ sums the ranks where a - b > 0.";
        return "rank the non-zero |a - b| from 1 (smallest); equal |a - b| share the mean of the ranks they span (three tied at ranks 4, 5, 6 all get 5); W+ sums the ranks where a - b > 0.";
    }

    /// <summary>The mean of a method's ratings and the half-width of its 95% interval agree to this (both computed in double).</summary>
    public const double IntervalTolerance = 1e-9;

    /// <summary>
    /// The student's MOS and 95% interval half-width (Student's t: t(0.975, n - 1) s / sqrt(n), s the sample standard
    /// deviation with n - 1) against <see cref="MosAnalysis"/>'s on the fixed ratings of two methods and on 5 of them.
    /// </summary>
    public static Check MosInterval(Func<IReadOnlyList<double>, (double Mean, double Ci95)> mos) => Check.Run("MOS with its 95% interval", () =>
    {
        var cases = new[] { ("26 ratings of method A", MethodA), ("26 ratings of method B", MethodB), ("5 ratings", MethodA[..5]) };
        foreach (var (name, ratings) in cases)
        {
            var expected = MosAnalysis.Summarise("method", "set", ratings.ToList());
            var (mean, ci) = mos(ratings);
            if (Differences.Scalar($"{name}: MOS", expected.Mean, mean, IntervalTolerance) is { } meanDifference)
                return Check.Differs("MOS with its 95% interval", meanDifference, "the MOS is the plain mean of the ratings.");
            if (Differences.Scalar($"{name}: 95% half-width", expected.Ci95, ci, IntervalTolerance) is { } ciDifference)
                return Check.Differs("MOS with its 95% interval", ciDifference, IntervalHint(ratings, ci));
        }
        return Check.Correct("MOS with its 95% interval", $"mean and half-width agree with MosAnalysis on {string.Join(", ", cases.Select(c => c.Item1))}");
    });

    static string IntervalHint(double[] ratings, double ci)
    {
        int n = ratings.Length;
        double mean = ratings.Average(), ss = ratings.Sum(r => (r - mean) * (r - mean));
        double sampleSd = Math.Sqrt(ss / (n - 1)), populationSd = Math.Sqrt(ss / n);
        if (Math.Abs(ci - MosAnalysis.StudentT975(n - 1) * populationSd / Math.Sqrt(n)) <= 1e-9) return "divide the sum of squares by n - 1 (the sample standard deviation), not n.";
        if (Math.Abs(ci - 1.96 * sampleSd / Math.Sqrt(n)) <= 1e-9) return "1.96 is the normal quantile: with n ratings use Student's t with n - 1 degrees of freedom (MosAnalysis.StudentT975(n - 1)).";
        if (Math.Abs(ci - MosAnalysis.StudentT975(n - 1) * sampleSd) <= 1e-9) return "the interval is for the mean: divide the standard deviation by sqrt(n).";
        return "half-width = t(0.975, n - 1) x s / sqrt(n), with s the sample standard deviation (sum of squares over n - 1).";
    }
}
