using SrganWorkbench.Imaging;

namespace SrganWorkbench.Tests.Imaging;

public class ColorSpaceTests
{
    static RgbImage Pixel(byte r, byte g, byte b) => new(1, 1, [r, g, b]);

    [Theory]
    [InlineData(0, 0, 0, 16)]
    [InlineData(255, 255, 255, 235)]
    [InlineData(255, 0, 0, 81)]   // 16 + 65.481
    [InlineData(0, 255, 0, 145)]  // 16 + 128.553
    [InlineData(0, 0, 255, 41)]   // 16 + 24.966
    public void Luma_is_matlab_rgb2ycbcr_rounded(byte r, byte g, byte b, byte expected)
        => Assert.Equal(expected, ColorSpace.Luma(Pixel(r, g, b))[0]);

    [Fact]
    public void Chroma_of_grey_is_128_and_extremes_are_bt601()
    {
        Assert.Equal([235, 128, 128], ColorSpace.RgbToYCbCr(Pixel(255, 255, 255)).Pixels);
        Assert.Equal(240, ColorSpace.RgbToYCbCr(Pixel(0, 0, 255)).Pixels[1]);
        Assert.Equal(240, ColorSpace.RgbToYCbCr(Pixel(255, 0, 0)).Pixels[2]);
    }

    [Fact]
    public void Round_trip_is_within_the_quantisation_error()
    {
        var image = TestImages.Pattern(64, 48);
        var back = ColorSpace.YCbCrToRgb(ColorSpace.RgbToYCbCr(image));
        int max = image.Pixels.Zip(back.Pixels, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(max, 0, 3);
    }
}
