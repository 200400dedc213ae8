using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Evaluation;

/// <summary>The paper's Table 2 baselines, reproduced with the paper's protocol.</summary>
public class BaselineTests(ITestOutputHelper output)
{
    static readonly ISuperResolver[] Methods = [new InterpolationUpscaler(ResizeKernel.Nearest), new InterpolationUpscaler(ResizeKernel.Bicubic)];

    IReadOnlyList<SetScore> Run(params string[] sets)
    {
        var evaluator = new Evaluator(new EvaluationOptions { ComputeNiqe = false, ComputeLpips = false, ComputePeriodic = false }, SharedData.Root);
        var summary = EvaluationReport.Summarise(evaluator.Run(Methods, sets));
        foreach (var s in summary)
            output.WriteLine($"{s.Set} {s.Method}: PSNR {s.Psnr:F4} (paper {s.Paper!.Psnr}), SSIM {s.Ssim:F4} (paper, daala: {s.Paper.Ssim})" +
                             (s.PsnrGrayRaw is { } g ? $", grey file on raw values: {g:F4}" : ""));
        return summary;
    }

    [Fact]
    public void Set5_and_BSD100_match_table_2_within_two_hundredths_of_a_dB()
    {
        foreach (var s in Run("Set5", "BSD100"))
            Assert.True(Math.Abs(s.Psnr - s.Paper!.Psnr) <= 0.02, $"{s.Set} {s.Method}: {s.Psnr:F4} vs paper {s.Paper.Psnr}");
    }

    [Fact]
    public void Set14_matches_within_0_15_dB_and_exactly_when_bridge_is_scored_on_grey_values()
    {
        foreach (var s in Run("Set14"))
        {
            Assert.True(Math.Abs(s.Psnr - s.Paper!.Psnr) <= 0.15, $"{s.Method}: {s.Psnr:F4} vs paper {s.Paper.Psnr}");
            Assert.NotNull(s.PsnrGrayRaw);
            Assert.True(Math.Abs(s.PsnrGrayRaw!.Value - s.Paper.Psnr) <= 0.02, $"{s.Method} with bridge on grey values: {s.PsnrGrayRaw:F4} vs paper {s.Paper.Psnr}");
        }
    }

    [Fact]
    public void Matlab_ssim_reads_lower_than_the_papers_daala_ssim()
    {
        foreach (var s in Run("Set5"))
            Assert.InRange(s.Paper!.Ssim - s.Ssim, 0.005, 0.06);
    }

    /// <summary>The paper's SSIM (daala's png2y4m Y' + dump_ssim, 4-px border cut first; <see cref="Metrics.DaalaSsim"/>).
    /// Measured: Set5 0.7552 / 0.8211, Set14 0.7100 / 0.7486 (the grey bridge.png through png2y4m's RGB conversion,
    /// as for every image), BSD100 0.6604 / 0.6933 (nearest / bicubic); daala's own tools (png2y4m + dump_ssim -r, built from
    /// 8d03668) give the same four decimals on all six. BSD100's 0.0002 residual is therefore not the metric's: daala's
    /// dump_psnr on the same Y' is also 0.01 dB under the paper's BSD100 PSNR (25.01 / 25.93 vs 25.02 / 25.94) while it
    /// matches Set5 and Set14, so the paper's BSD100 inputs (HR copy or LR) differed slightly from ours.
    /// Without the border cut: Set5 0.7599 / 0.8229, Set14 0.7108 / 0.7490, further from the paper.</summary>
    [Fact]
    public void Daala_ssim_matches_table_2()
    {
        var evaluator = new Evaluator(new EvaluationOptions { ComputeNiqe = false, ComputeLpips = false, ComputePeriodic = false, ComputeSsimDaala = true }, SharedData.Root);
        var summary = EvaluationReport.Summarise(evaluator.Run(Methods, ["Set5", "Set14", "BSD100"]));
        foreach (var s in summary)
        {
            output.WriteLine($"{s.Set} {s.Method}: SSIM (daala) {s.SsimDaala:F4}, paper {s.Paper!.Ssim}");
            Assert.True(Math.Abs(s.SsimDaala!.Value - s.Paper.Ssim) <= 0.002, $"{s.Set} {s.Method}: {s.SsimDaala:F4} vs paper {s.Paper.Ssim}");
        }
        var expected = new Dictionary<(string, string), double>
        {
            [("Set5", "nearest")] = 0.7552, [("Set5", "bicubic")] = 0.8211, [("Set14", "nearest")] = 0.7100,
            [("Set14", "bicubic")] = 0.7486, [("BSD100", "nearest")] = 0.6604, [("BSD100", "bicubic")] = 0.6933,
        };
        foreach (var s in summary) Assert.Equal(expected[(s.Set, s.Method)], s.SsimDaala!.Value, 4);
    }

    [Fact]
    public void Matlab_lr_files_give_the_same_scores_as_generated_lr()
    {
        var generated = new Evaluator(new EvaluationOptions { ComputeNiqe = false, ComputeLpips = false, ComputePeriodic = false }, SharedData.Root).Run(Methods, ["Set5"]);
        var matlab = new Evaluator(new EvaluationOptions { ComputeNiqe = false, ComputeLpips = false, ComputePeriodic = false, LrSource = LrSource.Matlab }, SharedData.Root).Run(Methods, ["Set5"]);
        Assert.Equal(generated.Select(s => s.Psnr), matlab.Select(s => s.Psnr));
        var e = Assert.Throws<ArgumentException>(() =>
            new Evaluator(new EvaluationOptions { ComputeNiqe = false, ComputeLpips = false, ComputePeriodic = false, LrSource = LrSource.Matlab }, SharedData.Root).Run(Methods, ["BSD100"]));
        Assert.Contains("Set5 and Set14 only", e.Message);
    }

    [Fact]
    public void Report_files_carry_the_command_protocol_and_paper_values()
    {
        var evaluator = new Evaluator(new EvaluationOptions(), SharedData.Root);
        var scores = evaluator.Run([new InterpolationUpscaler(ResizeKernel.Bicubic)], ["Set5"]);
        var report = new EvaluationReport(scores, EvaluationReport.Summarise(scores), evaluator.Options, "srgan eval --sets Set5", "test profile");
        using var temp = new SharedData.TempFolder();
        ReportWriter.Write(report, temp.Path);
        string md = File.ReadAllText(temp.File("summary.md"));
        Assert.Contains("`srgan eval --sets Set5` (test profile)", md);
        Assert.Contains("| Set5 | bicubic | 5 | 28.42 | 28.43 |", md);
        Assert.Contains("4-pixel border removed", md);
        var lines = File.ReadAllLines(temp.File("per-image.csv"));
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("Set5,bicubic,baby.png,512,512,3,", lines[1]);
        Assert.All(scores, s => Assert.InRange(s.Niqe!.Value, 3, 15));
    }
}
