using static TorchSharp.torch;

namespace SrganWorkbench.Losses;

/// <summary>Distance between two tensors, element by element.</summary>
public enum Criterion { Mse, L1 }

/// <summary>Pixel-space losses. The paper's MSE is taken with HR in [-1,1] (Section 3.2).</summary>
public static class PixelLoss
{
    public static Tensor Compute(Tensor sr, Tensor hr, Criterion criterion = Criterion.Mse) => criterion switch
    {
        Criterion.L1 => nn.functional.l1_loss(sr, hr),
        _ => nn.functional.mse_loss(sr, hr),
    };

    public static Criterion Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "mse" or "l2" => Criterion.Mse,
        "l1" or "mae" => Criterion.L1,
        _ => throw new ArgumentException($"Unknown criterion '{text}': expected mse or l1."),
    };
}
