using System.Collections;
using System.Net;
using System.Reflection;
using System.Text;
using SrganWorkbench.Imaging;
using static TorchSharp.torch;

namespace SrganWorkbench.Notebook;

/// <summary>A row of images with captions, shown side by side (optionally zoomed, pixels kept sharp) as one PNG.</summary>
public sealed record ImageGrid(IReadOnlyList<(RgbImage Image, string Caption)> Items, int Zoom = 1);

/// <summary>
/// Turns values into Jupyter MIME bundles: images and image grids as PNG, Markdown, HTML,
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
            // One PNG with the captions drawn in: GitHub's notebook view and every frontend show it (an HTML grid of
            // data-URI images is not shown everywhere).
            case ImageGrid grid: return new MimeBundle { ["image/png"] = Png(Evaluation.LabelledFigure.Grid(grid.Items, grid.Zoom)), ["text/plain"] = $"{grid.Items.Count} images: {string.Join(" · ", grid.Items.Select(i => i.Caption))}" };
            case Tensor t when IsImage(t): return Format(ImageTensor.ToImage(t.dim() == 4 ? t[0] : t));
            case Tensor t: return MimeBundle.Text(t.ToString(TorchSharp.TensorStringStyle.Julia));
            case string s: return MimeBundle.Text(s);
            case Course.Check check: return MimeBundle.Text(check.ToString()); // an exercise's check: its line(s), not a table of its properties
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
}
