using SrganWorkbench.Course;
using SrganWorkbench.Mos;

namespace SrganWorkbench.Tests.Course;

/// <summary>Notebook 05's checks on their fixed ratings: right, the usual slips, a stub and throwing.</summary>
public class MosChecksTests
{
    /// <summary>Signed ranks written out; the switches make the usual slips.</summary>
    static (int, double) SignedRank(IReadOnlyList<double> a, IReadOnlyList<double> b, bool keepZeros = false, bool averageTies = true, bool negative = false)
    {
        var d = a.Zip(b, (x, y) => x - y).Where(v => keepZeros || v != 0).ToArray();
        var order = Enumerable.Range(0, d.Length).OrderBy(i => Math.Abs(d[i])).ToArray();
        var rank = new double[d.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (averageTies && j + 1 < order.Length && Math.Abs(d[order[j + 1]]) == Math.Abs(d[order[i]])) j++;
            for (int k = i; k <= j; k++) rank[order[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return (d.Length, Enumerable.Range(0, d.Length).Where(i => negative ? d[i] < 0 : d[i] > 0).Sum(i => rank[i]));
    }

    [Fact]
    public void Signed_rank_right_and_each_slip()
    {
        var right = MosChecks.SignedRank((a, b) => SignedRank(a, b));
        Assert.True(right.Outcome == Outcome.Correct, right.ToString());
        var zeros = MosChecks.SignedRank((a, b) => SignedRank(a, b, keepZeros: true));
        Assert.Equal(Outcome.Differs, zeros.Outcome);
        Assert.Contains("leave them out", zeros.Hint);
        var ties = MosChecks.SignedRank((a, b) => SignedRank(a, b, averageTies: false));
        Assert.Equal(Outcome.Differs, ties.Outcome);
        Assert.Contains("26 paired ratings with ties and zeros: W+", ties.Detail);
        Assert.Contains("share the mean of the ranks", ties.Hint);
        var wMinus = MosChecks.SignedRank((a, b) => SignedRank(a, b, negative: true));
        Assert.Contains("that is W-", wMinus.Hint);
        Assert.Equal(Outcome.NotWritten, MosChecks.SignedRank((_, _) => throw new NotImplementedException()).Outcome);
        var thrown = MosChecks.SignedRank((a, _) => (0, a[a.Count]));
        Assert.Equal(Outcome.Failed, thrown.Outcome);
        Assert.Matches("^(Argument|Index)OutOfRangeException: Index was out", thrown.Detail);
    }

    [Fact]
    public void Mos_interval_right_and_each_slip()
    {
        static (double, double) Mos(IReadOnlyList<double> r, double? quantile = null, int ddof = 1, bool perMean = true)
        {
            double mean = r.Average(), sd = Math.Sqrt(r.Sum(v => (v - mean) * (v - mean)) / (r.Count - ddof));
            return (mean, (quantile ?? MosAnalysis.StudentT975(r.Count - 1)) * sd / (perMean ? Math.Sqrt(r.Count) : 1));
        }
        var right = MosChecks.MosInterval(r => Mos(r));
        Assert.True(right.Outcome == Outcome.Correct, right.ToString());
        Assert.Contains("n - 1", MosChecks.MosInterval(r => Mos(r, ddof: 0)).Hint);
        Assert.Contains("normal quantile", MosChecks.MosInterval(r => Mos(r, quantile: 1.96)).Hint);
        Assert.Contains("sqrt(n)", MosChecks.MosInterval(r => Mos(r, perMean: false)).Hint);
        Assert.Equal(Outcome.NotWritten, MosChecks.MosInterval(_ => throw new NotImplementedException()).Outcome);
        Assert.Equal(Outcome.Failed, MosChecks.MosInterval(_ => throw new DivideByZeroException()).Outcome);
    }
}
