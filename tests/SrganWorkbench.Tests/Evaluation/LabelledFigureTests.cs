using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Tests.Evaluation;

/// <summary>The comparison figure that reads on its own: overview with the region boxed, each panel named under it.</summary>
public class LabelledFigureTests
{
    static RgbImage Baby() => ImageFile.Read(Path.Combine(SharedData.Set("Set5"), "baby.png"));

    /// <summary>Pixels darker than light grey in a rectangle: text drawn there (the figure's background is white).</summary>
    static int Ink(RgbImage image, int left, int top, int width, int height)
    {
        int n = 0;
        for (int y = top; y < top + height; y++)
            for (int x = left; x < left + width; x++)
                if (image[y, x, 0] < 160 && image[y, x, 1] < 160 && image[y, x, 2] < 160) n++;
        return n;
    }

    [Fact]
    public void Panels_sit_under_an_overview_with_the_region_boxed_and_each_has_its_caption()
    {
        var hr = Baby();
        var crop = new CropRegion(200, 120, 96, 64);
        var bicubic = new InterpolationUpscaler(ResizeKernel.Bicubic);
        var nearest = new InterpolationUpscaler(ResizeKernel.Nearest);
        var (figure, panels) = ComparisonFigure.Labelled(hr, new BicubicDegradation(), [nearest, bicubic], crop, zoom: 2,
            labels: ["nearest neighbour", "bicubic (MATLAB)"], columns: 2);

        // Four cells (overview, nearest, bicubic, HR) in two rows of two; each cell 192x128 with its caption band under it.
        int cellW = 192, cellH = 128, gap = ComparisonFigure.Gap;
        int rowH = (figure.Height - gap) / 2, captionH = rowH - cellH;
        Assert.Equal(2 * cellW + gap, figure.Width);
        Assert.InRange(captionH, 36, 80);

        // The panels are the zoomed crops, pixel for pixel: nearest at the top right, HR at the bottom right.
        var lr = new BicubicDegradation().Apply(hr);
        var nearestSr = nearest.Upscale(lr);
        foreach (var (y, x) in new[] { (0, 0), (63, 95), (20, 40) })
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(nearestSr[crop.Y + y, crop.X + x, c], figure[y * 2 + 1, cellW + gap + x * 2 + 1, c]);
                Assert.Equal(hr[crop.Y + y, crop.X + x, c], figure[rowH + gap + y * 2, cellW + gap + x * 2, c]);
            }

        // The overview: the 512x512 image shrunk to 128x128 (scale 1/4) and centred in its cell; the box's red edge at
        // the region's corner (200/4, 120/4) = (50, 30), white just outside it, the image inside.
        int ox = (cellW - 128) / 2;
        Assert.Equal((255, 0, 0), (figure[30, ox + 50, 0], figure[30, ox + 50, 1], figure[30, ox + 50, 2]));
        Assert.Equal((255, 0, 0), (figure[30 + 15, ox + 50 + 23, 0], figure[30 + 15, ox + 50 + 23, 1], figure[30 + 15, ox + 50 + 23, 2])); // bottom right
        Assert.Equal((255, 255, 255), (figure[29, ox + 55, 0], figure[29, ox + 55, 1], figure[29, ox + 55, 2]));
        Assert.NotEqual(255, figure[40, ox + 60, 1]); // inside the box: the image (a baby's skin, not white or red)

        // Every caption band carries text; the gaps between cells do not.
        foreach (var (left, top) in new[] { (0, cellH), (cellW + gap, cellH), (0, rowH + gap + cellH), (cellW + gap, rowH + gap + cellH) })
            Assert.True(Ink(figure, left, top, cellW, captionH) > 40, $"no caption drawn at ({left}, {top})");
        Assert.Equal(0, Ink(figure, cellW, 0, gap, figure.Height));
        Assert.Equal(["nearest", "bicubic"], panels.Select(p => p.Method));
    }

    [Fact]
    public void Labels_must_match_the_methods()
    {
        var error = Assert.Throws<ArgumentException>(() => ComparisonFigure.Labelled(Baby(), new BicubicDegradation(),
            [new InterpolationUpscaler(ResizeKernel.Bicubic)], new CropRegion(0, 0, 32, 32), zoom: 1, labels: ["a", "b"]));
        Assert.Contains("2 labels for 1 methods", error.Message);
    }
}

/// <summary>A notebook's image grid is one PNG with each caption drawn under its image.</summary>
public class ImageGridTests
{
    [Fact]
    public void A_grid_is_a_png_of_the_zoomed_images_with_their_captions()
    {
        var baby = ImageFile.Read(Path.Combine(SharedData.Set("Set5"), "baby.png"));
        var a = baby.Crop(0, 0, 60, 40);
        var b = baby.Crop(100, 100, 40, 40);
        var bundle = SrganWorkbench.Notebook.Formatter.Format(new SrganWorkbench.Notebook.ImageGrid([(a, "first crop"), (b, "second")], Zoom: 2));
        Assert.False(bundle.ContainsKey("text/html")); // no HTML grid: GitHub's view may not show its images
        string file = Path.Combine(Path.GetTempPath(), $"grid-{Guid.NewGuid():N}.png");
        try
        {
            File.WriteAllBytes(file, Convert.FromBase64String(bundle["image/png"]!.ToString()!));
            var grid = ImageFile.Read(file);
            // Two cells as wide as the widest zoomed image (120 px, at least 160 for a caption), side by side.
            Assert.Equal(2 * 160 + ComparisonFigure.Gap, grid.Width);
            Assert.True(grid.Height > 80 + 40, "the captions' band is under the images");
            int left = (160 - 120) / 2;
            for (int c = 0; c < 3; c++) Assert.Equal(a[10, 20, c], grid[21, left + 41, c]); // pixel (20, 10) zoomed 2x
            int ink = 0;
            for (int y = 82; y < grid.Height; y++) for (int x = 0; x < 160; x++) if (grid[y, x, 0] < 128) ink++;
            Assert.True(ink > 30, "no caption under the first image");
        }
        finally { File.Delete(file); }
        Assert.Contains("first crop", bundle["text/plain"]!.ToString());
    }
}
