namespace SrganWorkbench.Evaluation;

/// <summary>One cell group of the paper's Table 2.</summary>
public sealed record PaperScore(double Psnr, double Ssim);

/// <summary>
/// Ledig et al., CVPR 2017, Table 2 (4x; PSNR in dB on the Y channel with a 4-pixel border
/// removed; SSIM computed with daala's implementation, not MATLAB's). Only the rows this
/// workspace reproduces are listed.
/// </summary>
public static class PaperTable2
{
    static readonly Dictionary<(string Method, string Set), PaperScore> Scores = new()
    {
        [("nearest", "Set5")] = new(26.26, 0.7552),
        [("nearest", "Set14")] = new(24.64, 0.7100),
        [("nearest", "BSD100")] = new(25.02, 0.6606),
        [("bicubic", "Set5")] = new(28.43, 0.8211),
        [("bicubic", "Set14")] = new(25.99, 0.7486),
        [("bicubic", "BSD100")] = new(25.94, 0.6935),
        [("srresnet", "Set5")] = new(32.05, 0.9019),
        [("srresnet", "Set14")] = new(28.49, 0.8184),
        [("srresnet", "BSD100")] = new(27.58, 0.7620),
        [("srgan", "Set5")] = new(29.40, 0.8472),
        [("srgan", "Set14")] = new(26.02, 0.7397),
        [("srgan", "BSD100")] = new(25.16, 0.6688),
    };

    /// <summary>The paper's score for a method ("bicubic", "srresnet", or a workspace model named
    /// "srresnet-&lt;profile&gt;" / "srgan-&lt;profile&gt;"), or null when the paper has no such row.</summary>
    public static PaperScore? Find(string method, string set) =>
        Scores.TryGetValue((method.ToLowerInvariant().Split('-')[0], set), out var s) ? s : null;
}
