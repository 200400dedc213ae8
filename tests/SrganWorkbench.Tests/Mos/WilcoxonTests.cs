using SrganWorkbench.Mos;

namespace SrganWorkbench.Tests.Mos;

public class WilcoxonTests
{
    /// <summary>
    /// Darwin's Zea mays data (cross- minus self-fertilised heights, in eighths of an inch), the
    /// example of SciPy's scipy.stats.wilcoxon documentation and of Hollander and Wolfe: W = 24,
    /// two-sided exact p = 0.041259765625 (also checked with Debian's SciPy 1.10).
    /// </summary>
    [Fact]
    public void Darwins_data()
    {
        double[] d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
        var r = Wilcoxon.Test(d);
        Assert.True(r.Exact);
        Assert.Equal(24, r.Statistic);
        Assert.Equal(0.041259765625, r.PValue, 12);
    }

    /// <summary>
    /// Hollander and Wolfe (1973, p. 29), the example of R's ?wilcox.test: depression scores of nine
    /// patients before (x) and after (y) therapy. R: V = 40 (our W+), two-sided p = 0.03906.
    /// </summary>
    [Fact]
    public void Hollander_and_wolfe_depression_data()
    {
        double[] x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
        double[] y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
        var r = Wilcoxon.Test(x, y);
        Assert.Equal(40, r.WPlus);
        Assert.Equal(5, r.Statistic);
        Assert.Equal(0.0390625, r.PValue, 10);
    }

    /// <summary>Integer scores as in a MOS study: ties and a zero, normal approximation (SciPy 1.10: 10.5, p = 0.042168197097156).</summary>
    [Fact]
    public void Ties_and_zeros_use_the_corrected_normal_approximation()
    {
        double[] d = [1, 2, 2, 3, -1, 2, 1, 0, 3, -2, 1, 1];
        var r = Wilcoxon.Test(d);
        Assert.False(r.Exact);
        Assert.Equal(11, r.N);
        Assert.Equal(10.5, r.Statistic);
        Assert.Equal(0.042168197097156, r.PValue, 6);
    }

    [Fact]
    public void Identical_samples_are_not_different_and_lengths_must_match()
    {
        Assert.Equal(1, Wilcoxon.Test([3.0, 4, 5], [3.0, 4, 5]).PValue);
        Assert.Throws<ArgumentException>(() => Wilcoxon.Test([1.0, 2], [1.0]));
    }
}
