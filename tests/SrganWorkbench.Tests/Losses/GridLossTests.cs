using SrganWorkbench.Imaging;
using SrganWorkbench.Losses;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Losses;

/// <summary>The grid loss sees a pattern repeated in every 4x4 cell, and not real texture or noise.</summary>
public class GridLossTests
{
    [Fact]
    public void It_measures_a_phase_locked_pattern_and_ignores_shifts_and_noise()
    {
        using var scope = NewDisposeScope();
        var image = ImageFile.Read(SharedData.Path_("Set14", "HR", "baboon.png"));
        var hr = ImageTensor.ToTensor(image).unsqueeze(0).narrow(2, 0, 96).narrow(3, 0, 96).mul(2).sub(1);
        // A 4x4 pattern with zero mean, repeated over the crop: what the grid probes' generators added.
        var cell = randn(1, 3, 4, 4, generator: new Generator(0)).mul(0.02);
        cell = cell.sub(cell.mean([2, 3], keepdim: true));
        var gridded = hr.add(cell.repeat(1, 1, 24, 24));
        double expected = cell.mul(cell).mean().item<float>();
        Assert.Equal(expected, GridLoss.Compute(gridded, hr).item<float>(), 1e-6);
        Assert.Equal(0, GridLoss.Compute(hr, hr).item<float>());

        // The same crop one pixel off (real texture, mismatched): far below its pixel MSE, which sees all of it.
        var shifted = ImageTensor.ToTensor(image).unsqueeze(0).narrow(2, 1, 96).narrow(3, 1, 96).mul(2).sub(1);
        double grid = GridLoss.Compute(shifted, hr).item<float>(), mse = PixelLoss.Compute(shifted, hr).item<float>();
        Assert.True(grid < mse / 10, $"texture: grid {grid} vs MSE {mse}");
        // White noise of the pattern's size: each phase mean averages 16 cells, so about 1/16 of its power.
        var noise = randn(1, 3, 96, 96, generator: new Generator(1)).mul(0.02);
        double noiseGrid = GridLoss.Compute(hr.add(noise), hr).item<float>();
        Assert.InRange(noiseGrid, 0.02 * 0.02 / 16 * 0.5, 0.02 * 0.02 / 16 * 1.5);
        Assert.Contains("16 px tiles", Assert.Throws<ArgumentException>(() => GridLoss.Compute(hr.narrow(2, 0, 90), hr.narrow(2, 0, 90))).Message);
    }
}
