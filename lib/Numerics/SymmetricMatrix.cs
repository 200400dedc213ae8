namespace SrganWorkbench.Numerics;

/// <summary>Dense symmetric-matrix helpers in double precision (small matrices, e.g. 36x36).</summary>
public static class SymmetricMatrix
{
    /// <summary>
    /// Moore-Penrose pseudo-inverse of a symmetric n x n matrix (row-major), from its cyclic
    /// Jacobi eigendecomposition; eigenvalues below n * eps * max|lambda| are treated as zero,
    /// numpy's pinv cut-off up to the factor.
    /// </summary>
    public static double[] PseudoInverse(double[] a, int n)
    {
        var (values, vectors) = Eigen(a, n);
        double max = values.Max(Math.Abs);
        double cutoff = Math.Max(1e-15 * max, n * double.Epsilon);
        var result = new double[n * n];
        for (int k = 0; k < n; k++)
        {
            if (Math.Abs(values[k]) <= cutoff) continue;
            double inv = 1 / values[k];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) result[i * n + j] += vectors[i * n + k] * inv * vectors[j * n + k];
        }
        return result;
    }

    /// <summary>Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi sweeps.</summary>
    public static (double[] Values, double[] Vectors) Eigen(double[] matrix, int n)
    {
        var a = (double[])matrix.Clone();
        var v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
            if (off < 1e-30) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (apq == 0) continue;
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k * n + p], akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p * n + k], aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k * n + p], vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
        }
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i * n + i];
        return (values, v);
    }
}
