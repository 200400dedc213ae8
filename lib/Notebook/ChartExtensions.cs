using Plotly.NET;

namespace SrganWorkbench.Notebook;

/// <summary>What Plotly.NET's C# API lacks and notebooks use.</summary>
public static class ChartExtensions
{
    static readonly System.Reflection.MethodInfo ChartWithTitle =
        typeof(Plotly.NET.Chart).GetMethods().Single(m => m.Name == "withTitle" && m.GetParameters() is [{ ParameterType.Name: "String" }, _]);

    /// <summary>Sets the chart's title (Plotly.NET's F# <c>Chart.withTitle</c>, with no title font).</summary>
    /// <remarks>Called by reflection so that this library's code names no FSharp.Core type (a null option is
    /// F#'s None): it then runs on whichever FSharp.Core the host has loaded. .NET Interactive 1.0.712001 has its
    /// own FSharp.Core 10.0 and would otherwise load a second one for this library, whose FSharpOption is another type.</remarks>
    public static GenericChart WithTitle(this GenericChart chart, string title)
    {
        object apply = ChartWithTitle.Invoke(null, [title, null])!; // FSharpFunc<GenericChart, GenericChart>
        return (GenericChart)apply.GetType().GetMethod("Invoke", [typeof(GenericChart)])!.Invoke(apply, [chart])!;
    }

    /// <summary>Names the axes; <paramref name="logY"/> draws the y axis on a log scale (loss curves).</summary>
    public static GenericChart WithAxes(this GenericChart chart, string x, string y, bool logY = false)
    {
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: x);
        // An Optional that is "none" unless logY leaves the axis type to Plotly, as before.
        var axisType = new Plotly.NET.CSharp.Optional<StyleParam.AxisType>(StyleParam.AxisType.Log, logY);
        return Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: y, AxisType: axisType);
    }
}
