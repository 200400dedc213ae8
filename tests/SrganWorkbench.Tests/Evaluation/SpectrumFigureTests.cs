using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Tests.Evaluation;

/// <summary>Spectra drawn with frequency axes, one grey scale and its colour bar, the lattice circled.</summary>
public class SpectrumFigureTests
{
    static RgbImage Baboon() => ImageFile.Read(Path.Combine(SharedData.Set("Set14"), "baboon.png")).ModCrop(4);

    /// <summary>A faint dot lattice every 4 pixels, the pattern a 4x sub-pixel generator can paint.</summary>
    static RgbImage Gridded(RgbImage hr, int amplitude)
    {
        var g = hr.Clone();
        for (int y = 0; y < g.Height; y += 4)
            for (int x = 0; x < g.Width; x += 4)
                for (int c = 0; c < 3; c++) g[y, x, c] = (byte)Math.Min(255, g[y, x, c] + amplitude);
        return g;
    }

    [Fact]
    public void A_lattice_shows_brighter_on_the_shared_scale_and_the_points_are_circled()
    {
        var hr = Baboon();
        var figure = SpectrumFigure.Render([(hr, "HR"), (Gridded(hr, 16), "HR + lattice")], columns: 2);
        // Two panels of 64 + 260 + 14 px, then the colour bar's area; one row of 44 + 260 + 44 px.
        Assert.Equal((2 * 338 + 96, 348), (figure.Width, figure.Height));

        // The point (1/4, 1/4) cycles per pixel sits at 3/4 of each plot's width and height: in the panel with the
        // lattice it is brighter than in the clean one (one scale for both panels).
        int Grey(int panel, double fx, double fy) => figure[44 + (int)Math.Round((fy + 0.5) * 260), panel * 338 + 64 + (int)Math.Round((fx + 0.5) * 260), 1];
        Assert.True(Grey(1, 0.25, 0.25) > Grey(0, 0.25, 0.25) + 40, $"lattice {Grey(1, 0.25, 0.25)} vs clean {Grey(0, 0.25, 0.25)}");
        // A red ring of radius 8 px around it: red on the ring (above the point), grey inside.
        int ry = 44 + (int)Math.Round(0.75 * 260) - 8, rx = 64 + (int)Math.Round(0.75 * 260);
        Assert.True(figure[ry, rx, 0] > 180 && figure[ry, rx, 1] < 100, "no red ring around (1/4, 1/4)");

        // The colour bar runs from white (top) to black (bottom).
        int bar = 2 * 338 + 10 + 8;
        Assert.True(figure[44 + 2, bar, 0] > 240 && figure[44 + 257, bar, 0] < 15);
        // Axis labels are drawn under each plot.
        int ink = 0;
        for (int y = 44 + 260 + 6; y < 348; y++) for (int x = 64; x < 64 + 260; x++) if (figure[y, x, 0] < 128) ink++;
        Assert.True(ink > 200, "no axis labels under the first plot");
    }
}
