using System.Buffers.Binary;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Tests.Imaging;

public class ImageFileTests
{
    [Fact]
    public void Reads_a_real_rgb_png()
    {
        var image = ImageFile.Read(Path.Combine(SharedData.Set("Set5"), "baby.png"));
        Assert.Equal((512, 512), (image.Width, image.Height));
        Assert.False(image.IsGray());
        Assert.Equal(3, ImageFile.ReadChannels(Path.Combine(SharedData.Set("Set5"), "baby.png")));
    }

    [Fact]
    public void Grayscale_png_is_expanded_to_three_equal_channels()
    {
        string bridge = Path.Combine(SharedData.Set("Set14"), "bridge.png");
        Assert.Equal(1, ImageFile.ReadChannels(bridge));
        var image = ImageFile.Read(bridge);
        Assert.True(image.IsGray());

        using var temp = new SharedData.TempFolder();
        string path = temp.File("gray.png");
        File.WriteAllBytes(path, TestImages.GrayPng(5, 4, (x, y) => (byte)(x * 50 + y)));
        var small = ImageFile.Read(path);
        Assert.Equal(1, ImageFile.ReadChannels(path));
        Assert.Equal(3 * 50 + 2, small[2, 3, 0]);
        Assert.Equal(small[2, 3, 0], small[2, 3, 1]);
        Assert.Equal(small[2, 3, 0], small[2, 3, 2]);
    }

    [Fact]
    public void Our_png_round_trips_exactly_and_deterministically()
    {
        using var temp = new SharedData.TempFolder();
        var image = TestImages.Pattern(37, 23);
        ImageFile.WritePng(temp.File("a.png"), image);
        ImageFile.WritePng(temp.File("b.png"), image);
        Assert.Equal(image.Pixels, ImageFile.Read(temp.File("a.png")).Pixels);
        Assert.Equal(File.ReadAllBytes(temp.File("a.png")), File.ReadAllBytes(temp.File("b.png")));
    }

    [Fact]
    public void Sixteen_bit_png_keeps_its_precision()
    {
        using var temp = new SharedData.TempFolder();
        // Samples that 8 bits cannot hold: 1000, 1001, ... (big-endian in the file).
        int w = 4, h = 3;
        var samples = new byte[w * h * 3 * 2];
        for (int i = 0; i < w * h * 3; i++) BinaryPrimitives.WriteUInt16BigEndian(samples.AsSpan(2 * i), (ushort)(1000 + i));
        string path = temp.File("16.png");
        File.WriteAllBytes(path, PngEncoder.Encode(w, h, samples, 16));

        var planar = ImageFile.ReadPlanar(path);
        Assert.Equal(16, planar.BitDepth);
        // Pixel (0,1), green channel: interleaved sample 1*3+1 = 4, stored planar at plane 1.
        Assert.Equal(1004 / 65535f, planar.Data[1 * w * h + 1], 7);
        var eight = ImageFile.Read(path);
        Assert.Equal(RgbImage.RoundToByte(1004 / 257.0), eight[0, 1, 1]);

        ImageFile.WritePng(temp.File("16b.png"), planar, bitDepth: 16);
        Assert.Equal(planar.Data, ImageFile.ReadPlanar(temp.File("16b.png")).Data);
    }

    [Fact]
    public void Truncated_and_grey_sixteen_bit_pngs()
    {
        using var temp = new SharedData.TempFolder();
        var samples = new byte[8 * 8 * 3 * 2];
        for (int i = 0; i < samples.Length; i++) samples[i] = (byte)(i * 37);
        byte[] png = PngEncoder.Encode(8, 8, samples, 16);
        string truncated = temp.File("t16.png");
        File.WriteAllBytes(truncated, png[..(png.Length - 30)]);
        var e = Assert.Throws<ImageFileException>(() => ImageFile.ReadPlanar(truncated));
        Assert.StartsWith(truncated, e.Message);

        // A 16-bit grey PNG (colour type 0), assembled by hand, read back as three equal channels.
        string path = temp.File("g16.png");
        File.WriteAllBytes(path, TestImages.Grey16Png(3, 2, i => (ushort)(i * 10000 + 7)));
        var planar = ImageFile.ReadPlanar(path);
        Assert.Equal(16, planar.BitDepth);
        Assert.Equal(1, ImageFile.ReadChannels(path));
        Assert.Equal(50007 / 65535f, planar.Data[5], 6);
        Assert.Equal(planar.Data[5], planar.Data[6 + 5]);
        Assert.Equal(planar.Data[5], planar.Data[12 + 5]);
    }

