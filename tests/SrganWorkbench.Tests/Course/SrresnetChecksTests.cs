using SrganWorkbench.Course;
using SrganWorkbench.Models;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Course;

/// <summary>Notebook 02's checks: the block, the upsampling stage and Eq. 4, each right, wrong, a stub and throwing.</summary>
public class SrresnetChecksTests
{
    static Tensor Body(ResidualBlock b, Tensor x) => b.Bn2!.forward(b.Conv2.forward(b.Activation.forward(b.Bn1!.forward(b.Conv1.forward(x)))));

    [Fact]
    public void Residual_block_right_wrong_stub_and_throwing()
    {
        var right = SrresnetChecks.ResidualBlock((b, x) => Body(b, x) + x);
        Assert.True(right.Outcome == Outcome.Correct, right.ToString());
        var noSkip = SrresnetChecks.ResidualBlock(Body);
        Assert.Equal(Outcome.Differs, noSkip.Outcome);
        Assert.Contains("eval mode", noSkip.Detail);
        Assert.Contains("skip connection is missing", noSkip.Hint);
        // Without the second batch norm: differs in eval mode already, as the check's running statistics are not the identity.
        var noBn2 = SrresnetChecks.ResidualBlock((b, x) => b.Conv2.forward(b.Activation.forward(b.Bn1!.forward(b.Conv1.forward(x)))) + x);
        Assert.Equal(Outcome.Differs, noBn2.Outcome);
        Assert.Contains("Fig. 4", noBn2.Hint);
        Assert.Equal(Outcome.NotWritten, SrresnetChecks.ResidualBlock((_, _) => throw new NotImplementedException()).Outcome);
        var thrown = SrresnetChecks.ResidualBlock((b, x) => b.Conv1.forward(x[0])); // a 3-d input: libtorch refuses it, in one line
        Assert.True(thrown.Outcome is Outcome.Failed or Outcome.Differs, thrown.ToString());
        Assert.DoesNotContain("\n   at ", thrown.ToString());
    }

    [Fact]
    public void A_block_using_batch_statistics_in_eval_mode_differs()
    {
        // Batch norm written by hand with the batch's statistics: right in train mode, wrong in eval mode.
        Tensor Bn(TorchSharp.Modules.BatchNorm2d bn, Tensor y) =>
            nn.functional.batch_norm(y, null, null, bn.weight, bn.bias, training: true, eps: bn.eps);
        var check = SrresnetChecks.ResidualBlock((b, x) => Bn(b.Bn2!, b.Conv2.forward(b.Activation.forward(Bn(b.Bn1!, b.Conv1.forward(x))))) + x);
        Assert.Equal(Outcome.Differs, check.Outcome);
        Assert.Contains("eval mode (running statistics)", check.Detail);
    }

    [Fact]
    public void Upsampling_stage_right_wrong_stub_and_throwing()
    {
        var right = SrresnetChecks.UpsampleStage((s, x) => s.Activation.forward(nn.functional.pixel_shuffle(s.Conv.forward(x), 2)));
        Assert.True(right.Outcome == Outcome.Correct, right.ToString());
        Assert.Contains("1x64x24x24 out", right.Detail);
        var noShuffle = SrresnetChecks.UpsampleStage((s, x) => s.Activation.forward(s.Conv.forward(x)));
        Assert.Equal(Outcome.Differs, noShuffle.Outcome);
        Assert.Equal("output: expected shape 1x64x24x24, got 1x256x12x12", noShuffle.Detail);
        var noActivation = SrresnetChecks.UpsampleStage((s, x) => nn.functional.pixel_shuffle(s.Conv.forward(x), 2));
        Assert.Equal(Outcome.Differs, noActivation.Outcome);
        Assert.Equal(Outcome.NotWritten, SrresnetChecks.UpsampleStage((_, _) => throw new NotImplementedException()).Outcome);
        var shuffledFirst = SrresnetChecks.UpsampleStage((s, x) => s.Conv.forward(nn.functional.pixel_shuffle(x, 2))); // 16 maps into a 64-map conv
        Assert.Equal(Outcome.Failed, shuffledFirst.Outcome);
        Assert.Single(shuffledFirst.Detail.Split('\n'));
    }

    [Fact]
    public void Pixel_mse_right_sum_root_stub_and_throwing_on_real_images()
    {
        var right = SrresnetChecks.PixelMse((sr, hr) => (hr - sr).pow(2).mean(), SharedData.Root);
        Assert.True(right.Outcome == Outcome.Correct, right.ToString());
        Assert.Contains("Set5 butterfly and bird", right.Detail);
        var sum = SrresnetChecks.PixelMse((sr, hr) => (hr - sr).pow(2).sum(), SharedData.Root);
        Assert.Equal(Outcome.Differs, sum.Outcome);
        Assert.Contains("sum of the squares", sum.Hint);
        var root = SrresnetChecks.PixelMse((sr, hr) => (hr - sr).pow(2).mean().sqrt(), SharedData.Root);
        Assert.Contains("no square root", root.Hint);
        var perImage = SrresnetChecks.PixelMse((sr, hr) => (hr - sr).pow(2).mean([1, 2, 3]), SharedData.Root);
        Assert.Contains("expected one number, got a tensor of shape 2", perImage.Detail);
        Assert.Equal(Outcome.NotWritten, SrresnetChecks.PixelMse((_, _) => throw new NotImplementedException(), SharedData.Root).Outcome);
        Assert.Equal(Outcome.Failed, SrresnetChecks.PixelMse((sr, hr) => throw new ArgumentException("bad"), SharedData.Root).Outcome);
    }
}
