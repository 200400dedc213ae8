using System.Diagnostics;
using SkiaSharp;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Tests.Imaging;

namespace SrganWorkbench.Tests.Cli;

/// <summary>
/// `srgan upscale` on a folder of photos as people have them (issue 31), made here from crops of Set14's baboon and
/// bridge, with the model of the report (results/srresnet-cpu-continued): upright outputs, modes kept, a broken file
/// named and skipped, and never a partial output file.
/// </summary>
public class UpscalePhotosCliTests
{
    static readonly string Model = Path.Combine(DataRoot.RepositoryRoot(), "results", "srresnet-cpu-continued");

    [Fact]
    public void A_folder_of_photos_comes_out_upright_in_the_modes_it_went_in()
    {
        using var temp = new SharedData.TempFolder();
        string photos = temp.File("photos"), upright = temp.File("upright"), sr = temp.File("sr"), srUpright = temp.File("sr-upright");
        Directory.CreateDirectory(photos);
        Directory.CreateDirectory(upright);
        var baboon = PhotoReadingTests.Baboon(); // 96x64, as reported

        // Every orientation, and a phone's JPEG held upright; beside them, the same pictures turned upright by hand.
        for (int o = 1; o <= 8; o++)
        {
            File.WriteAllBytes(Path.Combine(photos, $"o{o}.png"), TestImages.PngWithOrientation(baboon, o, bigEndian: o % 2 == 1));
            ImageFile.WritePng(Path.Combine(upright, $"o{o}.png"), TestImages.Upright(baboon, o));
        }
        byte[] phone = TestImages.JpegWithOrientation(baboon, 6);
        File.WriteAllBytes(Path.Combine(photos, "phone.jpg"), phone);
        ImageFile.WritePng(Path.Combine(upright, "phone.png"), TestImages.Upright(TestImages.RgbOf(TestImages.SkiaDecodeRaw(phone)), 6));

        // Alpha (a transparent region), grey (bridge), 16 bits, a non-sRGB profile, a corrupt JPEG, and a text file.
        var small = PhotoReadingTests.Baboon(40, 32);
        var rgba = new ushort[40 * 32 * 4];
        var alpha = new RgbImage(40, 32);
        for (int p = 0; p < 40 * 32; p++)
        {
            for (int c = 0; c < 3; c++) rgba[p * 4 + c] = small.Pixels[p * 3 + c];
            byte a = (byte)(p % 40 < 12 ? 0 : Math.Min(255, (p % 40 - 12) * 20));
            rgba[p * 4 + 3] = a;
            for (int c = 0; c < 3; c++) alpha.Pixels[p * 3 + c] = a;
        }
        File.WriteAllBytes(Path.Combine(photos, "alpha.png"), TestImages.Png(40, 32, 4, 8, rgba));
        var bridge = ImageFile.Read(SharedData.Path_("Set14", "HR", "bridge.png")).Crop(150, 100, 40, 32);
        File.WriteAllBytes(Path.Combine(photos, "grey.png"), TestImages.Png(40, 32, 1, 8, bridge.Pixels.Where((_, i) => i % 3 == 0).Select(v => (ushort)v).ToArray()));
        File.WriteAllBytes(Path.Combine(photos, "deep.png"), TestImages.Png(40, 32, 3, 16, Array.ConvertAll(small.Pixels, v => (ushort)(v * 257 + 100))));
        var greyAlpha16 = new ushort[40 * 32 * 2];
        for (int p = 0; p < 40 * 32; p++) { greyAlpha16[2 * p] = (ushort)(bridge.Pixels[3 * p] * 257); greyAlpha16[2 * p + 1] = (ushort)(p * 50); }
        File.WriteAllBytes(Path.Combine(photos, "deep-grey-alpha.png"), TestImages.Png(40, 32, 2, 16, greyAlpha16));
        File.WriteAllBytes(Path.Combine(photos, "p3.jpg"), TestImages.DisplayP3(small, SKEncodedImageFormat.Jpeg));
        File.WriteAllBytes(Path.Combine(photos, "p3-web.webp"), TestImages.DisplayP3(small, SKEncodedImageFormat.Webp));
        File.WriteAllBytes(Path.Combine(photos, "broken.jpg"), phone[..(phone.Length / 3)]);
        File.WriteAllText(Path.Combine(photos, "notes.txt"), "taken on holiday\n");

        var run = TestProcess.Srgan("upscale", photos, "-o", sr, "--model", Model);
        var reference = TestProcess.Srgan("upscale", upright, "-o", srUpright, "--model", Model);
        Assert.True(reference.Code == 0, reference.Err);

        // The broken file named with why, once; the others done; the count at the end, and a non-zero exit.
        Assert.Equal(UpscaleExitSomeFailed, run.Code);
        string[] err = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var skipped = Assert.Single(err, l => l.StartsWith("skipped: "));
        Assert.Contains(Path.Combine(photos, "broken.jpg") + ": the file is truncated", skipped);
        Assert.Equal("error: 1 of 16 images failed (named above); the other 15 are in " + sr + ".", err[^1]);
        Assert.Contains(err, l => l.StartsWith("note: ") && l.Contains("notes.txt"));
        Assert.False(File.Exists(Path.Combine(sr, "broken.png")));
        Assert.Equal(15, Directory.GetFiles(sr).Length); // and no temporary file

        // One warning line for each file whose profile is not sRGB, naming the file and the profile.
        var warnings = err.Where(l => l.StartsWith("warning: ")).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("'Display P3 Gamut with sRGB Transfer' is not sRGB", w));
        Assert.Contains(warnings, w => w.Contains(Path.Combine(photos, "p3.jpg")));

