using SkiaSharp;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Tests.Imaging;

/// <summary>
/// Reading images as people have them (issue 31), on crops of Set14's baboon and bridge: upright whatever the EXIF
/// orientation, channels and bit depth as stored, a colour profile named when it is not sRGB. Every reader (ReadPhoto,
/// Read, ReadPlanar, ReadSize) sees the same picture.
/// </summary>
public class PhotoReadingTests
{
    /// <summary>The 96x64 crop of baboon the issue was reported with (its eyes and nose: no two rows or columns alike).</summary>
    public static RgbImage Baboon(int width = 96, int height = 64) =>
        ImageFile.Read(SharedData.Path_("Set14", "HR", "baboon.png")).Crop(200, 40, width, height);

    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)]
    [InlineData(5)] [InlineData(6)] [InlineData(7)] [InlineData(8)]
    public void Every_exif_orientation_reads_upright(int orientation)
    {
        using var temp = new SharedData.TempFolder();
        var stored = Baboon();
        string path = temp.File($"o{orientation}.png");
        // Both byte orders of the TIFF structure: cameras write either.
        File.WriteAllBytes(path, TestImages.PngWithOrientation(stored, orientation, bigEndian: orientation % 2 == 0));
        var upright = TestImages.Upright(stored, orientation);

        var photo = ImageFile.ReadPhoto(path);
        Assert.Equal((upright.Width, upright.Height), (photo.Width, photo.Height));
        Assert.Equal(orientation, photo.Orientation);
        Assert.Equal(upright.Pixels, ImageFile.Read(path).Pixels);
        Assert.Equal((upright.Width, upright.Height), ImageFile.ReadSize(path));
        Assert.Equal(upright.Pixels.Select(v => v / 255f), PlanarToInterleaved(ImageFile.ReadPlanar(path)));
        if (orientation >= 5) Assert.Equal((64, 96), (photo.Width, photo.Height));
    }

    [Fact]
    public void A_jpeg_from_a_phone_held_upright_reads_upright()
    {
        using var temp = new SharedData.TempFolder();
        foreach (bool bigEndian in new[] { true, false })
        {
            string path = temp.File($"phone-{bigEndian}.jpg");
            byte[] jpeg = TestImages.JpegWithOrientation(Baboon(), 6, bigEndian);
            File.WriteAllBytes(path, jpeg);
            // What the decoder stores, turned as the EXIF table says.
            var expected = TestImages.Upright(TestImages.RgbOf(TestImages.SkiaDecodeRaw(jpeg)), 6);
            Assert.Equal((64, 96), (expected.Width, expected.Height));
            Assert.Equal((64, 96), ImageFile.ReadSize(path));
            Assert.Equal(expected.Pixels, ImageFile.Read(path).Pixels);
        }
    }

    [Fact]
    public void Alpha_grey_and_sixteen_bits_are_read_as_stored()
    {
        using var temp = new SharedData.TempFolder();
        var baboon = Baboon(24, 16);
        int n = 24 * 16;

        // RGBA, 8 bits: a transparent hole and a ramp.
        var rgba = new ushort[n * 4];
        for (int p = 0; p < n; p++)
        {
            for (int c = 0; c < 3; c++) rgba[p * 4 + c] = baboon.Pixels[p * 3 + c];
            rgba[p * 4 + 3] = (ushort)(p % 24 < 6 ? 0 : p % 256);
        }
        File.WriteAllBytes(temp.File("rgba.png"), TestImages.Png(24, 16, 4, 8, rgba));
        var photo = ImageFile.ReadPhoto(temp.File("rgba.png"));
        Assert.Equal((4, 8, "RGBA"), (photo.Channels, photo.BitDepth, photo.Mode));
        Assert.Equal(rgba, photo.Samples);

        // Grey, 8 bits: Set14's bridge is a grey PNG.
        var bridge = ImageFile.ReadPhoto(SharedData.Path_("Set14", "HR", "bridge.png"));
        Assert.Equal((1, 8), (bridge.Channels, bridge.BitDepth));
        var bridgeRgb = ImageFile.Read(SharedData.Path_("Set14", "HR", "bridge.png"));
        Assert.Equal(bridgeRgb.Pixels.Where((_, i) => i % 3 == 0).Select(v => (ushort)v), bridge.Samples);

        // Grey + alpha and RGB, 16 bits: values 8 bits cannot hold.
        var greyAlpha = new ushort[n * 2];
        for (int p = 0; p < n; p++) { greyAlpha[2 * p] = (ushort)(baboon.Pixels[3 * p] * 257 + p % 200); greyAlpha[2 * p + 1] = (ushort)(p * 170); }
        File.WriteAllBytes(temp.File("ga16.png"), TestImages.Png(24, 16, 2, 16, greyAlpha));
        var deep = ImageFile.ReadPhoto(temp.File("ga16.png"));
        Assert.Equal((2, 16, "grey+alpha"), (deep.Channels, deep.BitDepth, deep.Mode));
        Assert.Equal(greyAlpha, deep.Samples);

        // A 16-bit photo turned upright keeps its 16 bits.
        var rgb16 = Array.ConvertAll(baboon.Pixels, v => (ushort)(v * 257 + 3));
        File.WriteAllBytes(temp.File("rgb16-o8.png"), TestImages.Png(24, 16, 3, 16, rgb16, ("eXIf", TestImages.ExifTiff(8, bigEndian: true))));
        var turned = ImageFile.ReadPhoto(temp.File("rgb16-o8.png"));
        Assert.Equal((16, 24, 3, 16), (turned.Width, turned.Height, turned.Channels, turned.BitDepth));
        // Orientation 8: upright (x, y) shows stored (w - 1 - y, x); upright (0, 0) is stored (23, 0).
        Assert.Equal(rgb16[(23 * 3)..(24 * 3)], turned.Samples[..3]);
    }

    [Fact]
    public void A_colour_profile_is_named_when_it_is_not_srgb()
    {
        using var temp = new SharedData.TempFolder();
        var baboon = Baboon(24, 16);
        foreach (var format in new[] { SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Webp })
        {
            string p3 = temp.File($"p3.{format}"), srgb = temp.File($"srgb.{format}");
            File.WriteAllBytes(p3, TestImages.DisplayP3(baboon, format));
            File.WriteAllBytes(srgb, TestImages.Srgb(baboon, format));
            Assert.Equal("Display P3 Gamut with sRGB Transfer", ImageFile.ReadPhoto(p3).ColourProfile);
            Assert.Null(ImageFile.ReadPhoto(srgb).ColourProfile);
            // The values are used as stored: the same pixels whichever profile the file names.
            Assert.Equal(ImageFile.Read(srgb).Pixels, ImageFile.Read(p3).Pixels);
        }
        File.WriteAllBytes(temp.File("none.png"), TestImages.PngWithOrientation(baboon, 1));
        Assert.Null(ImageFile.ReadPhoto(temp.File("none.png")).ColourProfile);
    }

    static float[] PlanarToInterleaved(PlanarImage image)
    {
        int plane = image.Width * image.Height;
        var result = new float[3 * plane];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) result[p * 3 + c] = image.Data[c * plane + p];
        return result;
    }
}
