using System.Text.Json.Nodes;
using Plotly.NET.CSharp;
using SrganWorkbench.Notebook;

namespace SrganWorkbench.Tests.Notebook;

/// <summary>The one chart layout every notebook's charts get (what GitHub shows of them is a PNG at the figure's size).</summary>
public class ChartStyleTests
{
    static JsonObject Figure(Plotly.NET.GenericChart chart) =>
        JsonNode.Parse(PlotlyOutput.Format(chart)["application/vnd.plotly.v1+json"]!.ToString()!)!.AsObject();

    [Fact]
    public void A_default_chart_is_widened_its_long_title_wrapped_and_its_legend_put_above_the_plot()
    {
        string title = "SRResNet, cpu profile: training loss (srresnet-cpu from step 0, then srresnet-cpu-continued from step 7,000), a title far longer than one line";
        var chart = Chart.Combine([
            Chart.Line<double, double, string>(new[] { 0.0, 1 }, new[] { 1.0, 2 }, Name: "first run"),
            Chart.Line<double, double, string>(new[] { 0.0, 1 }, new[] { 2.0, 3 }, Name: "second run"),
        ]).WithTitle(title).WithAxes("step", "loss");
        var layout = Figure(chart)["layout"]!.AsObject();
        Assert.Equal(ChartStyle.Width, layout["width"]!.GetValue<double>());
        string[] lines = layout["title"]!["text"]!.GetValue<string>().Split("<br>");
        Assert.True(lines.Length >= 2);
        Assert.All(lines, l => Assert.True(l.Length <= ChartStyle.TitleLineChars(ChartStyle.Width), l));
        Assert.Equal(title, string.Join(" ", lines)); // every word kept, in order
        Assert.Equal("h", layout["legend"]!["orientation"]!.GetValue<string>());
        Assert.True(layout["legend"]!["y"]!.GetValue<double>() > 1); // above the plot area
        Assert.True(layout["margin"]!["t"]!.GetValue<double>() >= 24 + 2 * 24 + 22); // room for the title's lines and the legend's row
    }

    [Fact]
    public void An_explicit_size_and_legend_are_kept_and_labelled_points_are_not_clipped()
    {
        var chart = Chart.Point<double, double, string>(new[] { 1.0, 2 }, new[] { 1.0, 2 }, Name: "Set5", MultiText: new[] { "a", "b" },
            TextPosition: Plotly.NET.StyleParam.TextPosition.TopCenter).WithTitle("short").WithAxes("x", "y");
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithSize(chart, 700, 300);
        var figure = Figure(chart);
        Assert.Equal(700, figure["layout"]!["width"]!.GetValue<double>());
        Assert.Equal("short", figure["layout"]!["title"]!["text"]!.GetValue<string>());
        Assert.Null(figure["layout"]!["legend"]); // one entry: Plotly shows no legend, none is placed
        Assert.False(figure["data"]![0]!["cliponaxis"]!.GetValue<bool>());
    }

    [Fact]
    public void Labels_of_points_close_together_go_to_different_sides_and_a_lone_point_keeps_its_label_above()
    {
        // Notebook 03's trade-off chart: two SRGANs 0.3 dB apart at almost the same NIQE, their labels once drawn on top of each other.
        var chart = Chart.Point<double, double, string>(new[] { 26.0, 26.3, 30.0 }, new[] { 5.0, 5.05, 8.0 }, Name: "Set14",
            MultiText: new[] { "srgan-mse-cpu", "srgan-vgg22-cpu", "bicubic" }, TextPosition: Plotly.NET.StyleParam.TextPosition.TopCenter)
            .WithAxes("PSNR (dB)", "NIQE");
        var positions = Figure(chart)["data"]![0]!["textposition"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        Assert.Equal(3, positions.Count);
        Assert.NotEqual(positions[0], positions[1]);
        Assert.Equal("top center", positions[2]);
    }
}
