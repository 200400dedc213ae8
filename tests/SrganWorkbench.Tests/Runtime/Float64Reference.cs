using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Runtime;

/// <summary>
/// The reference the gradient tests compare against: the same module and inputs in float64, every weight laid out
/// plain NCHW. libtorch hands float64 convolutions to none of its fast float32 kernels (oneDNN), so this is another
/// code path, and float64 leaves rounding ~1e-16 where float32's is ~1e-7: a kernel that is wrong in float32 shows as
/// a difference far above <see cref="Tolerance"/>, on any CPU.
/// </summary>
static class Float64Reference
{
    /// <summary>Largest difference allowed, relative to the reference's largest magnitude (the criterion).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>A float64, NCHW copy of <paramref name="module"/>, made by <paramref name="make"/> and given its state.</summary>
    public static T Copy<T>(T module, Func<T> make) where T : nn.Module
    {
        var copy = make();
        copy.load_state_dict(module.state_dict());
        copy.to(float64);
        using (no_grad())
            foreach (var p in copy.parameters())
                if (p.dim() == 4) p.set_(p.contiguous());
        copy.train(module.training);
        return copy;
    }

    /// <summary>max |actual - reference| / max |reference| (NaN stays NaN, and fails any bound).</summary>
    public static double RelativeError(Tensor actual, Tensor reference)
    {
        using var scope = NewDisposeScope();
        double scale = reference.abs().max().item<double>();
        return actual.to(float64).sub(reference).abs().max().item<double>() / Math.Max(scale, 1e-30);
    }

    /// <summary>Every parameter's gradient by name (cloned), after zeroing and one backward pass of <paramref name="loss"/>.</summary>
    public static Dictionary<string, Tensor> Gradients(nn.Module module, Func<Tensor> loss)
    {
        foreach (var p in module.parameters()) p.grad?.zero_();
        loss().backward();
        return module.named_parameters().Where(p => p.parameter.requires_grad)
            .ToDictionary(p => p.name, p => p.parameter.grad?.clone() ?? throw new InvalidOperationException($"{p.name} got no gradient"));
    }

    /// <summary>
    /// Asserts each named gradient within <see cref="Tolerance"/> of the reference's, relative to the reference's
    /// largest magnitude; returns the largest error. A gradient that is zero but for rounding (a convolution's bias just
    /// before a batch norm, which subtracts any constant: float64 gives it ~1e-17) is measured against the module's
    /// largest gradient instead, where its float32 rounding noise (~1e-8) is as small as it should be.
    /// </summary>
    public static double AssertClose(string what, IReadOnlyDictionary<string, Tensor> actual, IReadOnlyDictionary<string, Tensor> reference)
    {
        var errors = Errors(what, actual, reference);
        foreach (var (name, error) in errors)
            Assert.True(error <= Tolerance, $"{what}: gradient of {name} is {error:E2} from float64's (relative; bound {Tolerance:E0})");
        return errors.Values.Max();
    }

    /// <summary>Each named gradient's error against the reference, measured as <see cref="AssertClose"/> says (NaN: infinite).</summary>
    public static Dictionary<string, double> Errors(string what, IReadOnlyDictionary<string, Tensor> actual, IReadOnlyDictionary<string, Tensor> reference)
    {
        Assert.Equal(reference.Keys.Order(), actual.Keys.Order());
        double largest = reference.Values.Max(g => g.abs().max().item<double>());
        Assert.True(largest > 0, $"{what}: no parameter got a gradient in the reference");
        return reference.ToDictionary(kv => kv.Key, kv =>
        {
            double own = kv.Value.abs().max().item<double>();
            double error = own >= 1e-6 * largest
                ? RelativeError(actual[kv.Key], kv.Value)
                : actual[kv.Key].to(float64).sub(kv.Value).abs().max().item<double>() / largest;
            return double.IsNaN(error) ? double.PositiveInfinity : error;
        });
    }
}
