using System.Text.Json.Nodes;

namespace SrganWorkbench.Notebook;

/// <summary>
/// The workspace's chart layout, applied in one place to every chart a notebook shows (<see cref="PlotlyOutput.Format"/>),
/// so that the stored PNGs read whole on GitHub: Plotly.NET's default 600 x 600 px becomes 900 x 540 (a 600 px chart
/// cut its longer titles); a title longer than a line of the chart is wrapped at a word; a legend of two or more
/// entries sits in rows above the plot, across its width, instead of taking the right third of it; the title is pinned
/// to the top with room for both; text labels on points are not clipped at the plot's edge. A layout that sets its own
/// size or legend keeps them.
/// </summary>
public static class ChartStyle
{
    public const int Width = 900, Height = 540;
    /// <summary>Plotly's title font size, and the width of an average character of it (px): a title line holds
    /// (width - margins) / this many characters.</summary>
    public const double TitleFont = 17, TitleCharWidth = 0.55 * TitleFont;
    const double LegendCharWidth = 7, LegendItemPadding = 44, LegendRowHeight = 22, TitleLineHeight = 24;

    /// <summary>How many characters a title line holds on a chart this wide.</summary>
    public static int TitleLineChars(double width) => (int)((width - 80) / TitleCharWidth);

    public static void Apply(JsonObject figure)
    {
        var layout = figure["layout"] as JsonObject ?? (JsonObject)(figure["layout"] = new JsonObject());
        var traces = figure["data"] as JsonArray ?? [];
        if (Number(layout["width"]) is null or 600 && Number(layout["height"]) is null or 600)
        {
            layout["width"] = Width;
            layout["height"] = Height;
        }
        double width = Number(layout["width"]) ?? Width;

        int titleLines = 0;
        if (layout["title"] is JsonObject title && title["text"]?.GetValue<string>() is { Length: > 0 } text)
        {
            string wrapped = Wrap(text, TitleLineChars(width));
            title["text"] = wrapped;
            titleLines = wrapped.Split("<br>").Length;
            title["yref"] = "container";
            // Plotly anchors a wrapped title by its first line: each further line moves it down by one line's height.
            title["y"] = 1 - (10 + (titleLines - 1) * TitleLineHeight) / (Number(layout["height"]) ?? Height);
            title["yanchor"] = "top";
        }

        var names = traces.OfType<JsonObject>().Where(t => t["showlegend"]?.GetValue<bool>() != false && t["name"] is JsonValue)
            .Select(t => t["name"]!.ToString()).ToList();
        int legendRows = 0;
        if (names.Count > 1 && layout["legend"] is null && layout["showlegend"]?.GetValue<bool>() != false)
        {
            layout["legend"] = new JsonObject { ["orientation"] = "h", ["x"] = 0, ["xanchor"] = "left", ["y"] = 1.02, ["yanchor"] = "bottom" };
            double row = 0, available = width - 160;
            legendRows = 1;
            foreach (var name in names)
            {
                double item = name.Length * LegendCharWidth + LegendItemPadding;
                if (row > 0 && row + item > available) { legendRows++; row = 0; }
                row += item;
            }
        }
        if (titleLines + legendRows > 0 && layout["margin"] is null)
            layout["margin"] = new JsonObject { ["t"] = 24 + titleLines * TitleLineHeight + legendRows * LegendRowHeight + 8 };

        foreach (var trace in traces.OfType<JsonObject>())
            if (trace["mode"]?.ToString().Contains("text") == true || trace["text"] is JsonArray)
                trace["cliponaxis"] ??= false; // a label beside a point at the plot's edge is drawn whole
    }

    /// <summary>Text broken at spaces into lines of at most <paramref name="chars"/> characters, joined by Plotly's &lt;br&gt;.</summary>
    public static string Wrap(string text, int chars)
    {
        if (text.Length <= chars || text.Contains("<br>")) return text;
        var lines = new List<string>();
        string line = "";
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > chars) { lines.Add(line); line = word; }
            else line = line.Length == 0 ? word : line + " " + word;
        }
        lines.Add(line);
        return string.Join("<br>", lines);
    }

    static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
}
