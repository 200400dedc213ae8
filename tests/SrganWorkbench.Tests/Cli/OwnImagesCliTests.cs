using System.Text.Json.Nodes;
using SrganWorkbench.Tests.Data;

namespace SrganWorkbench.Tests.Cli;

/// <summary>Issue 31, item 4: `srgan train --train-dir` and `srgan eval --hr-dir`, as a user with their own images types them.</summary>
[Collection("training")]
public class OwnImagesCliTests
{
    static (int Code, string Out, string Err) Srgan(params string[] args) => TestProcess.Srgan(args);

    /// <summary>The error lines of a failed command: exactly one, naming what is wrong.</summary>
    static string OneError((int Code, string Out, string Err) run)
    {
        Assert.True(run.Code == 2, $"exit code {run.Code}: {run.Err}");
        var lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:")).ToList();
        Assert.True(lines.Count == 1, run.Err);
        Assert.DoesNotContain("   at ", run.Err); // no stack trace
        return lines[0];
    }

    [Fact]
    public void A_smoke_run_trains_from_a_folder_and_eval_of_a_copy_of_set5_gives_set5s_numbers()
    {
        using var temp = new SharedData.TempFolder();
        string photos = OwnImageFoldersTests.MakeGenerated(temp.File("photos")), run = temp.File("run");
        var train = Srgan("train", "--model", "srresnet", "--profile", "smoke", "--train-dir", photos, "--out", run, "--device", "cpu");
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("Completed: finished 30 steps", train.Out);
        Assert.Contains($"training images: 3 from the folder {photos}; skipped 1 smaller than the 32 px HR crop: photos/tiny.png (20x20)", train.Err);
        Assert.Contains("each batch: 4 crops of 32x32 HR / 8x8 LR", train.Err);
        Assert.Contains("not read (1 file(s) not named as images): photos/notes.txt", train.Err);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!;
        Assert.Empty(config["trainSets"]!.AsArray());
        Assert.Equal(photos, config["trainFolders"]!.AsArray().Single()!.GetValue<string>()); // outside the repository and data root: as it is

        // The run's generator and bicubic on Set5 and on a copy of Set5: the same numbers, image by image, every measure.
        string copy = temp.File("my-set5");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(SharedData.Set("Set5"))) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        string bySet = temp.File("eval-set5"), byFolder = temp.File("eval-folder");
        var set5 = Srgan("eval", "--method", "bicubic", "--model", run, "--sets", "Set5", "--out", bySet);
        Assert.True(set5.Code == 0, set5.Err);
        var folder = Srgan("eval", "--method", "bicubic", "--model", run, "--hr-dir", copy, "--out", byFolder);
        Assert.True(folder.Code == 0, folder.Err);
        var a = File.ReadAllLines(Path.Combine(bySet, "per-image.csv"));
        var b = File.ReadAllLines(Path.Combine(byFolder, "per-image.csv"));
        Assert.Equal(11, a.Length); // header, 5 images x 2 methods
        Assert.Equal(a.Select(l => l.Replace("Set5,", "my-set5,")), b);
        Assert.Contains("| my-set5 | srresnet-smoke | 5 |", File.ReadAllText(Path.Combine(byFolder, "summary.md")));
        Assert.Contains("trained on photos", File.ReadAllText(Path.Combine(byFolder, "summary.md")));
        // Named, and beside a catalogued set; the command line in the report names the folder without this machine's /tmp.
        string both = temp.File("eval-both");
        var named = Srgan("eval", "--hr-dir", $"mine={copy}", "--sets", "Set5", "--no-niqe", "--no-lpips", "--out", both);
        Assert.True(named.Code == 0, named.Err);
        var rows = File.ReadAllLines(Path.Combine(both, "summary.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(["Set5", "mine"], rows.Select(r => r[0]));
        Assert.Equal(rows[0][3..8], rows[1][3..8]);
    }

    [Fact]
    public void Bad_folders_and_absent_div2k_are_one_line_errors_naming_them()
    {
        using var temp = new SharedData.TempFolder();
        string empty = temp.File("empty"), small = temp.File("small"), run = temp.File("run");
        Directory.CreateDirectory(empty);
        Directory.CreateDirectory(small);
        File.Copy(Path.Combine(SharedData.Set("T91"), "t20.png"), Path.Combine(small, "t20.png")); // 78 x 78

        Assert.Equal($"error: --train-dir: {temp.File("nope")}: folder not found (expected a folder of training images).",
            OneError(Srgan("train", "--profile", "smoke", "--train-dir", temp.File("nope"), "--out", run)));
        Assert.StartsWith($"error: {empty}: no images in it or its subfolders (expected files ending in .png",
            OneError(Srgan("train", "--profile", "smoke", "--train-dir", empty, "--out", run)));
        Assert.Equal($"error: the folder {small}: no image is at least 96x96 pixels (the HR crop, after modcrop to a multiple of 4); 1 image(s), the largest 78x78 (small/t20.png).",
            OneError(Srgan("train", "--profile", "cpu", "--train-dir", small, "--out", run)));
        Assert.StartsWith($"error: DIV2K-train: MISSING: folder {Path.Combine(SharedData.Root, "DIV2K", "DIV2K_train_HR")} does not exist. What to do: download it from https://data.vision.ee.ethz.ch/cvl/DIV2K/",
            OneError(Srgan("train", "--profile", "smoke", "--train-sets", "DIV2K-train", "--out", run)));
        Assert.False(Directory.Exists(run)); // nothing was written for a run that could not start

        Assert.Equal($"error: --hr-dir: {temp.File("nope")}: folder not found (expected a folder of HR images, DIR or NAME=DIR).",
            OneError(Srgan("eval", "--hr-dir", temp.File("nope"), "--out", run)));
        Assert.StartsWith($"error: {empty}: no images in it or its subfolders", OneError(Srgan("eval", "--hr-dir", empty, "--out", run)));
        Assert.StartsWith($"error: Set5={SharedData.Set("Set5")}: 'Set5' is the name of the catalogued set Set5",
            OneError(Srgan("eval", "--hr-dir", $"Set5={SharedData.Set("Set5")}", "--out", run)));
        Assert.StartsWith("error: DIV2K-valid: MISSING: folder", OneError(Srgan("eval", "--sets", "DIV2K-valid", "--out", run)));

        // Checking every set, absent DIV2K is not a problem; named, it is.
        var all = Srgan("data", "verify", "--quick");
        Assert.True(all.Code == 0, all.Out);
        Assert.Contains("All 8 datasets OK. 2 optional not installed (DIV2K-train, DIV2K-valid).", all.Out);
        var named = Srgan("data", "verify", "--sets", "DIV2K-valid");
        Assert.Equal(1, named.Code);
        Assert.Contains("DIV2K-valid: MISSING", named.Out);
    }
}
