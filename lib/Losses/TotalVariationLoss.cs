using static TorchSharp.torch;

namespace SrganWorkbench.Losses;

/// <summary>Total variation: the mean squared difference between horizontally and vertically neighbouring pixels.</summary>
public static class TotalVariationLoss
{
    public static Tensor Compute(Tensor x)
    {
        using var scope = NewDisposeScope();
        long h = x.shape[2], w = x.shape[3];
        var dy = x.narrow(2, 1, h - 1).sub(x.narrow(2, 0, h - 1)).square().mean();
        var dx = x.narrow(3, 1, w - 1).sub(x.narrow(3, 0, w - 1)).square().mean();
        return dy.add(dx).MoveToOuterDisposeScope();
    }
}
