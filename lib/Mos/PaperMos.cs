using SrganWorkbench.Evaluation;
namespace SrganWorkbench.Mos;

/// <summary>
/// The paper's MOS study (Ledig et al., CVPR 2017, Section 3.4, Tables 1 and 2, Fig. 5): who rated what, and
/// the mean opinion scores it published. Kept apart from <c>PaperTables</c> (PSNR/SSIM) because the MOS numbers
/// need a study of their own to be compared with.
/// <para>
/// Protocol: 26 raters scored each image from 1 (bad quality) to 5 (excellent quality); they were calibrated on
/// the nearest-neighbour (score 1) and HR (score 5) versions of 20 images from the BSD300 training set; they rated
/// 12 versions of every image of Set5 and Set14 and 9 of every image of BSD100 (SRResNet-VGG22, SRGAN-MSE and
/// SRGAN-VGG22 were not rated there), 1128 ratings each (12 x 19 + 9 x 100), shown in random order. A pilot on
/// 10 BSD100 images shown twice found good test-retest reliability. Methods were compared with Wilcoxon
/// signed-rank tests (significance at p &lt; 0.05); Fig. 5 shows the distribution of the 2600 BSD100 ratings
/// (100 images x 26 raters) per method.
/// </para>
/// <para>
/// The MOS values are transcribed from the arXiv v5 tables (two decimals); Table 2's "SRGAN" is SRGAN-VGG54, and
/// Table 1 (content losses) has MOS for Set5 and Set14 only. The protocol's numbers agree with each other (a test
/// checks 12 x 19 + 9 x 100 = 1128) and with the Fig. 5 caption quoted in secondary sources (2600 BSD100 ratings
/// per method); the tables themselves are images in the copies searchable here, so check a value against the PDF
/// before citing it.
/// </para>
/// </summary>
public static class PaperMos
{
    public const int Raters = 26;
    public const int ScoreMin = 1, ScoreMax = 5;
    public const int CalibrationImages = 20;
    public const int VersionsPerImage = 12;
    public const int RatingsPerRater = 1128;

    /// <summary>The 12 versions of each image the raters saw, in the paper's order.</summary>
    public static readonly IReadOnlyList<string> Versions =
    [
        "NN", "Bicubic", "SRCNN", "SelfExSR", "DRCN", "ESPCN", "SRResNet-MSE", "SRResNet-VGG22",
        "SRGAN-MSE", "SRGAN-VGG22", "SRGAN-VGG54", "HR",
    ];

    /// <summary>The versions not rated on BSD100 (so BSD100 had 9 versions per image).</summary>
    public static readonly IReadOnlyList<string> NotRatedOnBsd100 = ["SRResNet-VGG22", "SRGAN-MSE", "SRGAN-VGG22"];

    public static readonly IReadOnlyList<string> Sets = ["Set5", "Set14", "BSD100"];

    /// <summary>Published MOS of the rows this workspace does not reproduce (Table 2's other methods); the rest come
    /// from <see cref="PaperTables"/>, the one source of the reproduced rows' numbers.</summary>
    static readonly Dictionary<(string Row, string Set), double> OtherMethods = new()
    {
        [("SRCNN", "Set5")] = 2.57, [("SRCNN", "Set14")] = 2.26, [("SRCNN", "BSD100")] = 1.87,
        [("SelfExSR", "Set5")] = 3.12, [("SelfExSR", "Set14")] = 2.34, [("SelfExSR", "BSD100")] = 1.89,
        [("DRCN", "Set5")] = 3.26, [("DRCN", "Set14")] = 2.84, [("DRCN", "BSD100")] = 2.12,
        [("ESPCN", "Set5")] = 2.89, [("ESPCN", "Set14")] = 2.52, [("ESPCN", "BSD100")] = 2.01,
    };

    /// <summary>Paper row names against PaperTables' method names.</summary>
    static readonly Dictionary<string, string> TableMethod = new()
    {
        ["NN"] = "nearest", ["Bicubic"] = "bicubic", ["HR"] = "hr", ["SRResNet-MSE"] = "srresnet", ["SRGAN-VGG54"] = "srgan",
        ["SRResNet-VGG22"] = "srresnet-vgg22", ["SRGAN-MSE"] = "srgan-mse", ["SRGAN-VGG22"] = "srgan-vgg22",
    };

    /// <summary>The paper's row for a workspace method name: "nearest", "bicubic", "hr", "srresnet-&lt;profile&gt;"
    /// (SRResNet-MSE), "srresnet-vgg22-..." , "srgan-&lt;content&gt;-&lt;profile&gt;"; null for a method the paper did not rate
    /// (e.g. a peer's model).</summary>
    public static string? Row(string method)
    {
        var parts = method.ToLowerInvariant().Split('-', ':');
        bool vgg = parts.Length > 1 && parts[1].StartsWith("vgg", StringComparison.Ordinal);
        return parts[0] switch
        {
            "nearest" or "nn" => "NN",
            "bicubic" => "Bicubic",
            "hr" => "HR",
            "srresnet" => vgg ? $"SRResNet-{parts[1].ToUpperInvariant()}" : "SRResNet-MSE",
            "srgan" when parts.Length > 1 && (vgg || parts[1] == "mse") => $"SRGAN-{parts[1].ToUpperInvariant()}",
            _ => null,
        };
    }

    /// <summary>The published MOS of a workspace method on a set, or null when the paper has none.</summary>
    public static double? Find(string method, string set) => Row(method) is { } row ? OfRow(row, set) : null;

    /// <summary>The published MOS of a paper row ("NN", "SRGAN-VGG54", ...) on a set, or null.</summary>
    public static double? OfRow(string row, string set) =>
        TableMethod.TryGetValue(row, out var method) ? PaperTables.Find(method, set)?.Mos
        : OtherMethods.TryGetValue((row, set), out var mos) ? mos : null;
}
