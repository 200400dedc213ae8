using SrganWorkbench.Models;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Models;

/// <summary>The networks' batch norm step computes exactly what TorchSharp's BatchNorm.forward does: outputs, gradients,
/// running statistics and the batch count, in training and in evaluation, bit for bit.</summary>
public class BatchNormStepTests
{
    [Theory]
    [InlineData(0.1)] // PyTorch's default, the paper's networks
    [InlineData(0.5)] // a preset's (keras-slides)
    public void Equals_torchsharps_forward_bit_for_bit(double momentum)
    {
        using var scope = NewDisposeScope();
        var ours = nn.BatchNorm2d(8, momentum: momentum);
        var theirs = nn.BatchNorm2d(8, momentum: momentum);
        using var random = new Generator(4);
        using (no_grad())
        {
            var weight = rand(8, generator: random).add(0.5);
            ours.weight!.copy_(weight); theirs.weight!.copy_(weight);
            var bias = randn(8, generator: random);
            ours.bias!.copy_(bias); theirs.bias!.copy_(bias);
        }
        for (int step = 0; step < 3; step++)
        {
            var x = randn(4, 8, 5, 6, generator: random).mul(3).add(1);
            var upstream = randn(4, 8, 5, 6, generator: random);
            var a = x.detach().requires_grad_(true);
            var b = x.detach().requires_grad_(true);
            var ya = BatchNormStep.Forward(ours, a);
            var yb = theirs.forward(b);
            Assert.True(ya.eq(yb).all().item<bool>(), $"training step {step}: outputs differ");
            ya.mul(upstream).sum().backward();
            yb.mul(upstream).sum().backward();
            Assert.True(a.grad!.eq(b.grad!).all().item<bool>(), $"training step {step}: input gradients differ");
            Assert.True(ours.weight!.grad!.eq(theirs.weight!.grad!).all().item<bool>(), "weight gradients differ");
            Assert.True(ours.bias!.grad!.eq(theirs.bias!.grad!).all().item<bool>(), "bias gradients differ");
        }
        Assert.True(ours.running_mean!.eq(theirs.running_mean!).all().item<bool>(), "running means differ");
        Assert.True(ours.running_var!.eq(theirs.running_var!).all().item<bool>(), "running variances differ");
        Assert.Equal(3, ours.num_batches_tracked!.item<long>());
        Assert.Equal(theirs.num_batches_tracked!.item<long>(), ours.num_batches_tracked!.item<long>());
        Assert.False(ours.running_mean!.eq(zeros(8)).all().item<bool>(), "the running mean never moved");

        ours.eval(); theirs.eval();
        using (no_grad())
        {
            var x = randn(2, 8, 5, 6, generator: random);
            Assert.True(BatchNormStep.Forward(ours, x).eq(theirs.forward(x)).all().item<bool>(), "evaluation outputs differ");
            Assert.Equal(3, ours.num_batches_tracked!.item<long>()); // not counted in evaluation
        }
    }
}
