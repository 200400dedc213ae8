namespace SrganWorkbench.Evaluation;

/// <summary>One cell group of the paper's Tables 1 and 2.</summary>
public sealed record PaperScore(double Psnr, double Ssim);

/// <summary>
/// Ledig et al., CVPR 2017, Table 2 (methods on Set5, Set14, BSD100) and Table 1 (content losses,
/// Set5 and Set14 only); 4x; PSNR in dB on the Y channel with a 4-pixel border removed; SSIM
/// computed with daala's implementation, not MATLAB's. Only the rows this workspace reproduces are
/// listed. "srresnet" is SRResNet-MSE; "srgan" alone is the paper's SRGAN, i.e. SRGAN-VGG54.
/// </summary>
public static class PaperTables
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
        // Table 1
        [("srresnet-vgg22", "Set5")] = new(30.51, 0.8803),
        [("srresnet-vgg22", "Set14")] = new(27.19, 0.7807),
        [("srgan-mse", "Set5")] = new(30.64, 0.8701),
        [("srgan-mse", "Set14")] = new(26.92, 0.7611),
        [("srgan-vgg22", "Set5")] = new(29.84, 0.8468),
        [("srgan-vgg22", "Set14")] = new(26.44, 0.7518),
    };

    /// <summary>The paper's score for a method ("bicubic", "srresnet", or a workspace model named
    /// "srresnet-&lt;profile&gt;" or "srgan-&lt;content&gt;-&lt;profile&gt;"), or null when the paper has no such row.</summary>
    public static PaperScore? Find(string method, string set)
    {
        var parts = method.ToLowerInvariant().Split('-');
        string row = parts[0] switch
        {
            "srgan" when parts.Length > 1 => parts[1] == "vgg54" ? "srgan" : $"srgan-{parts[1]}",
            "srresnet" when parts.Length > 1 && parts[1].StartsWith("vgg", StringComparison.Ordinal) => $"srresnet-{parts[1]}",
            _ => parts[0],
        };
        return Scores.TryGetValue((row, set), out var s) ? s : null;
    }
}