        // Upright: each output is the upscale of the picture turned upright first, so it is 4x the upright size.
        foreach (string name in Enumerable.Range(1, 8).Select(o => $"o{o}").Append("phone"))
        {
            var (w, h) = ImageFile.ReadSize(Path.Combine(upright, name + ".png"));
            Assert.Equal((4 * w, 4 * h), ImageFile.ReadSize(Path.Combine(sr, name + ".png")));
            Assert.True(File.ReadAllBytes(Path.Combine(srUpright, name + ".png")).SequenceEqual(File.ReadAllBytes(Path.Combine(sr, name + ".png"))),
                $"{name}: the output differs from upscaling the upright picture");
        }
        Assert.Equal((256, 384), ImageFile.ReadSize(Path.Combine(sr, "phone.png")));
        Assert.Contains("turned upright from EXIF orientation 6", run.Out);

        // Modes, from the output files' own headers: (bit depth, PNG colour type).
        Assert.Equal((8, 6), TestImages.PngMode(Path.Combine(sr, "alpha.png")));
        Assert.Equal((8, 0), TestImages.PngMode(Path.Combine(sr, "grey.png")));
        Assert.Equal((16, 2), TestImages.PngMode(Path.Combine(sr, "deep.png")));
        Assert.Equal((16, 4), TestImages.PngMode(Path.Combine(sr, "deep-grey-alpha.png")));
        Assert.Equal((8, 2), TestImages.PngMode(Path.Combine(sr, "p3.png")));
        foreach (string name in new[] { "alpha", "grey", "deep", "deep-grey-alpha" })
            Assert.Equal((160, 128), ImageFile.ReadSize(Path.Combine(sr, name + ".png")));

        // The alpha, decoded by Skia: MATLAB's bicubic x4 of the input's alpha.
        var decoded = TestImages.SkiaDecodeRaw(File.ReadAllBytes(Path.Combine(sr, "alpha.png")));
        var expected = MatlabResize.Resize(alpha, 4);
        Assert.Equal(expected.Pixels.Where((_, i) => i % 3 == 0), decoded.Rgba.Where((_, i) => i % 4 == 3));
        // 16 bits: samples between the 8-bit levels.
        var deep = ImageFile.ReadPhoto(Path.Combine(sr, "deep.png"));
        Assert.True(deep.Samples.Count(v => v % 257 != 0) > deep.Samples.Length * 9 / 10);
    }

    const int UpscaleExitSomeFailed = 1;

    [Fact]
    public void The_same_reading_in_compare_an_oriented_image_is_upright()
    {
        using var temp = new SharedData.TempFolder();
        string image = temp.File("phone.png"), figure = temp.File("fig.png");
        File.WriteAllBytes(image, TestImages.PngWithOrientation(PhotoReadingTests.Baboon(), 6)); // 64x96 upright
        // A region 92 pixels tall lies inside the upright picture only (stored, it is 64 tall).
        var run = TestProcess.Srgan("compare", "--image", image, "--crop", "0,0,60,92", "--method", "bicubic", "--zoom", "1", "--bare", "-o", figure);
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal((2 * 60 + SrganWorkbench.Evaluation.ComparisonFigure.Gap, 92), ImageFile.ReadSize(figure));
    }

    [Fact]
    public async Task Ctrl_c_leaves_finished_images_only()
    {
        using var temp = new SharedData.TempFolder();
        string photos = temp.File("photos"), sr = temp.File("sr");
        Directory.CreateDirectory(photos);
        var crop = PhotoReadingTests.Baboon(160, 120);
        for (int i = 0; i < 12; i++) ImageFile.WritePng(Path.Combine(photos, $"p{i:D2}.png"), crop);

        using var process = Process.Start(TestProcess.SrganStart("upscale", photos, "-o", sr, "--model", Model))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && !(Directory.Exists(sr) && Directory.GetFiles(sr, "*.png").Length >= 1)) Thread.Sleep(10);
        Assert.True(Directory.GetFiles(sr, "*.png").Length >= 1, "no image written within 120 s");
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString()])) kill.WaitForExit(); // what Ctrl-C sends
        Assert.True(process.WaitForExit(60_000), "srgan upscale did not stop within 60 s of SIGINT");
        await stdout;
        string err = await stderr;

        Assert.Equal(130, process.ExitCode);
        Assert.DoesNotContain("internal error", err);
        string[] left = Directory.GetFiles(sr);
        Assert.InRange(left.Length, 1, 11); // stopped part way
        foreach (string file in left)
        {
            Assert.EndsWith(".png", file); // no temporary file
            var (w, h, _) = TestImages.SkiaDecodeRaw(File.ReadAllBytes(file)); // and each one whole
            Assert.Equal((640, 480), (w, h));
        }
    }
}
