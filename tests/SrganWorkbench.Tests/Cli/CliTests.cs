using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Cli;

/// <summary>The srgan command as a user runs it: a separate process, real arguments, exit codes.</summary>
public class CliTests
{
    static (int Code, string Out, string Err) Srgan(params string[] args) => TestProcess.Srgan(args);

    [Fact]
    public void Eval_writes_the_tables()
    {
        using var temp = new SharedData.TempFolder();
        var (code, stdout, stderr) = Srgan("eval", "--method", "bicubic", "--sets", "Set5", "--no-niqe", "--out", temp.Path);
        Assert.True(code == 0, stderr);
        Assert.Contains("Set5 / bicubic: 5 images, PSNR 28.418 dB", stdout);
        Assert.Contains("| Set5 | bicubic | 5 | 28.42 | 28.43 | -0.012 |", File.ReadAllText(Path.Combine(temp.Path, "summary.md")));

        // LPIPS and the periodic-artifact measure: printed, and in both CSVs, equal to the metrics computed here directly.
        var rows = File.ReadAllLines(Path.Combine(temp.Path, "per-image.csv"));
        var header = rows[0].Split(',').ToList();
        Assert.Contains("lpips", header);
        Assert.Contains("periodic_db", header);
        Assert.StartsWith("set,method,images,psnr,ssim,niqe,lpips,periodic_db", File.ReadAllLines(Path.Combine(temp.Path, "summary.csv"))[0]);
        var baby = rows.Single(r => r.Contains(",baby.png,")).Split(',');
        var hr = SrganWorkbench.Imaging.ImageFile.Read(SharedData.Path_("Set5", "HR", "baby.png")).ModCrop(4);
        var sr = SrganWorkbench.Imaging.MatlabResize.Resize(new SrganWorkbench.Imaging.BicubicDegradation(4).Apply(hr), 4, SrganWorkbench.Imaging.ResizeKernel.Bicubic);
        using var lpips = SrganWorkbench.Metrics.Lpips.Load();
        double expectedLpips = lpips.Distance(sr, hr, 4), expectedPeriodic = SrganWorkbench.Metrics.PeriodicArtifacts.Compute(sr, 4);
        Assert.Equal(expectedLpips, double.Parse(baby[header.IndexOf("lpips")], System.Globalization.CultureInfo.InvariantCulture), 4);
        Assert.Equal(expectedPeriodic, double.Parse(baby[header.IndexOf("periodic_db")], System.Globalization.CultureInfo.InvariantCulture), 3);
        Assert.Matches(@"Set5 / bicubic: 5 images, PSNR 28\.418 dB, SSIM 0\.8101, LPIPS 0\.\d{4}, periodic -?\d+\.\d\d dB", stdout);
    }

    [Fact]
    public void Eval_with_ssim_daala_adds_the_papers_ssim()
    {
        using var temp = new SharedData.TempFolder();
        var (code, stdout, stderr) = Srgan("eval", "--method", "bicubic", "--sets", "Set5", "--no-niqe", "--no-lpips", "--no-periodic", "--ssim-daala", "--out", temp.Path);
        Assert.True(code == 0, stderr);
        Assert.Contains("Set5 / bicubic: 5 images, PSNR 28.418 dB, SSIM 0.8101, SSIM (daala) 0.8211", stdout);
        string md = File.ReadAllText(Path.Combine(temp.Path, "summary.md"));
        Assert.Contains("| SSIM (daala) | Δ SSIM (daala) |", md);
        Assert.Matches(@"\| 0\.8211 \| [+-]0\.0000 \|", md);
        Assert.EndsWith(",ssim_daala", File.ReadAllLines(Path.Combine(temp.Path, "summary.csv"))[0]);
        var rows = File.ReadAllLines(Path.Combine(temp.Path, "per-image.csv"));
        Assert.EndsWith(",ssim_daala", rows[0]);
        string baby = rows.Single(r => r.Contains(",baby.png,")).Split(',')[^1];
        Assert.Equal(0.893794, double.Parse(baby, System.Globalization.CultureInfo.InvariantCulture), 6); // dump_ssim's (DaalaSsimTests)
    }

    [Fact]
    public void Eval_scores_the_tensorlayer_peer()
    {
        using var temp = new SharedData.TempFolder();
        var (code, stdout, stderr) = Srgan("eval", "--peer", "TensorLayer", "--sets", "Set5", "--lr", "matlab", "--no-niqe", "--out", temp.Path);
        Assert.True(code == 0, stderr);
        // results/peer-tensorlayer/colour_order.py (PyTorch and its own scoring) gets 28.135 dB fed RGB, every image
        // equal to ours to 1e-4 dB; fed BGR, 28.28.
        Assert.Contains("Set5 / tensorlayer-srgan: 5 images, PSNR 28.135 dB", stdout);
        Assert.Contains("peer model tensorlayer/srgan", File.ReadAllText(Path.Combine(temp.Path, "summary.md")));
    }

    [Fact]
    public void Bad_arguments_give_one_clear_error()
    {
        var unknownSet = Srgan("eval", "--sets", "Urban100", "--no-niqe", "--out", Path.GetTempPath());
        Assert.Equal(2, unknownSet.Code);
        Assert.Contains("error: Unknown dataset 'Urban100'", unknownSet.Err);

        var unknownMethod = Srgan("eval", "--method", "lanczos", "--sets", "Set5");
        Assert.Equal(2, unknownMethod.Code);
        Assert.Contains("Unknown interpolation method 'lanczos'", unknownMethod.Err);

        var badLr = Srgan("eval", "--lr", "file", "--sets", "Set5");
        Assert.Equal(2, badLr.Code);
        Assert.Contains("--lr 'file'", badLr.Err);
    }

    [Fact]
    public void Verify_reports_missing_sets_and_exits_non_zero()
    {
        using var temp = new SharedData.TempFolder();
        var (code, stdout, _) = Srgan("data", "verify", "--sets", "Set5", "--data", temp.Path);
        Assert.Equal(1, code);
        Assert.Contains("Set5: MISSING", stdout);
        Assert.Contains("What to do: download it from", stdout);

        var ok = Srgan("data", "verify", "--sets", "Set5,Set14", "--quick");
        Assert.Equal(0, ok.Code);
        Assert.Contains("All 2 datasets OK.", ok.Out);
    }

    [Fact]
    public void Device_reports_the_cpu()
    {
        var (code, stdout, _) = Srgan("device", "--device", "cpu");
        Assert.Equal(0, code);
        Assert.Contains("torch device: CPU", stdout);
    }
}
