using System.Globalization;
using static TorchSharp.torch;

namespace SrganWorkbench.Course;

/// <summary>
/// How two results differ, in words a student can act on: null when they agree within the stated tolerance, otherwise
/// the shapes, or the largest absolute difference, where it is, and the expected and the student's value there.
/// </summary>
public static class Differences
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Null when |got - expected| &lt;= tolerance (both infinite and equal counts as agreeing).</summary>
    public static string? Scalar(string what, double expected, double got, double tolerance, string unit = "")
    {
        if (expected.Equals(got) || Math.Abs(got - expected) <= tolerance) return null;
        return string.Format(Inv, "{0}: expected {1:G10}{4}, got {2:G10}{4} (difference {3:G3}{4}; allowed {5:G2})", what, expected, got, got - expected, unit, tolerance);
    }

    /// <summary>Null when the tensors have one shape and agree element by element within <paramref name="tolerance"/>.</summary>
    public static string? Tensors(string what, Tensor expected, Tensor got, double tolerance)
    {
        if (!expected.shape.SequenceEqual(got.shape))
            return $"{what}: expected shape {Shape(expected)}, got {Shape(got)}";
        using var scope = NewDisposeScope();
        var e = expected.detach().to(ScalarType.Float64).contiguous();
        var g = got.detach().to(ScalarType.Float64).contiguous();
        if (g.isnan().any().item<bool>()) return $"{what}: the result holds NaN";
        var diff = (g - e).abs().flatten();
        long at = diff.argmax().item<long>();
        double max = diff[at].item<double>();
        if (max <= tolerance) return null;
        long[] index = Unravel(at, expected.shape);
        return string.Format(Inv, "{0}: largest difference {1:G3} (allowed {2:G2}) at [{3}]: expected {4:G6}, got {5:G6}", what, max, tolerance,
            string.Join(", ", index), e.flatten()[at].item<double>(), g.flatten()[at].item<double>());
    }

    public static string Shape(Tensor t) => string.Join("x", t.shape);

    static long[] Unravel(long flat, long[] shape)
    {
        var index = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--) { index[d] = flat % shape[d]; flat /= shape[d]; }
        return index;
    }
}
