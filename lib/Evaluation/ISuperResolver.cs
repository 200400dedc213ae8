using SrganWorkbench.Imaging;

namespace SrganWorkbench.Evaluation;

/// <summary>Anything that turns an LR image into an SR image: interpolation, a network, a peer's model.</summary>
public interface ISuperResolver
{
    /// <summary>Short name used in tables and file names.</summary>
    string Name { get; }
    int Scale { get; }
    RgbImage Upscale(RgbImage lr);

    /// <summary>Whether <see cref="Upscale"/> may run on several images at once, from several threads.
    /// Interpolation may; a network may not (TorchSharp dispose scopes are per thread, and one network
    /// already uses every core). <see cref="Evaluator"/> runs a resolver that may not on one thread,
    /// whatever <see cref="EvaluationOptions.MaxParallelism"/> says. False unless a resolver says otherwise.</summary>
    bool ConcurrentUpscale => false;
}

/// <summary>MATLAB imresize upscaling: the paper's "nearest" and "bicubic" rows.</summary>
public sealed class InterpolationUpscaler(ResizeKernel kernel, int scale = 4) : ISuperResolver
{
    public string Name => kernel == ResizeKernel.Bicubic ? "bicubic" : "nearest";
    public int Scale => scale;
    public RgbImage Upscale(RgbImage lr) => MatlabResize.Resize(lr, scale, kernel);
    /// <summary>Pure computation on its arguments: any number of images at once.</summary>
    public bool ConcurrentUpscale => true;

    /// <summary>"bicubic" or "nearest".</summary>
    public static InterpolationUpscaler Parse(string name, int scale = 4) => name.Trim().ToLowerInvariant() switch
    {
        "bicubic" => new(ResizeKernel.Bicubic, scale),
        "nearest" => new(ResizeKernel.Nearest, scale),
        _ => throw new ArgumentException($"Unknown interpolation method '{name}': expected 'bicubic' or 'nearest'."),
    };
}
