using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Losses;

public class LossTests
{
    static Tensor T(params float[] v) => tensor(v);
    static double V(Tensor t) => t.item<float>();

    [Fact]
    public void Bce_at_chance_and_its_non_saturating_generator_loss()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(2 * Math.Log(2), V(AdversarialLoss.DiscriminatorFromLogits(GanObjective.Bce, T(0, 0), T(0, 0))), 6);
        Assert.Equal(Math.Log(2), V(AdversarialLoss.GeneratorFromLogits(GanObjective.Bce, null, T(0, 0))), 6);
        // -log sigmoid(2) for G: small when D is fooled.
        Assert.Equal(-Math.Log(1 / (1 + Math.Exp(-2))), V(AdversarialLoss.GeneratorFromLogits(GanObjective.Bce, null, T(2))), 6);
    }

    [Fact]
    public void Least_squares_wasserstein_and_relativistic_values()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(0, V(AdversarialLoss.DiscriminatorFromLogits(GanObjective.LeastSquares, T(1, 1), T(0, 0))), 6);
        Assert.Equal(0.5 * (0.25 + 0.25), V(AdversarialLoss.DiscriminatorFromLogits(GanObjective.LeastSquares, T(0.5f), T(0.5f))), 6);
        Assert.Equal(0.5 * 4, V(AdversarialLoss.GeneratorFromLogits(GanObjective.LeastSquares, null, T(-1))), 6);
        Assert.Equal(-3, V(AdversarialLoss.DiscriminatorFromLogits(GanObjective.WganGp, T(2, 4), T(0, 0))), 6);
        Assert.Equal(-1.5, V(AdversarialLoss.GeneratorFromLogits(GanObjective.WganGp, null, T(1, 2))), 6);
        // Relativistic average: real 3 vs fake mean 1 -> BCE(2, 1); fake 1 vs real mean 3 -> BCE(-2, 0); averaged.
        double softplus(double x) => Math.Log(1 + Math.Exp(x));
        double expected = 0.5 * (softplus(-2) + softplus(-2));
        Assert.Equal(expected, V(AdversarialLoss.DiscriminatorFromLogits(GanObjective.RelativisticAverage, T(3), T(1))), 6);
        Assert.Equal(0.5 * (softplus(2) + softplus(2)), V(AdversarialLoss.GeneratorFromLogits(GanObjective.RelativisticAverage, T(3), T(1))), 6);
    }

    [Fact]
    public void Gradient_penalty_is_non_negative_and_reaches_the_discriminator()
    {
        using var scope = NewDisposeScope();
        var d = new Discriminator(new DiscriminatorOptions { InputSize = 32, BaseChannels = 8, DenseWidth = 16, BatchNorm = false });
        using var generator = new Generator(5);
        var loss = new AdversarialLoss(GanObjective.WganGp) { Random = generator };
        var gp = loss.GradientPenalty(d, rand(3, 3, 32, 32), rand(3, 3, 32, 32));
        Assert.True(V(gp) >= 0);
        gp.backward();
        Assert.Contains(d.parameters(), p => p.grad is not null && V(p.grad.abs().sum()) > 0);
        Assert.Throws<ArgumentException>(() => AdversarialLoss.Parse("hinge"));
        Assert.Equal(GanObjective.RelativisticAverage, AdversarialLoss.Parse("ragan"));
    }

    [Fact]
    public void Total_variation_and_pixel_losses_of_known_images()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 0, 1, 0, 1 }, [1, 1, 2, 2]); // columns 0 and 1: dx = 1 everywhere, dy = 0
        Assert.Equal(1, V(TotalVariationLoss.Compute(x)), 6);
        Assert.Equal(0.25, V(PixelLoss.Compute(x, zeros_like(x).add(0.5f))), 6);
        Assert.Equal(0.5, V(PixelLoss.Compute(x, zeros_like(x).add(0.5f), Criterion.L1)), 6);
    }

    [Fact]
    public void Vgg_content_loss_is_zero_for_equal_images_and_scales_with_the_papers_rescaling()
    {
        using var scope = NewDisposeScope();
        string weights = Path.Combine(SharedData.Root, "..", "weights", "vgg19-imagenet-partial", "vgg19_features_0-16_caffeRGB.safetensors");
        var hr = rand(2, 3, 24, 24).mul(2).sub(1);
        var sr = hr.add(randn_like(hr).mul(0.1f)).clamp(-1, 1);
        var paper = new VggContentLoss(Vgg19Features.Load("vgg22", weights));
        Assert.Equal(0, V(paper.Compute(hr, hr)), 6);
        var raw = new Vgg19Features("vgg22", VggPreprocessing.Caffe, featureScale: 1);
        raw.LoadWeights(SrganWorkbench.Weights.SafeTensors.Read(weights).Tensors, weights);
        double ratio = V(new VggContentLoss(raw).Compute(sr, hr)) / V(paper.Compute(sr, hr));
        Assert.Equal(12.75 * 12.75, ratio, 1);
    }
}
