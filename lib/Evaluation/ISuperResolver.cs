using SrganWorkbench.Imaging;

namespace SrganWorkbench.Evaluation;

/// <summary>Anything that turns an LR image into an SR image: interpolation, a network, a peer's model.</summary>
public interface ISuperResolver
{
    /// <summary>Short name used in tables and file names.</summary>
    string Name { get; }
    int Scale { get; }
    RgbImage Upscale(RgbImage lr);
}

/// <summary>MATLAB imresize upscaling: the paper's "nearest" and "bicubic" rows.</summary>
public sealed class InterpolationUpscaler(ResizeKernel kernel, int scale = 4) : ISuperResolver
{
    public string Name => kernel == ResizeKernel.Bicubic ? "bicubic" : "nearest";
    public int Scale => scale;
    public RgbImage Upscale(RgbImage lr) => MatlabResize.Resize(lr, scale, kernel);

    /// <summary>"bicubic" or "nearest".</summary>
    public static InterpolationUpscaler Parse(string name, int scale = 4) => name.Trim().ToLowerInvariant() switch
    {
        "bicubic" => new(ResizeKernel.Bicubic, scale),
        "nearest" => new(ResizeKernel.Nearest, scale),
        _ => throw new ArgumentException($"Unknown interpolation method '{name}': expected 'bicubic' or 'nearest'."),
    };
}