    [Fact]
    public void Jpeg_and_bmp_are_read()
    {
        using var temp = new SharedData.TempFolder();
        var image = TestImages.Pattern(16, 12);
        File.WriteAllBytes(temp.File("p.bmp"), TestImages.Bmp(image));
        Assert.Equal(image.Pixels, ImageFile.Read(temp.File("p.bmp")).Pixels);

        var smooth = new RgbImage(16, 16);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++) { smooth[y, x, 0] = (byte)(x * 16); smooth[y, x, 1] = (byte)(y * 16); smooth[y, x, 2] = 128; }
        File.WriteAllBytes(temp.File("p.jpg"), TestImages.Jpeg(smooth));
        var jpeg = ImageFile.Read(temp.File("p.jpg"));
        Assert.Equal((16, 16), (jpeg.Width, jpeg.Height));
        double meanError = jpeg.Pixels.Zip(smooth.Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanError < 3, $"JPEG at quality 100 should be close to its source; mean |error| {meanError:F2}");
    }

    [Fact]
    public void Alpha_policy_is_applied()
    {
        using var temp = new SharedData.TempFolder();
        string path = temp.File("rgba.png");
        // Left pixel fully transparent orange, right pixel half-transparent blue.
        File.WriteAllBytes(path, TestImages.RgbaPng(2, 1, (x, _) => x == 0 ? ((byte)200, (byte)100, (byte)50, (byte)0) : ((byte)0, (byte)0, (byte)255, (byte)128)));
        Assert.Equal(4, ImageFile.ReadChannels(path));

        var ignore = ImageFile.Read(path);
        Assert.Equal([200, 100, 50, 0, 0, 255], ignore.Pixels);

        var white = ImageFile.Read(path, AlphaPolicy.CompositeOnWhite);
        Assert.Equal([255, 255, 255], white.Pixels[..3]);
        Assert.Equal(RgbImage.RoundToByte(255.0 * 127 / 255), white.Pixels[3]);
        Assert.Equal(255, white.Pixels[5]);

        var e = Assert.Throws<ImageFileException>(() => ImageFile.Read(path, AlphaPolicy.Reject));
        Assert.Contains(path, e.Message);
        Assert.Contains("alpha", e.Message);
    }

    [Theory]
    [InlineData("empty", "empty")]
    [InlineData("truncated", "truncated")]
    [InlineData("text", "not a recognised image")]
    [InlineData("garbage-after-header", "")]
    [InlineData("missing", "not found")]
    [InlineData("directory", "directory")]
    public void Bad_files_give_an_error_naming_the_file(string kind, string expected)
    {
        using var temp = new SharedData.TempFolder();
        string path = temp.File(kind + ".png");
        byte[] real = File.ReadAllBytes(Path.Combine(SharedData.Set("Set5"), "bird.png"));
        switch (kind)
        {
            case "empty": File.WriteAllBytes(path, []); break;
            case "truncated": File.WriteAllBytes(path, real[..(real.Length / 2)]); break;
            case "text": File.WriteAllText(path, "this is not an image\n"); break;
            case "garbage-after-header":
                var broken = (byte[])real.Clone();
                for (int i = 200; i < broken.Length - 20; i++) broken[i] = (byte)(i * 31);
                File.WriteAllBytes(path, broken);
                break;
            case "directory": Directory.CreateDirectory(path); break;
        }
        var e = Assert.Throws<ImageFileException>(() => ImageFile.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
    }
}
