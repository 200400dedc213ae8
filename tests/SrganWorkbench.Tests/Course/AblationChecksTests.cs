using SrganWorkbench.Course;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace SrganWorkbench.Tests.Course;

/// <summary>Notebook 04's check: the nearest-neighbour + conv stage right, wrong, a stub and throwing.</summary>
public class AblationChecksTests
{
    static Tensor Up(Tensor x, InterpolationMode mode = InterpolationMode.Nearest) => interpolate(x, scale_factor: [2.0, 2.0], mode: mode);

    [Fact]
    public void Nearest_conv_stage_right_wrong_stub_and_throwing()
    {
        var right = AblationChecks.NearestConvStage((s, x) => s.Activation.forward(s.Conv.forward(Up(x))));
        Assert.True(right.Outcome == Outcome.Correct, right.ToString());
        Assert.Contains("1x64x24x24 out", right.Detail);
        var convFirst = AblationChecks.NearestConvStage((s, x) => s.Activation.forward(Up(s.Conv.forward(x))));
        Assert.Equal(Outcome.Differs, convFirst.Outcome);
        Assert.Contains("after the upsampling", convFirst.Hint);
        var bilinear = AblationChecks.NearestConvStage((s, x) => s.Activation.forward(s.Conv.forward(Up(x, InterpolationMode.Bilinear))));
        Assert.Contains("bilinear", bilinear.Hint);
        var noActivation = AblationChecks.NearestConvStage((s, x) => s.Conv.forward(Up(x)));
        Assert.Contains("activation", noActivation.Hint);
        var notEnlarged = AblationChecks.NearestConvStage((s, x) => s.Activation.forward(s.Conv.forward(x)));
        Assert.Equal("output: expected shape 1x64x24x24, got 1x64x12x12", notEnlarged.Detail);
        Assert.Equal(Outcome.NotWritten, AblationChecks.NearestConvStage((_, _) => throw new NotImplementedException()).Outcome);
        var thrown = AblationChecks.NearestConvStage((s, x) => s.Conv.forward(x[0, 0])); // a 2-d input: libtorch refuses it
        Assert.True(thrown.Outcome is Outcome.Failed or Outcome.Differs, thrown.ToString());
        Assert.DoesNotContain("\n   at ", thrown.ToString());
    }
}
