using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;

namespace SrganWorkbench.Evaluation;

/// <summary>Where the figure looks: a rectangle of the HR image (pixels), shown enlarged.</summary>
public sealed record CropRegion(int X, int Y, int Width, int Height)
{
    /// <summary>"x,y,w,h" in HR pixels.</summary>
    public static CropRegion Parse(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 4 || !parts.All(p => int.TryParse(p.Trim(), out _)))
            throw new ArgumentException($"--crop '{text}': expected x,y,width,height in HR pixels, e.g. 100,80,96,96.");
        var v = parts.Select(p => int.Parse(p.Trim())).ToArray();
        return new CropRegion(v[0], v[1], v[2], v[3]);
    }
}

/// <summary>One panel: what made it and its full-image scores (the paper's protocol: Y, border removed).</summary>
public sealed record ComparisonPanel(string Method, double Psnr, double Ssim);

/// <summary>
/// The paper's Figure 2 / Figure 6 layout: the same region of one test image as each method restores it from
/// the same LR input, then the HR original, side by side and enlarged (pixel replication, so no method gets
/// an extra smoothing). Scores are for the whole image, as in the paper's figures. <see cref="Make"/> gives the bare
/// strip; <see cref="Labelled"/> the figure with an overview and each panel's name under it.
/// </summary>
public static class ComparisonFigure
{
    /// <summary>Gap between panels, in output pixels (white).</summary>
    public const int Gap = 8;

    public static (RgbImage Strip, IReadOnlyList<ComparisonPanel> Panels) Make(
        RgbImage hr, Degradation degradation, IReadOnlyList<ISuperResolver> methods, CropRegion crop, int zoom,
        MetricOptions? metrics = null)
    {
        if (zoom < 1) throw new ArgumentException($"--zoom {zoom}: expected 1 or more.");
        var (_, crops, panels) = Restore(hr, degradation, methods, crop, metrics);
        return (Strip(crops, zoom), panels);
    }

    /// <summary>
    /// The same comparison as one self-explaining figure (<see cref="LabelledFigure"/>): an overview of the whole
    /// image with the region boxed, then each method's panel with its label and whole-image PSNR under it, then HR.
    /// <paramref name="labels"/> names the methods' panels (default: each method's name).
    /// </summary>
    public static (RgbImage Figure, IReadOnlyList<ComparisonPanel> Panels) Labelled(
        RgbImage hr, Degradation degradation, IReadOnlyList<ISuperResolver> methods, CropRegion crop, int zoom,
        IReadOnlyList<string>? labels = null, int columns = 4, MetricOptions? metrics = null)
    {
        if (labels != null && labels.Count != methods.Count)
            throw new ArgumentException($"{labels.Count} labels for {methods.Count} methods.");
        var (reference, crops, panels) = Restore(hr, degradation, methods, crop, metrics);
        var captions = panels.Select((p, i) => $"{labels?[i] ?? p.Method}\n{p.Psnr:F2} dB").Append("HR (original)").ToList();
        return (LabelledFigure.Render(reference, crop, crops.Zip(captions).ToList(), zoom, columns), panels);
    }

    /// <summary>Each method's restoration of the degraded image, cut to the region (then HR's), with its full-image scores.</summary>
    static (RgbImage Reference, List<RgbImage> Crops, List<ComparisonPanel> Panels) Restore(
        RgbImage hr, Degradation degradation, IReadOnlyList<ISuperResolver> methods, CropRegion crop, MetricOptions? metrics)
    {
        if (methods.Count == 0) throw new ArgumentException("A comparison needs at least one method.");
        metrics ??= MetricOptions.Paper(degradation.Scale);
        var reference = hr.ModCrop(degradation.Scale);
        if (crop.X < 0 || crop.Y < 0 || crop.Width < 1 || crop.Height < 1
            || crop.X + crop.Width > reference.Width || crop.Y + crop.Height > reference.Height)
            throw new ArgumentException(
                $"--crop {crop.X},{crop.Y},{crop.Width},{crop.Height}: outside the {reference.Width}x{reference.Height} HR image (after cropping to a multiple of {degradation.Scale}).");

        var lr = degradation.Apply(reference);
        var panels = new List<ComparisonPanel>();
        var crops = new List<RgbImage>();
        foreach (var method in methods)
        {
            var sr = method.Upscale(lr);
            if (sr.Width != reference.Width || sr.Height != reference.Height)
                throw new InvalidOperationException($"{method.Name} made {sr.Width}x{sr.Height}, expected {reference.Width}x{reference.Height}.");
            panels.Add(new ComparisonPanel(method.Name, Psnr.Compute(sr, reference, metrics), Ssim.Compute(sr, reference, metrics)));
            crops.Add(sr.Crop(crop.X, crop.Y, crop.Width, crop.Height));
        }
        crops.Add(reference.Crop(crop.X, crop.Y, crop.Width, crop.Height));
        return (reference, crops, panels);
    }

    /// <summary>Images of one size side by side, each enlarged <paramref name="zoom"/> times by pixel replication.</summary>
    public static RgbImage Strip(IReadOnlyList<RgbImage> images, int zoom)
    {
        int w = images[0].Width * zoom, h = images[0].Height * zoom;
        var strip = new RgbImage(images.Count * w + (images.Count - 1) * Gap, h);
        Array.Fill(strip.Pixels, (byte)255);
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            int left = i * (w + Gap);
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int src = ((y / zoom) * image.Width + x / zoom) * 3, dst = (y * strip.Width + left + x) * 3;
                strip.Pixels[dst] = image.Pixels[src];
                strip.Pixels[dst + 1] = image.Pixels[src + 1];
                strip.Pixels[dst + 2] = image.Pixels[src + 2];
            }
        }
        return strip;
    }
}
