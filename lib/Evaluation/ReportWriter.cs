using System.Globalization;
using System.Text;

namespace SrganWorkbench.Evaluation;

/// <summary>Writes an evaluation as per-image CSV, per-set CSV and a Markdown summary beside the paper's numbers.</summary>
public static class ReportWriter
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(EvaluationReport report, string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "per-image.csv"), PerImageCsv(report));
        AtomicFile.WriteAllText(Path.Combine(folder, "summary.csv"), SummaryCsv(report));
        AtomicFile.WriteAllText(Path.Combine(folder, "summary.md"), Markdown(report));
    }

    public static string PerImageCsv(EvaluationReport report)
    {
        var sb = new StringBuilder("set,method,image,width,height,source_channels,psnr,ssim,niqe,psnr_raw_gray,lpips,periodic_db,ssim_daala\n");
        foreach (var i in report.Images)
            sb.Append(Inv, $"{i.Set},{i.Method},{i.Image},{i.Width},{i.Height},{i.SourceChannels},{i.Psnr:F4},{i.Ssim:F6},{Opt(i.Niqe, "F4")},{Opt(i.PsnrRawGray, "F4")},{Opt(i.Lpips, "F4")},{Opt(i.PeriodicDb, "F3")},{Opt(i.SsimDaala, "F6")}\n");
        return sb.ToString();
    }

    public static string SummaryCsv(EvaluationReport report)
    {
        var sb = new StringBuilder("set,method,images,psnr,ssim,niqe,lpips,periodic_db,paper_psnr,paper_ssim_daala,ssim_daala\n");
        foreach (var s in report.Sets)
            sb.Append(Inv, $"{s.Set},{s.Method},{s.Images},{s.Psnr:F4},{s.Ssim:F6},{Opt(s.Niqe, "F4")},{Opt(s.Lpips, "F4")},{Opt(s.PeriodicDb, "F3")},{Opt(s.Paper?.Psnr, "F2")},{Opt(s.Paper?.Ssim, "F4")},{Opt(s.SsimDaala, "F6")}\n");
        return sb.ToString();
    }

    /// <summary>The summary table with the paper's values, the protocol and the notes a reader needs.</summary>
    public static string Markdown(EvaluationReport report)
    {
        var o = report.Options;
        var sb = new StringBuilder();
        sb.Append(Inv, $"# {o.Scale}x evaluation: {string.Join(", ", report.Sets.Select(s => s.Method).Distinct())}\n\n");
        sb.Append(Inv, $"Produced by `{report.Command}` ({report.Profile}).\n\n");
        sb.Append(Inv, $"Protocol: HR modcropped to multiples of {o.Scale}; LR {(o.LrSource == LrSource.Matlab ? "read from the MATLAB-made files" : $"made here by `{o.Degradation}` (MATLAB imresize, bit-exact)")}; ");
        sb.Append(Inv, $"PSNR and SSIM on the {o.Metrics}; SSIM is MATLAB's original ssim_index (11x11 Gaussian, sigma 1.5); ");
        sb.Append(o.ComputeNiqe ? "NIQE (lower is better) on the SR image's Y channel with the same border removed; " : "NIQE not computed; ");
        sb.Append(o.ComputeLpips ? "LPIPS v0.1, AlexNet (lower is better) against HR on RGB in [-1,1] with the same border removed; " : "LPIPS not computed; ");
        sb.Append(o.ComputePeriodic ? "periodic: the SR image's spectral energy on the period-2/4 lattice above its local background (dB; about 0 for photographs, higher for a 2/4-pixel grid; lib/Metrics/PeriodicArtifacts.cs)" : "periodic artifacts not measured");
        sb.Append(o.ComputeSsimDaala ? "; SSIM (daala): the paper's SSIM, daala's png2y4m Y' (BT.709, dithered) and dump_ssim (Gaussian sigma 1.5 H/256, edge-weighted mean), same border (lib/Metrics/DaalaSsim.cs).\n\n" : ".\n\n");

        bool niqe = report.Sets.Any(s => s.Niqe.HasValue), lpips = report.Sets.Any(s => s.Lpips.HasValue), periodic = report.Sets.Any(s => s.PeriodicDb.HasValue),
            daala = report.Sets.Any(s => s.SsimDaala.HasValue);
        sb.Append("| Set | Method | Images | PSNR (dB) | Paper PSNR | Δ PSNR | SSIM (MATLAB) | Paper SSIM (daala) | Δ SSIM |" + (niqe ? " NIQE |" : "") + (lpips ? " LPIPS |" : "") + (periodic ? " Periodic (dB) |" : "") + (daala ? " SSIM (daala) | Δ SSIM (daala) |" : "") + "\n");
        sb.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|" + (niqe ? "---:|" : "") + (lpips ? "---:|" : "") + (periodic ? "---:|" : "") + (daala ? "---:|---:|" : "") + "\n");
        foreach (var s in report.Sets)
        {
            var p = s.Paper;
            sb.Append(Inv, $"| {s.Set} | {s.Method} | {s.Images} | {Opt(s.Psnr, "F2")} | {Opt(p?.Psnr, "F2", "–")} | {Delta(s.Psnr, p?.Psnr, "F3")} | ");
            sb.Append(Inv, $"{s.Ssim:F4} | {Opt(p?.Ssim, "F4", "–")} | {Delta(s.Ssim, p?.Ssim, "F4")} |");
            if (niqe) sb.Append(Inv, $" {Opt(s.Niqe, "F3", "–")} |");
            if (lpips) sb.Append(Inv, $" {Opt(s.Lpips, "F4", "–")} |");
            if (periodic) sb.Append(Inv, $" {Opt(s.PeriodicDb, "F2", "–")} |");
            if (daala) sb.Append(Inv, $" {Opt(s.SsimDaala, "F4", "–")} | {(s.SsimDaala is { } d ? Delta(d, p?.Ssim, "F4") : "–")} |");
            sb.Append('\n');
        }

        sb.Append("\nNotes\n\n");
        sb.Append("- Δ is ours minus the paper's. PSNR uses the paper's protocol exactly.\n");
        sb.Append("- SSIM: the paper's values came from daala's SSIM implementation, which differs from MATLAB's original ssim_index " +
                  "(that is what we compute: a single scale, 11x11 Gaussian window, valid region) and reads higher on these sets; " +
                  "our MATLAB values agree with those the SR literature reports for the same baselines (e.g. bicubic Set5 0.8104, Set14 0.7027, BSD100 0.6675 in VDSR/EDSR).\n");
        foreach (var s in report.Sets.Where(s => s.PsnrGrayRaw.HasValue))
        {
            var gray = report.Images.Where(i => i.Set == s.Set && i.Method == s.Method && i.PsnrRawGray.HasValue).ToList();
            sb.Append(Inv, $"- {s.Set} / {s.Method}: {string.Join(", ", gray.Select(g => g.Image))} {(gray.Count == 1 ? "is a" : "are")} 1-channel grey file{(gray.Count == 1 ? "" : "s")}. ");
            sb.Append(Inv, $"Scored like every other image (Y of the grey value expanded to RGB) the set mean is {s.Psnr:F2} dB; ");
            sb.Append(Inv, $"scored on the raw grey values, as a pipeline that skips rgb2ycbcr for 1-channel images does, it is {s.PsnrGrayRaw:F2} dB");
            if (s.Paper != null) sb.Append(Inv, $" (paper: {s.Paper.Psnr:F2})");
            sb.Append(". Y compresses grey values by 219/255, which raises that image's PSNR by 20·log10(255/219) = 1.32 dB.\n");
        }
        return sb.ToString();
    }

    /// <summary>A value in <paramref name="format"/> (infinity, HR's PSNR, as ∞), or <paramref name="empty"/>.</summary>
    internal static string Opt(double? v, string format, string empty = "") =>
        v is not { } x ? empty : double.IsPositiveInfinity(x) ? "∞" : x.ToString(format, Inv);

    /// <summary>Ours minus the paper's with its sign, or "–" when there is no paper value or no finite difference.</summary>
    internal static string Delta(double ours, double? paper, string format) =>
        paper is { } p && double.IsFinite(ours - p) ? (ours - p >= 0 ? "+" : "") + (ours - p).ToString(format, Inv) : "–";
}
