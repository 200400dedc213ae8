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
    /// already uses every core). <see cref="Evaluator"/> calls a resolver that may not one image at a time (from
    /// one thread at a time), whatever <see cref="EvaluationOptions.MaxParallelism"/> says, and scores its finished
    /// images on the other workers meanwhile. False unless a resolver says otherwise.</summary>
    bool ConcurrentUpscale => false;

    /// <summary>What <see cref="Evaluator"/> scores for one test image: <see cref="Upscale"/> of the LR image. Only
    /// <see cref="HighResolutionReference"/> (the paper's "HR" row) looks at the HR image.</summary>
    RgbImage Restore(RgbImage lr, RgbImage hr) => Upscale(lr);
}

/// <summary>The paper's "HR" row: the reference itself, so that what a score says about a perfect restoration can
/// be read beside the methods' (PSNR +infinity, SSIM 1 and LPIPS 0 by definition; NIQE and the periodic measure of
/// the HR images).</summary>
public sealed class HighResolutionReference(int scale = 4) : ISuperResolver
{
    public string Name => "HR";
    public int Scale => scale;
    public RgbImage Upscale(RgbImage lr) =>
        throw new InvalidOperationException("The HR row has no LR-to-SR mapping; the evaluator scores the HR image itself (Restore).");
    public RgbImage Restore(RgbImage lr, RgbImage hr) => hr;
    public bool ConcurrentUpscale => true;
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
