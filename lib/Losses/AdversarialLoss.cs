using SrganWorkbench.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace SrganWorkbench.Losses;

/// <summary>Adversarial objectives.</summary>
public enum GanObjective
{
    /// <summary>The paper's: D minimises binary cross-entropy; G minimises -log D(G(LR)) (non-saturating).</summary>
    Bce,
    /// <summary>Least squares (Mao et al., 2017): targets 1 for real, 0 for fake.</summary>
    LeastSquares,
    /// <summary>Wasserstein with gradient penalty (Gulrajani et al., 2017), penalty weight 10.</summary>
    WganGp,
    /// <summary>Relativistic average GAN (Jolicoeur-Martineau, 2018), as ESRGAN uses.</summary>
    RelativisticAverage,
}

/// <summary>Discriminator and generator losses for each <see cref="GanObjective"/>. D returns logits.</summary>
public sealed class AdversarialLoss(GanObjective objective, double gradientPenaltyWeight = 10)
{
    public GanObjective Objective { get; } = objective;
    /// <summary>WGAN-GP's penalty weight (lambda).</summary>
    public double GradientPenaltyWeight { get; } = gradientPenaltyWeight;
    /// <summary>Random stream for the gradient penalty's mixing weights (torch's global one when null).</summary>
    public Generator? Random { get; init; }

    /// <summary>The discriminator's loss on real HR and (detached) SR images.</summary>
    public Tensor Discriminator(Discriminator d, Tensor real, Tensor fake, out Tensor realLogits, out Tensor fakeLogits)
    {
        realLogits = d.forward(real);
        fakeLogits = d.forward(fake);
        var loss = DiscriminatorFromLogits(Objective, realLogits, fakeLogits);
        return Objective == GanObjective.WganGp ? loss.add(GradientPenalty(d, real, fake).mul(GradientPenaltyWeight)) : loss;
    }

    /// <summary>The generator's adversarial loss; <paramref name="real"/> is needed by the relativistic objective only.</summary>
    public Tensor Generator(Discriminator d, Tensor real, Tensor fake, out Tensor fakeLogits)
    {
        fakeLogits = d.forward(fake);
        Tensor? realLogits = null;
        if (Objective == GanObjective.RelativisticAverage)
            using (no_grad()) realLogits = d.forward(real).detach();
        return GeneratorFromLogits(Objective, realLogits, fakeLogits);
    }

    /// <summary>D's loss from its logits (WGAN-GP without its penalty, which needs D itself).</summary>
    public static Tensor DiscriminatorFromLogits(GanObjective objective, Tensor realLogits, Tensor fakeLogits) => objective switch
    {
        GanObjective.LeastSquares => realLogits.sub(1).square().mean().add(fakeLogits.square().mean()).mul(0.5),
        GanObjective.WganGp => fakeLogits.mean().sub(realLogits.mean()),
        GanObjective.RelativisticAverage => Bce(realLogits.sub(fakeLogits.mean()), 1).add(Bce(fakeLogits.sub(realLogits.mean()), 0)).mul(0.5),
        _ => Bce(realLogits, 1).add(Bce(fakeLogits, 0)),
    };

    /// <summary>G's adversarial loss from D's logits (real logits only for the relativistic objective).</summary>
    public static Tensor GeneratorFromLogits(GanObjective objective, Tensor? realLogits, Tensor fakeLogits) => objective switch
    {
        GanObjective.LeastSquares => fakeLogits.sub(1).square().mean().mul(0.5),
        GanObjective.WganGp => fakeLogits.mean().neg(),
        GanObjective.RelativisticAverage => Bce(realLogits!.sub(fakeLogits.mean()), 0).add(Bce(fakeLogits.sub(realLogits!.mean()), 1)).mul(0.5),
        _ => Bce(fakeLogits, 1), // -log D(G(LR)): the paper's non-saturating form
    };

    static Tensor Bce(Tensor logits, float target) =>
        binary_cross_entropy_with_logits(logits, full_like(logits, target));

    /// <summary>E[(||grad D(x_hat)||_2 - 1)^2] at random points between real and fake samples.</summary>
    public Tensor GradientPenalty(Discriminator d, Tensor real, Tensor fake)
    {
        var alpha = rand([real.shape[0], 1, 1, 1], generator: Random).to(real.device);
        var mixed = alpha.mul(real.detach()).add(alpha.neg().add(1).mul(fake.detach())).requires_grad_(true);
        var scores = d.forward(mixed);
        // TorchSharp does not default retain_graph to create_graph as PyTorch does; the penalty is backpropagated later.
        var grads = autograd.grad([scores], [mixed], [ones_like(scores)], retain_graph: true, create_graph: true)[0];
        return grads.flatten(1).norm(1).sub(1).square().mean();
    }

    public static GanObjective Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "bce" or "vanilla" or "paper" => GanObjective.Bce,
        "lsgan" or "least-squares" or "mse" => GanObjective.LeastSquares,
        "wgan-gp" or "wgangp" => GanObjective.WganGp,
        "ragan" or "relativistic" => GanObjective.RelativisticAverage,
        _ => throw new ArgumentException($"Unknown adversarial loss '{text}': expected bce, lsgan, wgan-gp or ragan."),
    };
}
