namespace SrganWorkbench.Notebook;

/// <summary>Small helpers for plotting logged values.</summary>
public static class Series
{
    /// <summary>The mean of each value and the up to <paramref name="window"/> - 1 before it: a noisy per-batch loss
    /// as a trend line, without shifting it or dropping the first points.</summary>
    public static List<double> RunningMean(IReadOnlyList<double> values, int window)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "A running mean needs a window of 1 or more.");
        var means = new List<double>(values.Count);
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            means.Add(sum / Math.Min(window, i + 1));
        }
        return means;
    }
}
