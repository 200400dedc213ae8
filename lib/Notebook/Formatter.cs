using System.Collections;
using System.Net;
using System.Reflection;
using System.Text;
using SrganWorkbench.Imaging;
using static TorchSharp.torch;

namespace SrganWorkbench.Notebook;

/// <summary>A row of images with captions, shown side by side (optionally zoomed, pixels kept sharp).</summary>
public sealed record ImageGrid(IReadOnlyList<(RgbImage Image, string Caption)> Items, int Zoom = 1);

/// <summary>
/// Turns values into Jupyter MIME bundles: images as PNG, image grids as HTML, Markdown, HTML,
/// Plotly charts, 3 x H x W tensors as images; types with a <c>ToMimeBundle()</c> method format
/// themselves; collections, dictionaries, records and plain objects as tables
/// (<see cref="TableFormatter"/>); strings and other scalars as text.
/// </summary>
public static class Formatter
{
    public static MimeBundle Format(object? value)
    {
        switch (value)
        {
            case null: return MimeBundle.Text("null");
            case MimeBundle bundle: return bundle;
            case Markdown md: return new MimeBundle { ["text/markdown"] = md.Text, ["text/plain"] = md.Text };
            case Html html: return new MimeBundle { ["text/html"] = html.Content, ["text/plain"] = "HTML" };
            case RgbImage image:
                return new MimeBundle { ["image/png"] = Png(image), ["text/plain"] = $"RgbImage {image.Width}x{image.Height}" };
            case ImageGrid grid: return new MimeBundle { ["text/html"] = GridHtml(grid), ["text/plain"] = $"{grid.Items.Count} images" };
            case Tensor t when IsImage(t): return Format(ImageTensor.ToImage(t.dim() == 4 ? t[0] : t));
            case Tensor t: return MimeBundle.Text(t.ToString(TorchSharp.TensorStringStyle.Julia));
            case string s: return MimeBundle.Text(s);
            case Plotly.NET.GenericChart chart: return PlotlyOutput.Format(chart);
        }
        var method = value.GetType().GetMethod("ToMimeBundle", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (method?.Invoke(value, null) is MimeBundle own) return own;
        MimeBundle? table;
        try { table = TableFormatter.Format(value); }
        catch (Exception e) when (e is not OutOfMemoryException) { table = null; } // an enumeration that throws: shown as its text, never a dead kernel
        if (table != null) return table;
        return MimeBundle.Text(value.ToString() ?? "");
    }

    static bool IsImage(Tensor t) =>
        (t.dim() == 3 && t.shape[0] == 3) || (t.dim() == 4 && t.shape[0] == 1 && t.shape[1] == 3);

    static string Png(RgbImage image) => Convert.ToBase64String(PngEncoder.Encode(image.Width, image.Height, image.Pixels, 8));

    static string GridHtml(ImageGrid grid)
    {
        var sb = new StringBuilder("<div style=\"display:flex;flex-wrap:wrap;gap:12px\">");
        foreach (var (image, caption) in grid.Items)
            sb.Append($"<figure style=\"margin:0\"><img src=\"data:image/png;base64,{Png(image)}\" width=\"{image.Width * grid.Zoom}\" " +
                      $"style=\"image-rendering:pixelated\" alt=\"{WebUtility.HtmlEncode(caption)}\"/>" +
                      $"<figcaption style=\"text-align:center\">{WebUtility.HtmlEncode(caption)}</figcaption></figure>");
        return sb.Append("</div>").ToString();
    }
}
