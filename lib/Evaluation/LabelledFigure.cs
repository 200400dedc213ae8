using SkiaSharp;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Evaluation;

/// <summary>
/// A comparison figure that reads on its own, as GitHub shows a stored PNG: first a small overview of the whole
/// image with the shown region boxed in red, then each panel (enlarged by pixel replication, so no method gets an
/// extra smoothing) with its caption written under it, in rows of at most <c>columns</c> cells.
/// The captions are drawn with the system's sans-serif font (DejaVu Sans on Debian: fonts-dejavu-core).
/// </summary>
public static class LabelledFigure
{
    const int Gap = ComparisonFigure.Gap, FontSize = 14, LineHeight = 18, CaptionLines = 3, BoxLine = 2;

    /// <param name="hr">The whole image the panels were cut from (the overview).</param>
    /// <param name="crop">Where the panels lie in <paramref name="hr"/>.</param>
    /// <param name="panels">Crops of <paramref name="crop"/>'s size, each with its caption (a line break starts a new line).</param>
    /// <param name="zoom">Each panel's enlargement (pixel replication).</param>
    /// <param name="columns">Cells per row, the overview included.</param>
    public static RgbImage Render(RgbImage hr, CropRegion crop, IReadOnlyList<(RgbImage Image, string Caption)> panels, int zoom, int columns = 4)
    {
        if (panels.Count == 0) throw new ArgumentException("A figure needs at least one panel.");
        if (zoom < 1) throw new ArgumentException($"zoom {zoom}: expected 1 or more.");
        if (columns < 1) throw new ArgumentException($"columns {columns}: expected 1 or more.");
        foreach (var (image, caption) in panels)
            if (image.Width != crop.Width || image.Height != crop.Height)
                throw new ArgumentException($"Panel '{caption}' is {image.Width}x{image.Height}; the region is {crop.Width}x{crop.Height}.");

        int cellW = crop.Width * zoom, cellH = crop.Height * zoom, captionH = CaptionLines * LineHeight + 6;
        var cells = new List<(RgbImage Image, string Caption)> { (Overview(hr, crop, cellW, cellH), $"whole image {hr.Width}x{hr.Height}\nred box: the region shown") };
        cells.AddRange(panels.Select(p => (ComparisonFigure.Strip([p.Image], zoom), p.Caption)));
        int cols = Math.Min(columns, cells.Count), rows = (cells.Count + cols - 1) / cols;
        int width = cols * cellW + (cols - 1) * Gap, height = rows * (cellH + captionH) + (rows - 1) * Gap;

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var font = new SKFont(Typeface(), FontSize);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            for (int i = 0; i < cells.Count; i++)
            {
                int left = (i % cols) * (cellW + Gap), top = (i / cols) * (cellH + captionH + Gap);
                var (image, caption) = cells[i];
                using (var picture = ToBitmap(image))
                    canvas.DrawBitmap(picture, left + (cellW - image.Width) / 2, top + (cellH - image.Height) / 2);
                var lines = Wrap(caption, font, cellW).Take(CaptionLines).ToList();
                for (int l = 0; l < lines.Count; l++)
                    canvas.DrawText(lines[l], left + cellW / 2f, top + cellH + (l + 1) * LineHeight, SKTextAlign.Center, font, ink);
            }
        }
        return FromBitmap(bitmap);
    }

    /// <summary>
    /// Images of any sizes in rows, each enlarged <paramref name="zoom"/> times by pixel replication with its caption
    /// written under it (up to three lines): a notebook's image grid as one PNG, which every viewer shows (GitHub's
    /// notebook view included), where an HTML grid of images may not show.
    /// </summary>
    public static RgbImage Grid(IReadOnlyList<(RgbImage Image, string Caption)> items, int zoom = 1, int maxWidth = 1500)
    {
        if (items.Count == 0) throw new ArgumentException("A grid needs at least one image.");
        var cells = items.Select(i => (Image: zoom == 1 ? i.Image : ComparisonFigure.Strip([i.Image], zoom), i.Caption)).ToList();
        int cellW = Math.Max(160, cells.Max(c => c.Image.Width)), captionH = CaptionLines * LineHeight + 6;
        int cols = Math.Max(1, Math.Min(cells.Count, (maxWidth + Gap) / (cellW + Gap)));
        var rows = cells.Chunk(cols).ToList();
        var rowH = rows.Select(r => r.Max(c => c.Image.Height) + captionH).ToList();
        int width = Math.Min(cells.Count, cols) * cellW + (Math.Min(cells.Count, cols) - 1) * Gap, height = rowH.Sum() + (rows.Count - 1) * Gap;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var font = new SKFont(Typeface(), FontSize);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            int top = 0;
            for (int r = 0; r < rows.Count; r++)
            {
                int imageH = rowH[r] - captionH;
                for (int c = 0; c < rows[r].Length; c++)
                {
                    var (image, caption) = rows[r][c];
                    int left = c * (cellW + Gap);
                    using (var picture = ToBitmap(image)) canvas.DrawBitmap(picture, left + (cellW - image.Width) / 2, top);
                    var lines = Wrap(caption, font, cellW).Take(CaptionLines).ToList();
                    for (int l = 0; l < lines.Count; l++)
                        canvas.DrawText(lines[l], left + cellW / 2f, top + imageH + (l + 1) * LineHeight, SKTextAlign.Center, font, ink);
                }
                top += rowH[r] + Gap;
            }
        }
        return FromBitmap(bitmap);
    }

    /// <summary>The whole image shrunk (MATLAB bicubic, antialiased) to fit a cell, the region boxed in red (edged in
    /// white outside, so the box shows on red too).</summary>
    public static RgbImage Overview(RgbImage hr, CropRegion crop, int maxWidth, int maxHeight)
    {
        double scale = Math.Min(1.0, Math.Min((double)maxWidth / hr.Width, (double)maxHeight / hr.Height));
        int w = Math.Max(1, (int)Math.Round(hr.Width * scale)), h = Math.Max(1, (int)Math.Round(hr.Height * scale));
        var small = scale < 1 ? MatlabResize.Resize(hr, w, h) : hr.Clone();
        int x0 = (int)Math.Floor(crop.X * scale), y0 = (int)Math.Floor(crop.Y * scale);
        int x1 = Math.Min(w - 1, (int)Math.Ceiling((crop.X + crop.Width) * scale) - 1), y1 = Math.Min(h - 1, (int)Math.Ceiling((crop.Y + crop.Height) * scale) - 1);
        void Set(int x, int y, byte g) { if (x >= 0 && y >= 0 && x < w && y < h) { small[y, x, 0] = 255; small[y, x, 1] = g; small[y, x, 2] = g; } }
        for (int t = -1; t < BoxLine; t++)
        {
            byte g = t < 0 ? (byte)255 : (byte)0; // t = -1: the white edge just outside the red
            for (int x = x0 + t; x <= x1 - t; x++) { Set(x, y0 + t, g); Set(x, y1 - t, g); }
            for (int y = y0 + t; y <= y1 - t; y++) { Set(x0 + t, y, g); Set(x1 - t, y, g); }
        }
        return small;
    }

    internal static SKTypeface Typeface()
    {
        var typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        if (typeface.GlyphCount == 0)
            throw new InvalidOperationException("No font found to write the figure's captions: install one (Debian: apt-get install fonts-dejavu-core).");
        return typeface;
    }

    /// <summary>Words of each line of <paramref name="text"/> gathered into lines no wider than <paramref name="width"/>.</summary>
    internal static IEnumerable<string> Wrap(string text, SKFont font, int width)
    {
        foreach (var paragraph in text.Split('\n'))
        {
            string line = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string longer = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && font.MeasureText(longer) > width - 16) { yield return line; line = word; }
                else line = longer;
            }
            yield return line;
        }
    }

    static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; i < image.Pixels.Length; i += 3, j += 4)
        {
            rgba[j] = image.Pixels[i]; rgba[j + 1] = image.Pixels[i + 1]; rgba[j + 2] = image.Pixels[i + 2]; rgba[j + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    internal static RgbImage FromBitmap(SKBitmap bitmap)
    {
        var rgba = bitmap.Bytes; // Rgba8888, rows packed (the bitmap was made with the default row bytes)
        var image = new RgbImage(bitmap.Width, bitmap.Height);
        for (int i = 0, j = 0; i < image.Pixels.Length; i += 3, j += 4)
        {
            image.Pixels[i] = rgba[j]; image.Pixels[i + 1] = rgba[j + 1]; image.Pixels[i + 2] = rgba[j + 2];
        }
        return image;
    }
}
