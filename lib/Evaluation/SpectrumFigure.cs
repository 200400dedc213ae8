using SkiaSharp;
using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;

namespace SrganWorkbench.Evaluation;

/// <summary>
/// Power spectra of several images side by side, as a reader of a stored PNG needs them: frequency axes in cycles
/// per pixel, one grey scale for all panels with its colour bar in dB (so brighter means more power in every panel),
/// and the 15 lattice points of <see cref="PeriodicArtifacts"/> (multiples of 1/4 cycle per pixel) circled in red
/// (24 circles: a frequency at +0.5 is the one at -0.5, drawn at both edges; the spectrum of a real image is also
/// symmetric about the centre),
/// each panel's caption (its periodic score) above it, in up to two lines.
/// </summary>
public static class SpectrumFigure
{
    const int Plot = 260, Left = 64, Right = 14, Top = 44, Bottom = 44, BarWidth = 16, BarArea = 96, FontSize = 13;

    public static RgbImage Render(IReadOnlyList<(RgbImage Image, string Caption)> images, int columns = 3)
    {
        if (images.Count == 0) throw new ArgumentException("A spectrum figure needs at least one image.");
        var spectra = images.Select(i => PeriodicArtifacts.CenteredSpectrumDb(i.Image)).ToList();
        // One scale for every panel: from the 1st percentile of all bins to the highest (zero frequency excluded).
        var all = spectra.SelectMany(s => s.Db).OrderBy(v => v).ToArray();
        double lo = all[(int)(0.01 * (all.Length - 1))], hi = all[(int)(0.9999 * (all.Length - 1))];

        int cols = Math.Min(columns, images.Count), rows = (images.Count + cols - 1) / cols;
        int cellW = Left + Plot + Right, cellH = Top + Plot + Bottom;
        using var bitmap = new SKBitmap(new SKImageInfo(cols * cellW + BarArea, rows * cellH, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var font = new SKFont(LabelledFigure.Typeface(), FontSize);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var frame = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
            using var ring = new SKPaint { Color = SKColors.Red, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f, IsAntialias = true };
            for (int i = 0; i < images.Count; i++)
            {
                var (db, w, h) = spectra[i];
                float x0 = (i % cols) * cellW + Left, y0 = (i / cols) * cellH + Top;
                using (var grey = Grey(db, w, h, lo, hi))
                    canvas.DrawBitmap(grey, x0, y0);
                canvas.DrawRect(x0, y0, Plot, Plot, frame);
                // Frequency f (cycles per pixel, -0.5 .. 0.5) at x0 + (f + 0.5) * Plot.
                foreach (double f in new[] { -0.5, -0.25, 0, 0.25, 0.5 })
                {
                    float at = (float)((f + 0.5) * Plot);
                    string label = f.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
                    canvas.DrawLine(x0 + at, y0 + Plot, x0 + at, y0 + Plot + 4, frame);
                    canvas.DrawText(label, x0 + at, y0 + Plot + 19, SKTextAlign.Center, font, ink);
                    // The y axis grows upwards: +0.5 at the top. The corner's -0.5 is left to the x axis.
                    string up = (-f).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
                    canvas.DrawLine(x0 - 4, y0 + at, x0, y0 + at, frame);
                    if (f < 0.5) canvas.DrawText(up, x0 - 6, y0 + at + 4, SKTextAlign.Right, font, ink);
                }
                canvas.DrawText("horizontal frequency (cycles/pixel)", x0 + Plot / 2f, y0 + Plot + 36, SKTextAlign.Center, font, ink);
                canvas.Save();
                canvas.RotateDegrees(-90, x0 - 50, y0 + Plot / 2f);
                canvas.DrawText("vertical frequency (cycles/pixel)", x0 - 50, y0 + Plot / 2f + 4, SKTextAlign.Center, font, ink);
                canvas.Restore();
                for (int l = 0; l < PeriodicArtifacts.Period; l++)
                    for (int k = 0; k < PeriodicArtifacts.Period; k++)
                    {
                        if (k == 0 && l == 0) continue;
                        // Lattice point (k/4, l/4), folded into -0.5 .. 0.5; points on the edge (0.5) drawn at both edges.
                        foreach (double fx in Folded(k / 4.0))
                            foreach (double fy in Folded(l / 4.0))
                                canvas.DrawCircle(x0 + (float)((fx + 0.5) * Plot), y0 + (float)((fy + 0.5) * Plot), 8, ring);
                    }
                // The caption above the plot, in at most two lines as wide as the panel.
                var lines = LabelledFigure.Wrap(images[i].Caption, font, Plot + Left).Take(2).ToList();
                for (int l = 0; l < lines.Count; l++)
                    canvas.DrawText(lines[l], x0 + Plot / 2f, y0 - 9 - (lines.Count - 1 - l) * 17, SKTextAlign.Center, font, ink);
            }
            // The colour bar: the grey scale, hi at the top.
            float bx = cols * cellW + 10, by = Top, bh = Plot;
            for (int y = 0; y < (int)bh; y++)
            {
                byte g = (byte)Math.Round(255 * (1 - y / (bh - 1)));
                using var p = new SKPaint { Color = new SKColor(g, g, g) };
                canvas.DrawRect(bx, by + y, BarWidth, 1, p);
            }
            canvas.DrawRect(bx, by, BarWidth, bh, frame);
            for (int t = 0; t <= 4; t++)
            {
                double value = hi - t * (hi - lo) / 4;
                float y = by + t * bh / 4;
                canvas.DrawLine(bx + BarWidth, y, bx + BarWidth + 4, y, frame);
                canvas.DrawText((value - hi).ToString("0", System.Globalization.CultureInfo.InvariantCulture), bx + BarWidth + 6, y + 4, SKTextAlign.Left, font, ink);
            }
            canvas.Save();
            canvas.RotateDegrees(90, bx + BarWidth + 50, by + bh / 2);
            canvas.DrawText("power (dB below the top)", bx + BarWidth + 50, by + bh / 2 + 4, SKTextAlign.Center, font, ink);
            canvas.Restore();
        }
        return LabelledFigure.FromBitmap(bitmap);
    }

    static IEnumerable<double> Folded(double f) => f > 0.5 ? [f - 1] : f == 0.5 ? [-0.5, 0.5] : [f];

    /// <summary>The spectrum shrunk to Plot x Plot pixels, each the highest value of the bins it covers (a peak one bin
    /// wide stays visible; an average would dilute it), on the grey scale lo .. hi.</summary>
    static SKBitmap Grey(double[] db, int w, int h, double lo, double hi)
    {
        var bitmap = new SKBitmap(new SKImageInfo(Plot, Plot, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[Plot * Plot * 4];
        for (int py = 0; py < Plot; py++)
            for (int px = 0; px < Plot; px++)
            {
                int sy = Plot - 1 - py; // the top row is the highest vertical frequency (+0.5), as on a chart's y axis
                int ya = sy * h / Plot, yb = Math.Max(ya + 1, (sy + 1) * h / Plot), xa = px * w / Plot, xb = Math.Max(xa + 1, (px + 1) * w / Plot);
                double max = double.NegativeInfinity;
                for (int y = ya; y < yb; y++) for (int x = xa; x < xb; x++) max = Math.Max(max, db[y * w + x]);
                byte g = (byte)Math.Clamp(Math.Round(255 * (max - lo) / (hi - lo)), 0, 255);
                int i = py * Plot + px;
                rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = g;
                rgba[4 * i + 3] = 255;
            }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }
}
