using System.Globalization;
using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;

namespace SrganWorkbench.Tests.Evaluation;

/// <summary>The paper's tables from real runs on Set5: the paper's value, ours and the difference in the right cells;
/// rows without a model marked missing, not dropped.</summary>
[Collection("training")] // runs two networks on both cores
public class ReproductionTests
{
    static readonly string Results = Path.Combine(DataRoot.RepositoryRoot(), "results");

    /// <summary>Set5 only, the paper's SSIM on and the slower measures off: seconds. No SRGAN-MSE is given, so its
    /// Table 1 row must say it is missing; the committed SRResNet, SRResNet-VGG22 (the ablation grid's) and SRGAN-VGG22
    /// fill the rest.</summary>
    static ReproductionResult RunSet5() => Reproduction.Run(new ReproductionOptions
    {
        SrresnetMse = Path.Combine(Results, "srresnet-cpu"),
        SrresnetVgg22 = Path.Combine(Results, "ablations", "srresnet-vgg22"),
        SrganVgg22 = Path.Combine(Results, "srgan-vgg22-cpu"),
        Sets = ["Set5"],
        Evaluation = new EvaluationOptions { ComputeSsimDaala = true, ComputeNiqe = false, ComputeLpips = false, ComputePeriodic = false },
        DataRoot = SharedData.Root,
    });

    static readonly Lazy<ReproductionResult> Set5 = new(RunSet5);

    [Fact]
    public void Cells_hold_the_papers_value_ours_and_their_difference()
    {
        var r = Set5.Value;
        Assert.Equal(["nearest", "bicubic", "SRResNet", "SRGAN", "HR"], r.Table2.Select(c => c.Row.Label));
        Assert.Equal(["SRResNet-MSE", "SRResNet-VGG22", "SRGAN-MSE", "SRGAN-VGG22", "SRGAN-VGG54"], r.Table1.Select(c => c.Row.Label));
        Assert.All(r.Table1.Concat(r.Table2), c => Assert.Equal("Set5", c.Set));

        // bicubic on Set5: ours 28.418 dB and daala SSIM 0.8211 (BaselineTests), the paper's 28.43 / 0.8211 / MOS 1.97.
        var bicubic = r.Table2.Single(c => c.Row.Label == "bicubic");
        Assert.Equal(28.418, bicubic.Ours!.Psnr, 3);
        Assert.Equal((28.43, 0.8211, 1.97), (bicubic.Paper!.Psnr, bicubic.Paper.Ssim, bicubic.Paper.Mos!.Value));
        Assert.Equal(bicubic.Ours.Psnr - 28.43, bicubic.PsnrDelta!.Value, 12);
        Assert.Equal(0.8211, bicubic.Ours.SsimDaala!.Value, 4);

        // Table 2's SRGAN row is our SRGAN-VGG22 against the paper's SRGAN (VGG54), and says so; Table 1's SRGAN-VGG22 is
        // the same scores (one evaluation) against the paper's SRGAN-VGG22.
        var srgan = r.Table2.Single(c => c.Row.Label == "SRGAN");
        var vgg22 = r.Table1.Single(c => c.Row.Label == "SRGAN-VGG22");
        Assert.Same(srgan.Ours, vgg22.Ours);
        Assert.Equal((29.40, 3.58), (srgan.Paper!.Psnr, srgan.Paper.Mos!.Value));
        Assert.Equal((29.84, 0.8468), (vgg22.Paper!.Psnr, vgg22.Paper.Ssim));
        Assert.Contains("stands in for the paper's SRGAN-VGG54", srgan.Row.Note);
        Assert.Equal(srgan.Ours!.Psnr - 29.40, srgan.PsnrDelta!.Value, 12);
        Assert.Equal(vgg22.Ours!.Psnr - 29.84, vgg22.PsnrDelta!.Value, 12);
        Assert.Same(r.Table2.Single(c => c.Row.Label == "SRResNet").Ours, r.Table1.Single(c => c.Row.Label == "SRResNet-MSE").Ours);

        // HR: the reference itself.
        var hr = r.Table2.Single(c => c.Row.Label == "HR");
        Assert.True(double.IsPositiveInfinity(hr.Ours!.Psnr));
        Assert.Equal(1.0, hr.Ours.Ssim, 12);
        Assert.Equal(1.0, hr.Ours.SsimDaala!.Value, 6);
        Assert.Null(hr.PsnrDelta);
        Assert.Equal(4.32, hr.Paper!.Mos);

        // A run whose objective is not the paper's says so beside its name, and its note lists what it minimised.
        Assert.Null(r.Table2.Single(c => c.Row.Label == "SRResNet").Row.Recipe); // the pixel MSE alone: the paper's objective
        Assert.Equal("cpu recipe", srgan.Row.Recipe);
        Assert.Contains("1e-4 x VGG22 + 1 x pixel MSE + 10 x grid + 10 x chroma + 1e-3 x adversarial (BCE)", srgan.Row.Note);
        Assert.Contains("the paper's: 1 x VGG54 + 1e-3 x adversarial (BCE)", srgan.Row.Note); // Table 2's row is the paper's SRGAN-VGG54
        Assert.Contains("the paper's: 1 x VGG22 + 1e-3 x adversarial (BCE)", vgg22.Row.Note); // Table 1's is its SRGAN-VGG22
        Assert.Contains("MOS (paper) is the paper's model's, not this one's", srgan.Row.Note);
        var srresnetVgg22 = r.Table1.Single(c => c.Row.Label == "SRResNet-VGG22");
        Assert.NotNull(srresnetVgg22.Ours); // the ablation run: an SRGAN-trainer run whose G never saw D's gradient
        Assert.Equal("ablation recipe", srresnetVgg22.Row.Recipe);
        Assert.Contains("1e-4 x VGG22 + 1 x pixel MSE + 2e-8 x TV + 10 x grid (the paper's: 1 x VGG22 + 2e-8 x TV)", srresnetVgg22.Row.Note); // Section 3.4: SRResNet-VGG22 adds a 2e-8 TV term
        Assert.DoesNotContain("adversarial", srresnetVgg22.Row.Note!.Split("(the paper's")[0]);

        // Missing rows keep the paper's numbers and say why.
        foreach (var label in new[] { "SRGAN-MSE", "SRGAN-VGG54" })
        {
            var missing = r.Table1.Single(c => c.Row.Label == label);
            Assert.Null(missing.Ours);
            Assert.NotNull(missing.Paper);
            Assert.False(string.IsNullOrEmpty(missing.Row.Missing));
        }
        Assert.Contains("conv5_4", r.Table1.Single(c => c.Row.Label == "SRGAN-VGG54").Row.Missing);
        // Networks ran once per image: Table 2's 5 methods and Table 1's one more on Set5 (Table 1 reused Table 2's rows).
        Assert.Equal(6 * 5, r.Evaluation.Images.Count);
    }

