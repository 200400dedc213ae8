using SrganWorkbench.Course;
using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace SrganWorkbench.Tests.Course;

/// <summary>Notebook 03's checks: Eq. 5, the adversarial losses and one SRGAN step, each right, wrong, a stub and throwing.</summary>
[Collection("training")]
public class SrganChecksTests
{
    static readonly string Vgg = Path.GetFullPath(Path.Combine(SharedData.Root, "..", "weights", "vgg19-imagenet-partial", "vgg19_features_0-16_caffeRGB.safetensors"));

    /// <summary>Eq. 5 written out; the switches make the usual slips.</summary>
    static Func<Vgg19Features, Tensor, Tensor, Tensor> Eq5(bool rescale = true, bool toUnit = true, bool sum = false) => (vgg, sr, hr) =>
    {
        Tensor Phi(Tensor x) => vgg.forward(toUnit ? x.add(1).div(2) : x).mul(rescale ? Vgg19Features.PaperRescale : 1);
        var squares = (Phi(hr) - Phi(sr)).pow(2);
        return sum ? squares.sum() : squares.mean();
    };

    [Fact]
    public void Content_loss_right_wrong_stub_and_throwing()
    {
        var right = SrganChecks.ContentLoss(Eq5(), SharedData.Root, Vgg);
        Assert.True(right.Outcome == Outcome.Correct, right.ToString());
        var unscaled = SrganChecks.ContentLoss(Eq5(rescale: false), SharedData.Root, Vgg);
        Assert.Equal(Outcome.Differs, unscaled.Outcome);
        Assert.Contains("12.75", unscaled.Hint);
        var signed = SrganChecks.ContentLoss(Eq5(toUnit: false), SharedData.Root, Vgg);
        Assert.Equal(Outcome.Differs, signed.Outcome);
        Assert.Contains("[-1, 1]", signed.Hint);
        var summed = SrganChecks.ContentLoss(Eq5(sum: true), SharedData.Root, Vgg);
        Assert.Contains("sum of the squares", summed.Hint);
        Assert.Equal(Outcome.NotWritten, SrganChecks.ContentLoss((_, _, _) => throw new NotImplementedException(), SharedData.Root, Vgg).Outcome);
        var thrown = SrganChecks.ContentLoss((vgg, sr, _) => vgg.forward(sr[0]), SharedData.Root, Vgg); // 3-d input: libtorch refuses it
        Assert.True(thrown.Outcome is Outcome.Failed or Outcome.Differs, thrown.ToString());
        Assert.DoesNotContain("\n   at ", thrown.ToString());
    }

    static Tensor DLoss(Tensor real, Tensor fake) =>
        binary_cross_entropy_with_logits(real, ones_like(real)).add(binary_cross_entropy_with_logits(fake, zeros_like(fake)));
    static Tensor GLoss(Tensor fake) => binary_cross_entropy_with_logits(fake, ones_like(fake));

    [Fact]
    public void Adversarial_losses_right_wrong_stub_and_throwing()
    {
        var right = SrganChecks.AdversarialLosses(DLoss, GLoss);
        Assert.True(right.Outcome == Outcome.Correct, right.ToString());
        // The textbook form through the sigmoid: right on moderate logits, infinite for a confident D.
        var naive = SrganChecks.AdversarialLosses((r, f) => r.sigmoid().log().mean().add(f.sigmoid().neg().add(1).log().mean()).neg(), GLoss);
        Assert.Equal(Outcome.Differs, naive.Outcome);
        Assert.Contains("confident D", naive.Detail);
        Assert.Contains("stable form", naive.Hint);
        var swapped = SrganChecks.AdversarialLosses((r, f) => DLoss(f, r), GLoss);
        Assert.Contains("labels are swapped", swapped.Hint);
        var saturating = SrganChecks.AdversarialLosses(DLoss, f => softplus(f).neg().mean()); // log(1 - D(G(LR)))
        Assert.Equal(Outcome.Differs, saturating.Outcome);
        Assert.Contains("saturating", saturating.Hint);
        var summed = SrganChecks.AdversarialLosses(DLoss, f => softplus(f.neg()).sum());
        Assert.Contains("sum over the batch", summed.Hint);
        Assert.Equal(Outcome.NotWritten, SrganChecks.AdversarialLosses(DLoss, _ => throw new NotImplementedException()).Outcome);
        var thrown = SrganChecks.AdversarialLosses((_, _) => throw new InvalidOperationException("no logits yet"), GLoss);
        Assert.Equal(Outcome.Failed, thrown.Outcome);
        Assert.Equal("InvalidOperationException: no logits yet", thrown.Detail);
    }

