using SrganWorkbench.Imaging;

namespace SrganWorkbench.Tests.Imaging;

public class DegradationTests
{
    static RgbImage Hr() => ImageFile.Read(Path.Combine(SharedData.Set("Set5"), "head.png"));

    [Fact]
    public void Bicubic_is_matlab_imresize_by_one_quarter()
    {
        var hr = Hr();
        Assert.Equal(MatlabResize.Resize(hr, 0.25).Pixels, Degradation.Parse("bicubic").Apply(hr).Pixels);
    }

    [Fact]
    public void Gaussian_region_equals_crop_of_whole_and_blurs()
    {
        var hr = Hr();
        var gaussian = Degradation.Parse("gaussian:sigma=1.2");
        Assert.Equal(1.2, Assert.IsType<GaussianDegradation>(gaussian).Sigma);
        var whole = gaussian.Apply(hr);
        Assert.Equal((hr.Width / 4, hr.Height / 4), (whole.Width, whole.Height));
        Assert.Equal(whole.Crop(10, 20, 24, 24).Pixels, gaussian.ApplyRegion(hr, 10, 20, 24, 24).Pixels);
        Assert.Equal(whole.Crop(0, 0, 5, 7).Pixels, gaussian.ApplyRegion(hr, 0, 0, 5, 7).Pixels);

        // A flat image stays flat; a blur differs from plain subsampling on a real image.
        var flat = new RgbImage(16, 16);
        Array.Fill(flat.Pixels, (byte)77);
        Assert.All(gaussian.Apply(flat).Pixels, v => Assert.Equal(77, v));
        var plain = new RgbImage(whole.Width, whole.Height);
        for (int y = 0; y < plain.Height; y++)
            for (int x = 0; x < plain.Width; x++)
                for (int c = 0; c < 3; c++) plain[y, x, c] = hr[4 * y + 1, 4 * x + 1, c];
        Assert.NotEqual(plain.Pixels, whole.Pixels);
    }

    [Theory]
    [InlineData("lanczos", "Unknown degradation 'lanczos'")]
    [InlineData("gaussian:sigma=-1", "gaussian:sigma=<positive number>")]
    [InlineData("bicubic:x=1", "takes no parameters")]
    public void Bad_names_are_refused(string text, string message)
        => Assert.Contains(message, Assert.Throws<ArgumentException>(() => Degradation.Parse(text)).Message);

    [Fact]
    public void Sizes_not_divisible_by_the_scale_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new BicubicDegradation(4).Apply(TestImages.Pattern(30, 20)));
        Assert.Contains("30x20 is not divisible by the scale 4", e.Message);
    }
}