    [Fact]
    public void The_written_tables_put_each_number_in_its_column_and_mark_missing_rows()
    {
        var r = Set5.Value;
        using var temp = new SharedData.TempFolder();
        PaperTableReport.Write(r, temp.Path, "a test");
        string md = File.ReadAllText(temp.File("summary.md"));
        var bicubic = r.Table2.Single(c => c.Row.Label == "bicubic").Ours!;
        // | Set | Method | PSNR ours | paper | Δ | SSIM daala ours | paper | Δ | SSIM MATLAB | NIQE | LPIPS | Periodic | MOS |
        Assert.Contains($"| Set5 | bicubic | 28.42 | 28.43 | -0.01 | 0.8211 | 0.8211 | +0.0000 | {bicubic.Ssim.ToString("F4", CultureInfo.InvariantCulture)} | – | – | – | 1.97 |", md);
        Assert.Contains("| Set5 | HR | ∞ | ∞ | – | 1.0000 | 1.0000 | +0.0000 | 1.0000 | – | – | – | 4.32 |", md);
        Assert.Contains("| Set5 | SRGAN-MSE | missing | 30.64 | – | – | 0.8701 | – | – | – | – | – | 3.77 |", md);
        Assert.Contains("| Set5 | SRGAN (SRGAN-VGG22, cpu recipe) |", md);
        Assert.Contains("| Set5 | SRGAN-VGG22 (cpu recipe) |", md);
        Assert.Contains("| Set5 | SRResNet-VGG22 (ablation recipe) |", md);
        Assert.Contains("| Set5 | SRResNet-MSE |", md);
        Assert.Contains("- **SRGAN-VGG54**: missing: VGG19 conv5_4 weights exist nowhere here", md);
        Assert.Contains("srgan-vgg22-cpu", md); // the run behind the row, with its profile and steps
        Assert.Matches(@"SRGAN-VGG22\*\*: Srgan checkpoint .*, cpu profile, step \d+ of \d+", md);

        var rows = File.ReadAllLines(temp.File("table1.csv"));
        Assert.Equal(PaperTableReport.CsvHeader, rows[0]);
        var header = rows[0].Split(',').ToList();
        string[] Row(string label) => rows.Single(l => l.Split(',')[2] == label).Split(',');
        var vgg22 = Row("SRGAN-VGG22");
        double ours = double.Parse(vgg22[header.IndexOf("psnr")], CultureInfo.InvariantCulture);
        Assert.Equal("29.84", vgg22[header.IndexOf("paper_psnr")]);
        Assert.Equal(ours - 29.84, double.Parse(vgg22[header.IndexOf("delta_psnr")], CultureInfo.InvariantCulture), 4);
        Assert.Equal("3.78", vgg22[header.IndexOf("paper_mos")]);
        var mse = Row("SRGAN-MSE");
        Assert.Equal(("missing", "", "30.64"), (mse[header.IndexOf("status")], mse[header.IndexOf("psnr")], mse[header.IndexOf("paper_psnr")]));
        var hr = File.ReadAllLines(temp.File("table2.csv")).Single(l => l.Split(',')[2] == "HR").Split(',');
        Assert.Equal(("inf", "inf", ""), (hr[header.IndexOf("psnr")], hr[header.IndexOf("paper_psnr")], hr[header.IndexOf("delta_psnr")]));
        Assert.True(File.Exists(Path.Combine(temp.Path, "evaluation", "per-image.csv")));
        Assert.DoesNotContain(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories), _ => true);
    }

    /// <summary>Table 2's SRGAN stand-in: SRGAN-VGG34 only when it beats SRGAN-VGG22 on LPIPS and NIQE on every set;
    /// one set or one measure against it keeps SRGAN-VGG22; either way the reason names the numbers.</summary>
    [Fact]
    public void The_stand_in_rule_takes_vgg34_only_when_it_wins_both_measures_on_every_set()
    {
        SetScore S(string set, string method, double lpips, double niqe) => new(set, method, 5, 27, 0.8, niqe, null, lpips);
        string[] sets = ["Set5", "Set14", "BSD100"];
        List<SetScore> Scores(double bsdNiqe34) => sets.SelectMany(set => new[] {
            S(set, "SRGAN-VGG22", 0.25, 6.0), S(set, "SRGAN-VGG34", 0.20, set == "BSD100" ? bsdNiqe34 : 5.5) }).ToList();
        var (wins, why) = Reproduction.StandIn(Scores(5.9), sets);
        Assert.Equal("SRGAN-VGG34", wins);
        Assert.Contains(Reproduction.StandInRule, why);
        Assert.Contains("BSD100 LPIPS 0.200 vs 0.250, NIQE 5.90 vs 6.00", why);
        var (loses, because) = Reproduction.StandIn(Scores(6.1), sets); // NIQE worse on one set
        Assert.Equal("SRGAN-VGG22", loses);
        Assert.Contains("NIQE 6.10 vs 6.00", because);
        Assert.Equal("SRGAN-VGG22", Reproduction.StandIn(Scores(5.9).Where(s => s.Method == "SRGAN-VGG22").ToList(), sets).Method);
        Assert.Equal("SRGAN-VGG22", Reproduction.StandIn(Scores(5.9).Select(s => s with { Niqe = null }).ToList(), sets).Method);
    }

    [Fact]
    public void The_findings_quote_the_tables_numbers_and_leave_out_what_was_not_measured()
    {
        var r = Set5.Value;
        var findings = new PaperTableFindings(r, new ReproductionOptions
        {
            SrresnetMse = Path.Combine(Results, "srresnet-cpu"), SrganVgg22 = Path.Combine(Results, "srgan-vgg22-cpu"), Sets = ["Set5"], DataRoot = SharedData.Root,
        });
        Assert.Equal("SRGAN-VGG22", findings.StandIn);
        string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        var cell = (string row) => r.Table2.Single(c => c.Row.Label == row);

        string table2 = findings.Table2();
        double interp = r.Table2.Where(c => c.Row.Label is "nearest" or "bicubic").Max(c => Math.Abs(c.PsnrDelta!.Value));
        Assert.Contains($"to within {F(interp)} dB PSNR", table2);
        Assert.Contains($"falls by Set5 {F(cell("SRResNet").Ours!.Psnr - cell("SRGAN").Ours!.Psnr)} dB (paper 2.65)", table2);
        Assert.Contains($"Our SRResNet is Set5 {F(cell("SRResNet").PsnrDelta!.Value)} dB", table2);
        // The SRGAN's lineage (srgan-vgg22-cpu started from srresnet-cpu-continued, which continued srresnet-cpu).
        Assert.Contains("11,000 steps of 16 crops (over 2 runs", table2);
        Assert.DoesNotContain("LPIPS", table2); // this evaluation skipped LPIPS, NIQE and the periodic measure
        Assert.DoesNotContain("periodic measure does", table2);
        Assert.Contains("not measured", findings.Rankings());

        string table1 = findings.Table1();
        Assert.Contains("Missing here: SRGAN-MSE", table1);
        Assert.Contains("SRGAN-VGG54", table1);
        Assert.Contains($"SRResNet-MSE {F(cell("SRResNet").PsnrDelta!.Value)} dB", table1);
    }

    [Fact]
    public void A_run_of_the_wrong_kind_is_refused_naming_the_row_and_the_folder()
    {
        var e = Assert.Throws<ArgumentException>(() => Reproduction.Run(new ReproductionOptions
        {
            SrganMse = Path.Combine(Results, "srresnet-cpu"), Sets = ["Set5"], DataRoot = SharedData.Root,
        }));
        Assert.Contains("SRGAN-MSE", e.Message);
        Assert.Contains("srresnet-cpu", e.Message);
    }
}
