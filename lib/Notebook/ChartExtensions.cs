using Microsoft.FSharp.Core;
using Plotly.NET;

namespace SrganWorkbench.Notebook;

/// <summary>What Plotly.NET's C# API lacks and notebooks use.</summary>
public static class ChartExtensions
{
    /// <summary>Sets the chart's title (Plotly.NET's F# <c>Chart.withTitle</c>).</summary>
    public static GenericChart WithTitle(this GenericChart chart, string title) =>
        Plotly.NET.Chart.withTitle(title, FSharpOption<Font>.None).Invoke(chart);
}
