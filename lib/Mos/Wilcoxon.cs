namespace SrganWorkbench.Mos;

/// <summary>Result of a Wilcoxon signed-rank test.</summary>
/// <param name="N">Pairs with a non-zero difference (zeros are dropped, Wilcoxon's original convention).</param>
/// <param name="WPlus">Sum of the ranks of the positive differences.</param>
/// <param name="Statistic">min(W+, W-), the two-sided statistic.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Exact">True when the p-value comes from the exact null distribution (no ties, n up to 50).</param>
public sealed record WilcoxonResult(int N, double WPlus, double Statistic, double PValue, bool Exact);

/// <summary>
/// The Wilcoxon signed-rank test for paired samples (Wilcoxon 1945), two-sided, as the paper uses
/// to compare methods' MOS. Differences of zero are dropped; tied |differences| share their
/// average rank. Without ties and with n &lt;= 50 the p-value is exact (the null distribution of
/// W+ counted over all 2^n sign patterns); otherwise it uses the normal approximation with the
/// tie-corrected variance and no continuity correction (SciPy's defaults).
/// </summary>
public static class Wilcoxon
{
    public static WilcoxonResult Test(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"Paired samples must have the same length ({x.Count} vs {y.Count}).");
        return Test(x.Zip(y, (a, b) => a - b).ToList());
    }

    public static WilcoxonResult Test(IReadOnlyList<double> differences)
    {
        var d = differences.Where(v => v != 0).ToArray();
        int n = d.Length;
        if (n == 0) return new WilcoxonResult(0, 0, 0, 1, true);

        // Average ranks of |d|.
        var order = Enumerable.Range(0, n).OrderBy(i => Math.Abs(d[i])).ToArray();
        var ranks = new double[n];
        var tieSizes = new List<int>();
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && Math.Abs(d[order[j + 1]]) == Math.Abs(d[order[i]])) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = rank;
            if (j > i) tieSizes.Add(j - i + 1);
            i = j + 1;
        }
        double wPlus = 0;
        for (int i = 0; i < n; i++) if (d[i] > 0) wPlus += ranks[i];
        double total = n * (n + 1) / 2.0, wMinus = total - wPlus, t = Math.Min(wPlus, wMinus);

        if (tieSizes.Count == 0 && n <= 50)
        {
            // Number of sign patterns giving each W+ (ranks 1..n): a subset-sum count.
            int max = n * (n + 1) / 2;
            var counts = new double[max + 1];
            counts[0] = 1;
            for (int r = 1; r <= n; r++)
                for (int s = max; s >= r; s--) counts[s] += counts[s - r];
            double below = 0;
            for (int s = 0; s <= (int)t; s++) below += counts[s];
            double p = Math.Min(1, 2 * below / Math.Pow(2, n));
            return new WilcoxonResult(n, wPlus, t, p, true);
        }
        double mean = total / 2;
        double variance = n * (n + 1) * (2.0 * n + 1) / 24 - tieSizes.Sum(s => (double)s * s * s - s) / 48;
        double z = (t - mean) / Math.Sqrt(variance);
        return new WilcoxonResult(n, wPlus, t, Math.Min(1, 2 * NormalCdf(-Math.Abs(z))), false);
    }

    /// <summary>Standard normal CDF via erfc (Numerical Recipes' Chebyshev approximation, |error| &lt; 1.2e-7).</summary>
    public static double NormalCdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    static double Erfc(double x)
    {
        double z = Math.Abs(x), t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                   t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