    /// <summary>The step written out as notebook 03's solution writes it; <paramref name="ignoreOrder"/> always runs D first,
    /// <paramref name="chromaTerm"/> false leaves the chroma term out of G's total.</summary>
    static Func<SrganStepStart, Dictionary<string, double>> Step(bool ignoreOrder = false, bool chromaTerm = true) => s =>
    {
        var v = new Dictionary<string, double>();
        var sr = s.FastG.Forward(s.Lr);
        void DStep()
        {
            var dLoss = AdversarialLoss.DiscriminatorFromLogits(GanObjective.Bce, s.D.forward(s.Hr), s.D.forward(sr.detach()));
            s.OptimD.ZeroGrad(); dLoss.backward(); s.OptimD.Step(s.Rate);
            v["d_loss"] = dLoss.item<float>();
        }
        void GStep()
        {
            Tensor adversarial;
            using (Updates.Frozen(s.D)) adversarial = AdversarialLoss.GeneratorFromLogits(GanObjective.Bce, null, s.D.forward(sr));
            var c = s.Config;
            var content = s.Content.Compute(sr, s.Hr);
            Tensor pixel = PixelLoss.Compute(sr, s.Hr), grid = GridLoss.Compute(sr, s.Hr), chroma = ChromaLoss.Compute(sr, s.Hr);
            var total = content.mul(c.ContentWeight).add(adversarial.mul(c.AdversarialWeight)).add(pixel.mul(c.PixelWeight)).add(grid.mul(c.GridWeight)).add(chroma.mul(chromaTerm ? c.ChromaWeight : 0));
            s.OptimG.ZeroGrad(); total.backward(); s.OptimG.Step(s.Rate);
            (v["content"], v["adversarial"], v["pixel"], v["grid"], v["chroma"], v["g_loss"]) =
                (content.item<float>(), adversarial.item<float>(), pixel.item<float>(), grid.item<float>(), chroma.item<float>(), total.item<float>());
        }
        if (s.Config.Order == StepOrder.GeneratorFirst && !ignoreOrder) { GStep(); DStep(); } else { DStep(); GStep(); }
        return v;
    };

    [Fact]
    public void Srgan_step_right_in_both_orders()
    {
        foreach (var order in new[] { StepOrder.GeneratorFirst, StepOrder.DiscriminatorFirst })
        {
            var check = SrganChecks.Step(Step(), order, SharedData.Root);
            Assert.True(check.Outcome == Outcome.Correct, check.ToString());
            Assert.Contains($"order {order}", check.Detail);
        }
    }

    [Fact]
    public void Srgan_step_wrong_stub_and_throwing()
    {
        // D first where the config says G first: G is judged by the updated D.
        var order = SrganChecks.Step(Step(ignoreOrder: true), StepOrder.GeneratorFirst, SharedData.Root);
        Assert.Equal(Outcome.Differs, order.Outcome);
        Assert.Contains("adversarial", order.Detail);
        Assert.Contains("Read s.Config.Order", order.Hint);
        // The chroma term left out of G's total: the logged total differs.
        var noChroma = SrganChecks.Step(Step(chromaTerm: false), StepOrder.DiscriminatorFirst, SharedData.Root);
        Assert.Equal(Outcome.Differs, noChroma.Outcome);
        Assert.Contains("g_loss", noChroma.Detail);
        Assert.Contains("every term times its weight", noChroma.Hint);
        Assert.Equal(Outcome.NotWritten, SrganChecks.Step(_ => throw new NotImplementedException(), StepOrder.GeneratorFirst, SharedData.Root).Outcome);
        var thrown = SrganChecks.Step(s => new() { ["d_loss"] = s.D.forward(s.Lr).item<float>() }, StepOrder.GeneratorFirst, SharedData.Root); // D takes HR-sized crops, not LR
        Assert.Equal(Outcome.Failed, thrown.Outcome);
        Assert.Contains("The discriminator takes", thrown.Detail);
    }
}
