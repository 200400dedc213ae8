using System.Globalization;
using System.Text;

namespace SrganWorkbench.Evaluation;

/// <summary>
/// Writes <see cref="Reproduction"/>'s result: summary.md (both tables, each of our cells beside the paper's and the
/// difference, missing rows named with why; the models; where the time went), table1.csv, table2.csv, and the
/// evaluation behind them in evaluation/ (<see cref="ReportWriter"/>: per-image scores and the protocol). Every
/// file is written atomically.
/// </summary>
public static class PaperTableReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(ReproductionResult result, string folder, string producedBy)
    {
        Directory.CreateDirectory(folder);
        ReportWriter.Write(result.Evaluation, Path.Combine(folder, "evaluation"));
        AtomicFile.WriteAllText(Path.Combine(folder, "table1.csv"), Csv(result.Table1));
        AtomicFile.WriteAllText(Path.Combine(folder, "table2.csv"), Csv(result.Table2));
        AtomicFile.WriteAllText(Path.Combine(folder, "summary.md"), Markdown(result, producedBy));
    }

    public const string CsvHeader = "table,set,row,method,status,psnr,paper_psnr,delta_psnr,ssim_daala,paper_ssim_daala,delta_ssim_daala,ssim_matlab,niqe,lpips,periodic_db,paper_mos,note";

    public static string Csv(IReadOnlyList<PaperCell> cells)
    {
        var sb = new StringBuilder(CsvHeader + "\n");
        foreach (var c in cells)
        {
            var o = c.Ours;
            string status = o == null ? "missing" : "ours";
            string note = (c.Row.Missing ?? c.Row.Note ?? "").Replace("\"", "\"\"");
            sb.Append(Inv, $"{c.Row.Table},{c.Set},{c.Row.Label},{c.Row.Method},{status},{Number(o?.Psnr, "F4")},{Number(c.Paper?.Psnr, "F2")},{Number(c.PsnrDelta, "F4")},");
            sb.Append(Inv, $"{Number(o?.SsimDaala, "F6")},{Number(c.Paper?.Ssim, "F4")},{Number(c.SsimDaalaDelta, "F6")},{Number(o?.Ssim, "F6")},");
            sb.Append(Inv, $"{Number(o?.Niqe, "F4")},{Number(o?.Lpips, "F4")},{Number(o?.PeriodicDb, "F3")},{Number(c.Paper?.Mos, "F2")},\"{note}\"\n");
        }
        return sb.ToString();
    }

    /// <summary>CSV numbers: empty when absent, "inf" for HR's PSNR.</summary>
    static string Number(double? v, string format) => v is not { } x ? "" : double.IsPositiveInfinity(x) ? "inf" : x.ToString(format, Inv);

    public static string Markdown(ReproductionResult result, string producedBy)
    {
        var sb = new StringBuilder("# Ledig et al. (CVPR 2017), Tables 1 and 2, reproduced\n\n");
        sb.Append(Inv, $"Produced by {producedBy}.\n\n");
        sb.Append("Models (each read at run time; profile, steps and training cost from its config and log):\n\n");
        foreach (var (row, description) in result.Models) sb.Append(Inv, $"- **{row}**: {description}\n");
        var o = result.Evaluation.Options;
        sb.Append(Inv, $"\nProtocol: {o.Scale}x, HR modcropped, LR by MATLAB-exact `{o.Degradation}`; PSNR and SSIM on the {o.Metrics}. ");
        sb.Append("SSIM (daala) is the paper's SSIM (daala's png2y4m + dump_ssim conventions), the one its tables report; SSIM (MATLAB) is ");
        sb.Append("Wang et al.'s ssim_index, the one the SR literature usually reports. NIQE and LPIPS: lower is better. Periodic: spectral energy ");
        sb.Append("on the period-2/4 lattice above its surroundings, dB (about 0 for photographs; a 4-pixel grid scores 10+). MOS is the paper's ");
        sb.Append("(no MOS study has been run on these models; `srgan mos` runs one). Δ is ours minus the paper's. Every image's scores: ");
        sb.Append("[`evaluation/per-image.csv`](evaluation/per-image.csv).\n\n");

        sb.Append("## Table 2: methods on Set5, Set14, BSD100\n\n");
        Table(sb, result.Table2);
        sb.Append("\n## Table 1: content losses on Set5 and Set14\n\n");
        Table(sb, result.Table1);

        sb.Append("\n## Where the time went\n\nEach network runs once per image of each set it is needed on; Table 1 reuses Table 2's SRResNet-MSE and SRGAN rows on Set5 and Set14. ");
        sb.Append("A step's time is upscaling plus every measure (interpolation and HR rows are measures alone, on every core).\n\n");
        sb.Append("| Set | Method | Images | Seconds | s / image |\n|---|---|---:|---:|---:|\n");
        foreach (var t in result.Times)
            sb.Append(Inv, $"| {t.Set} | {t.Method} | {t.Images} | {t.Elapsed.TotalSeconds:F1} | {t.Elapsed.TotalSeconds / Math.Max(1, t.Images):F2} |\n");
        sb.Append(Inv, $"| | **total** | {result.Times.Sum(t => t.Images)} | {result.Elapsed.TotalSeconds:F0} (with loading) | |\n");
        return sb.ToString();
    }

    /// <summary>A difference with its sign, rounded first so that a tiny negative one reads +0.0000, not -0.0000.</summary>
    static string Signed(double? v, int digits)
    {
        if (v is not { } x) return "–";
        double r = Math.Round(x, digits) + 0.0; // -0 + 0 = +0
        return (r >= 0 ? "+" : "") + r.ToString("F" + digits, Inv);
    }

    static void Table(StringBuilder sb, IReadOnlyList<PaperCell> cells)
    {
        sb.Append("| Set | Method | PSNR (ours) | PSNR (paper) | Δ PSNR | SSIM daala (ours) | SSIM (paper) | Δ SSIM | SSIM (MATLAB) | NIQE | LPIPS | Periodic (dB) | MOS (paper) |\n");
        sb.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var c in cells)
        {
            var o = c.Ours;
            string P(double? v, string f) => ReportWriter.Opt(v, f, "–");
            string ours = o == null ? "missing" : P(o.Psnr, "F2");
            string recipe = c.Row.Recipe == null ? "" : (o != null && o.Method != c.Row.Label ? $", {c.Row.Recipe}" : $" ({c.Row.Recipe})");
            string method = o != null && o.Method != c.Row.Label ? $" ({o.Method}{recipe})" : recipe;
            sb.Append(Inv, $"| {c.Set} | {c.Row.Label}{method} | {ours} | {P(c.Paper?.Psnr, "F2")} | {Signed(c.PsnrDelta, 2)} | ");
            sb.Append(Inv, $"{P(o?.SsimDaala, "F4")} | {P(c.Paper?.Ssim, "F4")} | {Signed(c.SsimDaalaDelta, 4)} | {P(o?.Ssim, "F4")} | ");
            sb.Append(Inv, $"{P(o?.Niqe, "F2")} | {P(o?.Lpips, "F4")} | {P(o?.PeriodicDb, "F1")} | {P(c.Paper?.Mos, "F2")} |\n");
        }
        var notes = cells.Select(c => c.Row).Distinct().Where(r => r.Missing != null || r.Note != null).ToList();
        if (notes.Count > 0) sb.Append('\n');
        foreach (var r in notes)
            sb.Append(Inv, $"- **{r.Label}**: {(r.Missing != null ? "missing: " + r.Missing : r.Note)}.\n");
    }
}
