using SrganWorkbench.Notebook;

namespace SrganWorkbench.Tests.Notebook;

public class SeriesTests
{
    [Fact]
    public void A_running_mean_averages_each_value_with_those_before_it_within_the_window()
    {
        Assert.Equal([1.0, 1.5, 2.0, 3.0, 4.0], Series.RunningMean([1.0, 2, 3, 4, 5], 3));
        Assert.Equal([4.0, 0.0], Series.RunningMean([4.0, 0], 1)); // a window of 1 is the series itself
        Assert.Empty(Series.RunningMean([], 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Series.RunningMean([1.0], 0));
    }
}
