namespace SrganWorkbench.Evaluation;

/// <summary>One cell group of the paper's Tables 1 and 2: PSNR (dB; +infinity for HR), SSIM (daala's) and the
/// mean opinion score (1 bad .. 5 excellent; null where the paper gives none).</summary>
public sealed record PaperScore(double Psnr, double Ssim, double? Mos = null);

/// <summary>
/// Ledig et al., CVPR 2017, Table 2 (methods on Set5, Set14, BSD100) and Table 1 (content losses,
/// Set5 and Set14 only); 4x; PSNR in dB on the Y channel with a 4-pixel border removed; SSIM
/// computed with daala's implementation, not MATLAB's. Only the rows this workspace reproduces are
/// listed. "srresnet" is SRResNet-MSE; "srgan" alone is the paper's SRGAN, i.e. SRGAN-VGG54; "hr" is the HR
/// images themselves (PSNR infinite and SSIM 1 by definition; only its MOS was measured).
/// <para>
/// MOS (26 raters, 1-5): transcribed from arXiv:1609.04802v5's Tables 1 and 2 by two people independently, who agreed
/// on every value here; the stored copies of the paper found here hold its tables only as images, so no copy was at
/// hand to check against. SRResNet-MSE and SRGAN-VGG54 in Table 1 are Table 2's SRResNet and SRGAN, with the same MOS.
/// This is the one source of the paper's MOS for these rows (<c>PaperMos</c> reads them from here).
/// </para>
/// </summary>
public static class PaperTables
{
    static readonly Dictionary<(string Method, string Set), PaperScore> Scores = new()
    {
        [("nearest", "Set5")] = new(26.26, 0.7552, 1.28),
        [("nearest", "Set14")] = new(24.64, 0.7100, 1.20),
        [("nearest", "BSD100")] = new(25.02, 0.6606, 1.11),
        [("bicubic", "Set5")] = new(28.43, 0.8211, 1.97),
        [("bicubic", "Set14")] = new(25.99, 0.7486, 1.80),
        [("bicubic", "BSD100")] = new(25.94, 0.6935, 1.47),
        [("srresnet", "Set5")] = new(32.05, 0.9019, 3.37),
        [("srresnet", "Set14")] = new(28.49, 0.8184, 2.98),
        [("srresnet", "BSD100")] = new(27.58, 0.7620, 2.29),
        [("srgan", "Set5")] = new(29.40, 0.8472, 3.58),
        [("srgan", "Set14")] = new(26.02, 0.7397, 3.72),
        [("srgan", "BSD100")] = new(25.16, 0.6688, 3.56),
        [("hr", "Set5")] = new(double.PositiveInfinity, 1, 4.32),
        [("hr", "Set14")] = new(double.PositiveInfinity, 1, 4.32),
        [("hr", "BSD100")] = new(double.PositiveInfinity, 1, 4.46),
        // Table 1 (MOS unverified, see above)
        [("srresnet-vgg22", "Set5")] = new(30.51, 0.8803, 3.46),
        [("srresnet-vgg22", "Set14")] = new(27.19, 0.7807, 3.14),
        [("srgan-mse", "Set5")] = new(30.64, 0.8701, 3.77),
        [("srgan-mse", "Set14")] = new(26.92, 0.7611, 3.43),
        [("srgan-vgg22", "Set5")] = new(29.84, 0.8468, 3.78),
        [("srgan-vgg22", "Set14")] = new(26.44, 0.7518, 3.57),
    };

    /// <summary>The paper's score for a method ("bicubic", "srresnet", or a workspace model named
    /// "srresnet-&lt;profile&gt;" or "srgan-&lt;content&gt;-&lt;profile&gt;"), or null when the paper has no such row.</summary>
    public static PaperScore? Find(string method, string set)
    {
        var parts = method.ToLowerInvariant().Split('-');
        // An ablation's variant (another upsampling, ICNR, another adversarial or chroma weight: RunMethod) is not the
        // paper's row; weights follow their variant's name ("adv1e-2", "chroma10"), so a part starting with one is one.
        if (parts.Skip(1).Any(p => Inference.RunMethod.Variants.Any(v => p.StartsWith(v, StringComparison.Ordinal))))
            return null;
        string row = parts[0] switch
        {
            "srgan" when parts.Length > 1 => parts[1] == "vgg54" ? "srgan" : $"srgan-{parts[1]}",
            "srresnet" when parts.Length > 1 && parts[1].StartsWith("vgg", StringComparison.Ordinal) => $"srresnet-{parts[1]}",
            _ => parts[0],
        };
        return Scores.TryGetValue((row, set), out var s) ? s : null;
    }
}
