using Plotly.NET;
using SrganWorkbench.Notebook;
using PlotlyChart = Plotly.NET.CSharp.Chart;

namespace SrganWorkbench.Mos;

/// <summary>One method's MOS beside another measure of it (NIQE, LPIPS, ...), for <see cref="MosCharts.Against"/>.</summary>
public sealed record MosPoint(string Method, double Measure, double Mos, double Low, double High);

/// <summary>
/// The MOS analysis as Plotly charts (used by <c>srgan mos analyze</c> and notebook 05). Titles are the
/// caller's: a chart of simulated ratings must say so in its title.
/// </summary>
public static class MosCharts
{
    /// <summary>The paper's Fig. 5 as one chart: the share (%) of ratings that gave each score, per method, stacked.</summary>
    public static GenericChart Distribution(MosAnalysis analysis, string title)
    {
        var shares = analysis.DistributionPercent();
        var methods = shares.Keys.ToArray();
        var bars = Enumerable.Range(0, PaperMos.ScoreMax).Select(score =>
            PlotlyChart.StackedColumn<double, string, string>(methods.Select(m => shares[m][score]).ToArray(), methods, Name: $"score {score + 1}"));
        return PlotlyChart.Combine(bars).WithAxes("method", "% of ratings").WithTitle(title);
    }

    /// <summary>MOS per method with its 95% interval (a vertical line), and, where given, a reference MOS per
    /// method (e.g. the paper's) as a second series.</summary>
    public static GenericChart WithIntervals(IReadOnlyList<MosScore> scores, string title, string name = "MOS",
        IReadOnlyDictionary<string, double>? reference = null, string referenceName = "reference")
    {
        var methods = scores.Select(s => s.Method).ToArray();
        var charts = new List<GenericChart>
        {
            PlotlyChart.Point<string, double, string>(methods, scores.Select(s => s.Mean), Name: name),
        };
        foreach (var s in scores.Where(s => !double.IsNaN(s.Ci95)))
            charts.Add(PlotlyChart.Line<string, double, string>(new[] { s.Method, s.Method }, new[] { s.Low, s.High }, Name: $"{s.Method} 95% CI", ShowLegend: false));
        if (reference != null)
        {
            var known = methods.Where(reference.ContainsKey).ToArray();
            charts.Add(PlotlyChart.Point<string, double, string>(known, known.Select(m => reference[m]), Name: referenceName,
                MarkerSymbol: StyleParam.MarkerSymbol.Diamond));
        }
        return PlotlyChart.Combine(charts).WithAxes("method", "MOS (1 bad ... 5 excellent)").WithTitle(title);
    }

    /// <summary>The Wilcoxon significance matrix as a heatmap: cell (row, column) is the mean score difference
    /// row - column over paired ratings where p &lt; 0.05, and 0 where the difference is not significant.</summary>
    public static GenericChart Significance(MosAnalysis analysis, string set, IReadOnlyList<string> methods, string title)
    {
        var z = methods.Select(a => methods.Select(b =>
            a != b && analysis.Compare(set, a, b) is { Significant: true } c ? Math.Round(c.MeanDifference, 3) : 0.0).ToArray()).ToArray();
        return PlotlyChart.Heatmap<double, string, string, string>(z, X: methods.ToArray(), Y: methods.ToArray(), ColorScale: StyleParam.Colorscale.RdBu)
            .WithAxes("column method", "row method").WithTitle(title);
    }

    /// <summary>MOS (with its 95% interval) against another measure, one point per method.</summary>
    public static GenericChart Against(IReadOnlyList<MosPoint> points, string measure, string title)
    {
        var charts = new List<GenericChart>
        {
            PlotlyChart.Point<double, double, string>(points.Select(p => p.Measure), points.Select(p => p.Mos), Name: "MOS",
                MultiText: points.Select(p => p.Method).ToArray(), TextPosition: StyleParam.TextPosition.TopCenter),
        };
        foreach (var p in points.Where(p => !double.IsNaN(p.Low)))
            charts.Add(PlotlyChart.Line<double, double, string>(new[] { p.Measure, p.Measure }, new[] { p.Low, p.High }, Name: $"{p.Method} 95% CI", ShowLegend: false));
        return PlotlyChart.Combine(charts).WithAxes(measure, "MOS (1 bad ... 5 excellent)").WithTitle(title);
    }
}
