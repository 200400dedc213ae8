using System.Text.Json.Nodes;
using Plotly.NET;

namespace SrganWorkbench.Notebook;

/// <summary>
/// Plotly.NET charts in notebooks, in two forms: <c>application/vnd.plotly.v1+json</c> (the
/// figure, which VS Code and JupyterLab's plotly renderer draw natively) and <c>text/html</c> that
/// works offline (nbconvert's HTML, a browser without internet, the classic Jupyter Notebook): plotly.js,
/// which Plotly.NET ships inside its assembly, is embedded in the first chart of each kernel session only.
/// </summary>
public static class PlotlyOutput
{
    static int _scriptEmbedded;

    /// <summary>How the first chart of a session wraps the plotly.js bundle it embeds (see <see cref="Format"/>):
    /// <see cref="BundleStart"/>, the bundle, <see cref="BundleEnd"/>.</summary>
    public const string BundleStart = "<script type=\"text/javascript\">(function(define, module, exports){\n";
    public const string BundleEnd = "\n})(undefined, undefined, undefined);</script>\n";

    /// <summary>The version of the plotly.js that Plotly.NET embeds (from the bundle's header comment), e.g. "2.27.1".</summary>
    public static string BundleVersion => System.Text.RegularExpressions.Regex.Match(PlotlyJs.Value[..Math.Min(2000, PlotlyJs.Value.Length)], @"plotly\.js v(\d+\.\d+\.\d+)").Groups[1].Value;
    static readonly Lazy<string> PlotlyJs = new(() =>
    {
        var assembly = typeof(GenericChart).Assembly;
        string name = assembly.GetManifestResourceNames().First(n => n.EndsWith(".min.js", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        // A literal "</script" inside the inlined code would end the script element early.
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    });

    /// <summary>
    /// A standalone page that draws one figure (its <c>application/vnd.plotly.v1+json</c> form) at a fixed size, static,
    /// with plotly.js inlined and no network: what a headless browser screenshots to give a chart a PNG form (the stored
    /// executed notebooks carry one, because GitHub's notebook view runs no JavaScript).
    /// </summary>
    public static string StaticPage(JsonNode figure, int width, int height)
    {
        // "</" inside the figure's strings would end the script element; "<\/" is the same string in JSON and JavaScript.
        string json = figure.ToJsonString().Replace("</", "<\\/", StringComparison.Ordinal);
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0;background:white\">\n" +
               $"<div id=\"chart\" style=\"width:{width}px;height:{height}px\"></div>\n" + BundleStart + PlotlyJs.Value + BundleEnd +
               $"<script>(function(){{var f={json};var l=Object.assign({{}},f.layout||{{}},{{width:{width},height:{height}}});" +
               "Plotly.newPlot('chart',f.data,l,{staticPlot:true});})();</script>\n</body></html>\n";
    }

    public static MimeBundle Format(GenericChart chart)
    {
        var styled = JsonNode.Parse(GenericChart.toFigureJson(chart))!.AsObject();
        ChartStyle.Apply(styled); // the workspace's layout: size, wrapped title, legend above the plot (ChartStyle.cs)
        string figure = styled.ToJsonString();
        string id = "plotly-" + Guid.NewGuid().ToString("N");
        bool first = Interlocked.Exchange(ref _scriptEmbedded, 1) == 0;
        // plotly.js is a UMD bundle: on a page with an AMD loader (the classic Jupyter Notebook; nbconvert's HTML when the
        // system has require.js) it would register as an anonymous module and leave no global Plotly. Hiding
        // define/module/exports makes it global.
        string html = (first ? BundleStart + PlotlyJs.Value + BundleEnd : "") +
                      $"<div id=\"{id}\" class=\"srgan-plotly\" style=\"width:100%;min-height:420px\"></div>\n" +
                      $"<script type=\"text/javascript\">(function(){{var f={figure};Plotly.newPlot('{id}',f.data,f.layout,{{responsive:true}});}})();</script>";
        var json = JsonNode.Parse(figure)!.AsObject();
        var plotly = new JsonObject { ["data"] = json["data"]?.DeepClone(), ["layout"] = json["layout"]?.DeepClone() };
        return new MimeBundle { ["application/vnd.plotly.v1+json"] = plotly, ["text/html"] = html, ["text/plain"] = "Plotly chart" };
    }
}
