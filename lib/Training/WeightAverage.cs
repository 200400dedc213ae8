using SrganWorkbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Training;

/// <summary>
/// An exponential moving average of the generator (weights and BN statistics): after each step
/// avg = decay x avg + (1 - decay) x current; integer buffers (BN's step counter) are copied. A GAN's generator
/// wanders from step to step as D moves; the average keeps what stays and smooths what flickers, which is why
/// ESRGAN/Lornatang's SRGAN evaluate it. It starts equal to the generator, so over a run of n steps it lags by
/// about 1/(1 - decay) steps: pick decay for the run's length (0.99 for hundreds of steps, 0.999 for 1e5).
/// </summary>
public sealed class WeightAverage : IDisposable
{
    readonly List<(Tensor Average, Tensor Current)> _pairs;

    public SRResNet Model { get; }
    public double Decay { get; }

    public WeightAverage(SRResNet generator, double decay, Device device)
    {
        Decay = decay;
        Model = new SRResNet(generator.Options);
        Model.to(device);
        Model.eval();
        var current = generator.state_dict();
        var average = Model.state_dict();
        _pairs = current.Keys.Select(k => (average[k], current[k])).ToList();
        CopyFrom();
    }

    /// <summary>Sets the average to the generator as it stands (a fresh run, or one initialised from an SRResNet).</summary>
    public void CopyFrom()
    {
        using var _ = no_grad();
        foreach (var (a, c) in _pairs) a.copy_(c);
    }

    public void Update()
    {
        using var _ = no_grad();
        foreach (var (a, c) in _pairs)
        {
            if (a.is_floating_point()) a.mul_(Decay).add_(c, alpha: 1 - Decay);
            else a.copy_(c);
        }
    }

    public void Dispose() => Model.Dispose();
}
