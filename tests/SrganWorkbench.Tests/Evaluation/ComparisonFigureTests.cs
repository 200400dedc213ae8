using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;

namespace SrganWorkbench.Tests.Evaluation;

public class ComparisonFigureTests
{
    static RgbImage Baby() => ImageFile.Read(Path.Combine(SharedData.Set("Set5"), "baby.png"));

    [Fact]
    public void Panels_show_the_same_region_enlarged_with_whole_image_scores()
    {
        var hr = Baby();
        var bicubic = new InterpolationUpscaler(ResizeKernel.Bicubic);
        var nearest = new InterpolationUpscaler(ResizeKernel.Nearest);
        var crop = new CropRegion(200, 120, 48, 32);
        var (strip, panels) = ComparisonFigure.Make(hr, new BicubicDegradation(), [nearest, bicubic], crop, zoom: 3);

        Assert.Equal((3 * 48 * 3 + 2 * ComparisonFigure.Gap, 32 * 3), (strip.Width, strip.Height));
        var lr = new BicubicDegradation().Apply(hr);
        var expected = new[] { nearest.Upscale(lr), bicubic.Upscale(lr), hr };
        for (int panel = 0; panel < 3; panel++)
        {
            int left = panel * (48 * 3 + ComparisonFigure.Gap);
            foreach (var (y, x) in new[] { (0, 0), (31, 47), (10, 20) })
                for (int c = 0; c < 3; c++)
                    for (int dy = 0; dy < 3; dy++)
                        for (int dx = 0; dx < 3; dx++)
                            Assert.Equal(expected[panel][crop.Y + y, crop.X + x, c], strip[y * 3 + dy, left + x * 3 + dx, c]);
        }
        Assert.Equal(255, strip[5, 48 * 3 + 1, 0]); // the white gap
        Assert.Equal(["nearest", "bicubic"], panels.Select(p => p.Method));
        Assert.Equal(Psnr.Compute(expected[1], hr), panels[1].Psnr, 10); // the whole image, not the region
        Assert.True(panels[1].Psnr > panels[0].Psnr && panels[1].Ssim > panels[0].Ssim);
    }

    [Fact]
    public void A_region_outside_the_image_is_refused_with_its_size()
    {
        var error = Assert.Throws<ArgumentException>(() => ComparisonFigure.Make(Baby(), new BicubicDegradation(),
            [new InterpolationUpscaler(ResizeKernel.Bicubic)], new CropRegion(500, 0, 64, 64), zoom: 2));
        Assert.Contains("outside the 512x512 HR image", error.Message);
        Assert.Contains("expected x,y,width,height", Assert.Throws<ArgumentException>(() => CropRegion.Parse("1,2,3")).Message);
    }
}
