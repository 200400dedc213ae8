namespace SrganWorkbench.Metrics;

/// <summary>Which signal a full-reference metric compares.</summary>
public enum MetricChannel
{
    /// <summary>Y of MATLAB's rgb2ycbcr, rounded to uint8: the paper's protocol.</summary>
    Y,
    /// <summary>All three RGB channels (PSNR over all samples; SSIM averaged over channels).</summary>
    Rgb,
}

/// <summary>
/// The evaluation protocol. Defaults are the paper's (and the SR literature's MATLAB scripts'):
/// Y channel, a border of <c>scale</c> pixels removed on each side before comparing.
/// </summary>
public sealed record MetricOptions
{
    public MetricChannel Channel { get; init; } = MetricChannel.Y;
    /// <summary>Pixels removed from each side; the paper uses the scale factor (4).</summary>
    public int CropBorder { get; init; } = 4;

    public static MetricOptions Paper(int scale = 4) => new() { Channel = MetricChannel.Y, CropBorder = scale };

    public override string ToString() => $"{(Channel == MetricChannel.Y ? "Y channel (MATLAB rgb2ycbcr, uint8)" : "RGB")}, {CropBorder}-pixel border removed";
}
