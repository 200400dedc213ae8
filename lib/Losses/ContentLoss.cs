using SrganWorkbench.Models;
using static TorchSharp.torch;

namespace SrganWorkbench.Losses;

/// <summary>
/// The paper's VGG content loss (Section 2.2.1): the distance between VGG19 feature maps of the
/// SR and HR images at one relu{i}_{j}, features rescaled by 1/12.75 (done in
/// <see cref="Vgg19Features"/>). Images arrive in the generator's [-1,1] range and are mapped to
/// [0,1] for VGG. The HR features need no gradient.
/// </summary>
public sealed class VggContentLoss(Vgg19Features vgg, Criterion criterion = Criterion.Mse)
{
    public Vgg19Features Vgg { get; } = vgg;
    public Criterion Criterion { get; } = criterion;

    public Tensor Compute(Tensor srSigned, Tensor hrSigned)
    {
        using var scope = NewDisposeScope();
        Tensor target;
        using (no_grad()) target = Vgg.forward(hrSigned.add(1).div(2)).detach();
        var features = Vgg.forward(srSigned.add(1).div(2));
        return PixelLoss.Compute(features, target, Criterion).MoveToOuterDisposeScope();
    }
}
