using Microsoft.FSharp.Core;
using Plotly.NET;

namespace SrganWorkbench.Notebook;

/// <summary>What Plotly.NET's C# API lacks and notebooks use.</summary>
public static class ChartExtensions
{
    /// <summary>Sets the chart's title (Plotly.NET's F# <c>Chart.withTitle</c>).</summary>
    public static GenericChart WithTitle(this GenericChart chart, string title) =>
        Plotly.NET.Chart.withTitle(title, FSharpOption<Font>.None).Invoke(chart);

    /// <summary>Names the axes; <paramref name="logY"/> draws the y axis on a log scale (loss curves).</summary>
    public static GenericChart WithAxes(this GenericChart chart, string x, string y, bool logY = false)
    {
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: x);
        // An Optional that is "none" unless logY leaves the axis type to Plotly, as before.
        var axisType = new Plotly.NET.CSharp.Optional<StyleParam.AxisType>(StyleParam.AxisType.Log, logY);
        return Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: y, AxisType: axisType);
    }
}
