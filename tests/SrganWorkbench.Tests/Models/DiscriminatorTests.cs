using SrganWorkbench.Models;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Models;

public class DiscriminatorTests
{
    [Fact]
    public void Paper_discriminator_shapes_and_parameters()
    {
        using var scope = NewDisposeScope();
        var d = new Discriminator();
        // Convs: 3->64, 64->64, 64->128, 128->128, 128->256, 256->256, 256->512, 512->512 (3x3, bias);
        // BN on the last 7; dense 512*6*6 -> 1024 -> 1.
        long conv = 0, bn = 0;
        int[] chans = [3, 64, 64, 128, 128, 256, 256, 512, 512];
        for (int i = 0; i < 8; i++) { conv += chans[i] * chans[i + 1] * 9 + chans[i + 1]; if (i > 0) bn += 2 * chans[i + 1]; }
        long dense = (512L * 36 * 1024 + 1024) + (1024 + 1);
        Assert.Equal(conv + bn + dense, d.ParameterCount());
        Assert.Equal([5L], d.forward(rand(5, 3, 96, 96)).shape);
        Assert.Contains("96x96", Assert.Throws<ArgumentException>(() => d.forward(rand(1, 3, 64, 64))).Message);
    }

    [Fact]
    public void Pooled_head_takes_any_size_and_dense_width_is_configurable()
    {
        using var scope = NewDisposeScope();
        var d = new Discriminator(new DiscriminatorOptions { Head = DiscriminatorHead.GlobalAveragePool, DenseWidth = 256, BatchNorm = false });
        Assert.Equal([2L], d.forward(rand(2, 3, 48, 80)).shape);
        Assert.DoesNotContain(d.state_dict().Keys, k => k.Contains("running_mean"));
        Assert.Equal([256L, 512], d.state_dict()["classifier.0.weight"].shape);
    }
}
