using SrganWorkbench.Speed;
using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Training;

/// <summary>
/// Adam (Kingma and Ba, 2015), as PyTorch's torch.optim.Adam without weight decay or amsgrad:
/// m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps).
/// Written out so its state is a plain dictionary keyed by parameter name: checkpoints store it
/// next to the weights, and a resumed run continues bit for bit. <see cref="Fused"/> (the default) runs the same
/// update through libtorch's fused kernel (<see cref="FusedAdam"/>): one pass over memory instead of eight.
/// </summary>
public sealed class Adam
{
    readonly (string Name, TorchSharp.Modules.Parameter Param)[] _params;
    readonly Dictionary<string, (Tensor M, Tensor V)> _state = new();
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    /// <summary>Number of steps taken (t in the formula).</summary>
    public long Steps { get; private set; }

    /// <summary>Whether <see cref="Step"/> runs libtorch's fused kernel rather than the written-out update below
    /// (equal to within rounding; <c>AdamTests</c>).</summary>
    public bool Fused { get; }

    public Adam(nn.Module module, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, bool? fused = null)
    {
        Fused = fused ?? FusedAdam.Enabled;
        _params = module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToArray();
        Parameters = Array.AsReadOnly(_params.Select(p => (Tensor)p.Param).ToArray());
        (Beta1, Beta2, Epsilon) = (beta1, beta2, epsilon);
        foreach (var (name, p) in _params) _state[name] = (zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope());
    }

    /// <summary>The parameters this optimiser updates (the ones that required a gradient when it was made).</summary>
    public System.Collections.ObjectModel.ReadOnlyCollection<Tensor> Parameters { get; }

    public void ZeroGrad()
    {
        foreach (var (_, p) in _params) p.grad?.zero_();
    }

    public void Step(double learningRate)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Steps++;
        if (Fused)
        {
            var live = _params.Where(p => p.Param.grad is not null).ToArray();
            FusedAdam.Step(live.Select(p => (Tensor)p.Param).ToArray(), live.Select(p => p.Param.grad!).ToArray(),
                live.Select(p => _state[p.Name].M).ToArray(), live.Select(p => _state[p.Name].V).ToArray(),
                Steps, learningRate, Beta1, Beta2, Epsilon);
            return;
        }
        double c1 = 1 - Math.Pow(Beta1, Steps), c2 = 1 - Math.Pow(Beta2, Steps);
        foreach (var (name, p) in _params)
        {
            var g = p.grad;
            if (g is null) continue;
            var (m, v) = _state[name];
            m.mul_(Beta1).add_(g, alpha: 1 - Beta1);
            v.mul_(Beta2).addcmul_(g, g, value: 1 - Beta2);
            var denom = v.sqrt().div_(Math.Sqrt(c2)).add_(Epsilon);
            p.addcdiv_(m, denom, value: -learningRate / c1);
        }
    }

    /// <summary>State as named tensors ("{param}.exp_avg", "{param}.exp_avg_sq") plus the step count.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> StateTensors(string prefix)
    {
        foreach (var (name, (m, v)) in _state)
        {
            yield return new($"{prefix}{name}.exp_avg", m);
            yield return new($"{prefix}{name}.exp_avg_sq", v);
        }
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, string prefix, long steps, string source)
    {
        using var _ = no_grad();
        foreach (var (name, (m, v)) in _state)
        {
            if (!tensors.TryGetValue($"{prefix}{name}.exp_avg", out var em) || !tensors.TryGetValue($"{prefix}{name}.exp_avg_sq", out var ev))
                throw new InvalidDataException($"{source}: optimiser state for '{name}' is missing; cannot resume exactly.");
            if (!em.shape.SequenceEqual(m.shape))
                throw new InvalidDataException($"{source}: optimiser state for '{name}' has shape [{string.Join(", ", em.shape)}], expected [{string.Join(", ", m.shape)}].");
            m.copy_(em);
            v.copy_(ev);
        }
        Steps = steps;
    }
}
