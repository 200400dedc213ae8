using System.Text.Json.Nodes;

namespace SrganWorkbench.Notebook;

/// <summary>
/// The workspace's chart layout, applied in one place to every chart a notebook shows (<see cref="PlotlyOutput.Format"/>),
/// so that the stored PNGs read whole on GitHub: Plotly.NET's default 600 x 600 px becomes 900 x 540 (a 600 px chart
/// cut its longer titles); a title longer than a line of the chart is wrapped at a word; a legend of two or more
/// entries sits in rows above the plot, across its width, instead of taking the right third of it; the title is pinned
/// to the top with room for both; text labels on points are not clipped at the plot's edge, and each is placed above,
/// below, right or left of its point, whichever overlaps no label or point placed before it (<see cref="PlaceLabels"/>).
/// A layout that sets its own size or legend keeps them.
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
        double plotHeight = (Number(layout["height"]) ?? Height) - 80 - (titleLines * TitleLineHeight + legendRows * LegendRowHeight);
        PlaceLabels(traces, width - 160, plotHeight, layout["yaxis"]?["type"]?.ToString() == "log");
    }

    const double LabelCharWidth = 7, LabelHeight = 14, MarkerRadius = 5;
    static readonly (string Position, double Dx, double Dy)[] Places =
        [("top center", 0, -1), ("bottom center", 0, 1), ("middle right", 1, 0), ("middle left", -1, 0), ("top right", 1, -1), ("bottom left", -1, 1)];

    /// <summary>
    /// Gives each point label of a "markers+text" trace the first of above, below, right, left (then the diagonals)
    /// whose box, in pixels on a plot of <paramref name="plotWidth"/> x <paramref name="plotHeight"/> spanning the data,
    /// stays within the figure's width and overlaps no label placed before it and no point. Traces that set a position
    /// per point keep theirs.
    /// </summary>
    public static void PlaceLabels(JsonArray traces, double plotWidth, double plotHeight, bool logY = false)
    {
        var labelled = traces.OfType<JsonObject>().Where(t => t["mode"]?.ToString().Contains("text") == true && t["text"] is JsonArray
            && t["x"] is JsonArray && t["y"] is JsonArray && t["textposition"] is not JsonArray).ToList();
        if (labelled.Count == 0) return;
        var points = traces.OfType<JsonObject>().Where(t => t["x"] is JsonArray && t["y"] is JsonArray)
            .SelectMany(t => ((JsonArray)t["x"]!).Zip((JsonArray)t["y"]!, (x, y) => (X: Number(x), Y: Number(y))))
            .Where(p => p.X is double && p.Y is double && double.IsFinite(p.X.Value) && double.IsFinite(p.Y.Value))
            .Select(p => (X: p.X!.Value, Y: logY ? Math.Log10(Math.Max(p.Y!.Value, 1e-300)) : p.Y!.Value)).ToList();
        if (points.Count == 0) return;
        double x0 = points.Min(p => p.X), x1 = points.Max(p => p.X), y0 = points.Min(p => p.Y), y1 = points.Max(p => p.Y);
        double sx = plotWidth / Math.Max(1e-12, (x1 - x0) * 1.1), sy = plotHeight / Math.Max(1e-12, (y1 - y0) * 1.1);
        (double X, double Y) Pixel(double x, double y) => ((x - x0) * sx, (y1 - y) * sy); // y grows downwards
        var boxes = points.Select(p => Pixel(p.X, p.Y)).Select(c => (c.X - MarkerRadius, c.Y - MarkerRadius, c.X + MarkerRadius, c.Y + MarkerRadius)).ToList();
        static bool Overlaps((double L, double T, double R, double B) a, (double L, double T, double R, double B) b) =>
            a.L < b.R && b.L < a.R && a.T < b.B && b.T < a.B;
        foreach (var trace in labelled)
        {
            var texts = (JsonArray)trace["text"]!;
            var xs = (JsonArray)trace["x"]!;
            var ys = (JsonArray)trace["y"]!;
            var positions = new JsonArray();
            for (int i = 0; i < texts.Count; i++)
            {
                if (Number(xs.ElementAtOrDefault(i)) is not double x || Number(ys.ElementAtOrDefault(i)) is not double y || !double.IsFinite(x) || !double.IsFinite(y))
                {
                    positions.Add(Places[0].Position);
                    continue;
                }
                var c = Pixel(x, logY ? Math.Log10(Math.Max(y, 1e-300)) : y);
                double w = (texts[i]?.ToString().Length ?? 0) * LabelCharWidth, h = LabelHeight;
                (double, double, double, double) Box((string Position, double Dx, double Dy) p)
                {
                    double cx = c.X + p.Dx * (MarkerRadius + 2 + w / 2), cy = c.Y + p.Dy * (MarkerRadius + 2 + h / 2);
                    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
                }
                // Inside the figure's width (the margins hold a few characters), over no other label or point.
                bool Inside((double L, double T, double R, double B) b) => b.L >= -30 && b.R <= plotWidth + 30;
                var place = Places.FirstOrDefault(p => Inside(Box(p)) && !boxes.Any(b => Overlaps(Box(p), b)),
                    Places.FirstOrDefault(p => Inside(Box(p)), Places[0]));
                boxes.Add(Box(place));
                positions.Add(place.Position);
            }
            trace["textposition"] = positions;
        }
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
