using SrganWorkbench.Metrics;

namespace SrganWorkbench.Evaluation;

/// <summary>Where the LR inputs of an evaluation come from.</summary>
public enum LrSource
{
    /// <summary>Made here from the modcropped HR by the degradation (MATLAB-exact bicubic by default).</summary>
    Generated,
    /// <summary>The MATLAB-made files in &lt;data&gt;/extra/matlab_bicubic_x4/&lt;set&gt; (Set5 and Set14 only).</summary>
    Matlab,
}

/// <summary>How to evaluate: the paper's protocol by default.</summary>
public sealed record EvaluationOptions
{
    public int Scale { get; init; } = 4;
    public MetricOptions Metrics { get; init; } = MetricOptions.Paper();
    public string Degradation { get; init; } = "bicubic";
    public LrSource LrSource { get; init; } = LrSource.Generated;
    public bool ComputeNiqe { get; init; } = true;
    /// <summary>LPIPS v0.1 (alex) of SR against HR: RGB in [-1,1], the same border removed as for PSNR.</summary>
    public bool ComputeLpips { get; init; } = true;
    /// <summary>The periodic-artifact measure of each SR image (Y, same border).</summary>
    public bool ComputePeriodic { get; init; } = true;
    /// <summary>Also the paper's SSIM (<see cref="Metrics.DaalaSsim"/>: daala's png2y4m Y' and dump_ssim, same border),
    /// beside MATLAB's; off by default.</summary>
    public bool ComputeSsimDaala { get; init; }
    /// <summary>LPIPS weights (default: lpips-alex under the weights root).</summary>
    public string? LpipsWeights { get; init; }
    /// <summary>Where to save SR images (one folder per set and method), or null for none.</summary>
    public string? SaveImagesTo { get; init; }
    /// <summary>How many images are worked on at once: upscaled and scored for a resolver that allows it
    /// (<see cref="ISuperResolver.ConcurrentUpscale"/>); for a network, upscaled one at a time and scored meanwhile.</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The smallest side an HR image may have, after modcrop, for every measure asked for to be computed, the
    /// measure that needs it (each needs its minimum inside the border that is removed first: SSIM its 11 px window,
    /// NIQE one 96 px block, LPIPS 31 px, the periodic measure 28 px) and how to leave that measure out (null: SSIM, always computed).</summary>
    public (int Side, string Measure, string? LeaveOut) SmallestScorable()
    {
        int border = 2 * Metrics.CropBorder;
        var needs = new List<(int, string, string?)> { (Math.Max(Scale, Ssim.WindowSize + border), "SSIM", null) };
        if (ComputeNiqe) needs.Add((Niqe.BlockSize + border, "NIQE", "srgan eval --no-niqe, ComputeNiqe = false"));
        if (ComputeLpips) needs.Add((Lpips.MinimumSize + border, "LPIPS", "--no-lpips, ComputeLpips = false"));
        if (ComputePeriodic) needs.Add((PeriodicArtifacts.MinimumSide + border, "the periodic measure", "--no-periodic, ComputePeriodic = false"));
        return needs.MaxBy(n => n.Item1);
    }
}
