using System.Diagnostics;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Tests.Imaging;

namespace SrganWorkbench.Tests.Cli;

/// <summary>
/// `srgan upscale --tile` writing its output a band at a time (issue 31): stopped half way, it leaves no file; it
/// says what it held whole in memory and why. (That its files equal the in-memory tiled upscale's: BandedUpscaleTests.)
/// </summary>
public class UpscaleBandsCliTests
{
    static readonly string Model = Path.Combine(DataRoot.RepositoryRoot(), "results", "srresnet-cpu-continued");

    [Fact]
    public async Task Ctrl_c_while_bands_are_written_leaves_no_file()
    {
        using var temp = new SharedData.TempFolder();
        string input = temp.File("baboon.png"), sr = temp.File("sr");
        ImageFile.WritePng(input, ImageFile.Read(SharedData.Path_("Set14", "HR", "baboon.png")).Crop(0, 0, 400, 400));

        using var process = Process.Start(TestProcess.SrganStart("upscale", input, "-o", sr, "--model", Model, "--tile", "48", "--overlap", "8"))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Wait until the first bands are in the temporary file: the output is being written, not finished.
        var deadline = DateTime.UtcNow.AddSeconds(180);
        string? partial = null;
        while (DateTime.UtcNow < deadline && partial == null && !process.HasExited)
        {
            partial = Directory.Exists(sr) ? Directory.GetFiles(sr, "*.tmp").FirstOrDefault(Written) : null;
            Thread.Sleep(20);
        }
        Assert.True(partial != null, "no band was written within 180 s, or the upscale finished first");
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString()])) kill.WaitForExit(); // what Ctrl-C sends
        Assert.True(process.WaitForExit(60_000), "srgan upscale did not stop within 60 s of SIGINT");
        await stdout;
        string err = await stderr;

        Assert.Equal(130, process.ExitCode);
        Assert.DoesNotContain("internal error", err);
        Assert.Empty(Directory.GetFiles(sr)); // neither the PNG nor its temporary file
    }

    static bool Written(string file)
    {
        try { return new FileInfo(file).Length > 0; }
        catch (FileNotFoundException) { return false; } // renamed: finished
    }

    [Fact]
    public void A_tiled_upscale_says_what_it_held_whole()
    {
        using var temp = new SharedData.TempFolder();
        string photos = temp.File("photos");
        Directory.CreateDirectory(photos);
        var crop = PhotoReadingTests.Baboon(60, 40);
        ImageFile.WritePng(Path.Combine(photos, "banded.png"), crop);
        File.WriteAllBytes(Path.Combine(photos, "photo.jpg"), TestImages.Jpeg(crop));
        ImageFile.WritePng(Path.Combine(photos, "small.png"), PhotoReadingTests.Baboon(20, 16));

        var run = TestProcess.Srgan("upscale", photos, "-o", temp.File("sr"), "--model", Model, "--tile", "24", "--overlap", "4");
        Assert.True(run.Code == 0, run.Err);
        string Line(string name) => run.Out.Split('\n').Single(l => l.StartsWith(Path.Combine(photos, name)));
        Assert.EndsWith(" s", Line("banded.png"));
        Assert.EndsWith(" s", Line("small.png")); // within one tile: whole, as asked
        Assert.EndsWith(" (input read whole: it is not a PNG (only PNGs are read row by row))", Line("photo.jpg"));

        run = TestProcess.Srgan("upscale", Path.Combine(photos, "banded.png"), "-o", temp.File("matched"), "--model", Model, "--tile", "24", "--overlap", "4", "--histogram-match");
        Assert.True(run.Code == 0, run.Err);
        Assert.EndsWith(" (held whole in memory: --histogram-match maps the whole output's histogram)", run.Out.Trim());

        var help = TestProcess.Srgan("upscale", "--help");
        Assert.Contains("memory is bounded by the tile", string.Join(' ', help.Out.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
    }
}
