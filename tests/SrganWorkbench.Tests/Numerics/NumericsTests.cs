using SrganWorkbench.Numerics;

namespace SrganWorkbench.Tests.Numerics;

public class NumericsTests
{
    [Theory]
    [InlineData(5.0, 24.0)]
    [InlineData(0.5, 1.7724538509055159)] // sqrt(pi)
    [InlineData(1.5, 0.88622692545275801)]
    [InlineData(0.2, 4.5908437119988030)]
    [InlineData(10.0, 362880.0)]
    public void Gamma_matches_known_values(double x, double expected)
        => Assert.Equal(expected, SpecialFunctions.Gamma(x), expected * 1e-13);

    [Fact]
    public void Pseudo_inverse_of_a_full_rank_matrix_is_its_inverse()
    {
        int n = 6;
        var rng = new SplitMix64(7);
        var b = new double[n * n];
        for (int i = 0; i < b.Length; i++) b[i] = rng.Next(1000) / 100.0 - 5;
        var a = new double[n * n]; // B B^T + I: symmetric positive definite
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
                if (i == j) a[i * n + j] += 1;
            }
        var inv = SymmetricMatrix.PseudoInverse(a, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += a[i * n + k] * inv[k * n + j];
                Assert.Equal(i == j ? 1 : 0, s, 9);
            }
    }

    [Fact]
    public void Pseudo_inverse_of_a_singular_matrix_satisfies_a_pinv_a_equals_a()
    {
        double[] a = [1, 2, 0, 2, 4, 0, 0, 0, 3]; // rank 2
        var p = SymmetricMatrix.PseudoInverse(a, 3);
        var apa = Multiply(Multiply(a, p, 3), a, 3);
        for (int i = 0; i < 9; i++) Assert.Equal(a[i], apa[i], 10);
    }

    static double[] Multiply(double[] x, double[] y, int n)
    {
        var r = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++) r[i * n + j] += x[i * n + k] * y[k * n + j];
        return r;
    }

    [Fact]
    public void Npz_arrays_have_their_shapes()
    {
        var arrays = Npz.Read(SharedData.Path_("extra", "niqe", "niqe_pris_params.npz"));
        Assert.Equal([1, 36], arrays["mu_pris_param"].Shape);
        Assert.Equal([36, 36], arrays["cov_pris_param"].Shape);
        Assert.Equal([7, 7], arrays["gaussian_window"].Shape);
        Assert.Equal(1.0, arrays["gaussian_window"].Data.Sum(), 6);
        var cov = arrays["cov_pris_param"];
        Assert.Equal(cov[3, 17], cov[17, 3], 12);
    }
}
