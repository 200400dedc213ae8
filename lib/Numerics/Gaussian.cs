namespace SrganWorkbench.Numerics;

public static class Gaussian
{
    /// <summary>A normalised 1-D Gaussian of 2*half+1 taps (MATLAB's fspecial('gaussian') is its outer product).</summary>
    public static double[] Kernel(int half, double sigma)
    {
        var k = new double[2 * half + 1];
        double sum = 0;
        for (int i = 0; i < k.Length; i++) { k[i] = Math.Exp(-((i - half) * (i - half)) / (2 * sigma * sigma)); sum += k[i]; }
        for (int i = 0; i < k.Length; i++) k[i] /= sum;
        return k;
    }
}
