using SrganWorkbench.Imaging;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Imaging;

public class ImageTensorTests
{
    [Fact]
    public void Image_tensor_round_trip_is_exact()
    {
        using var scope = NewDisposeScope();
        var image = TestImages.Pattern(13, 9);
        var t = ImageTensor.ToTensor(image);
        Assert.Equal([3L, 9, 13], t.shape);
        Assert.Equal(image[4, 7, 2] / 255f, t[2, 4, 7].item<float>(), 6);
        Assert.Equal(image.Pixels, ImageTensor.ToImage(t).Pixels);
        Assert.Equal(image.Pixels, ImageTensor.ToImage(t.unsqueeze(0)).Pixels);
    }

    [Fact]
    public void Out_of_range_values_are_clamped_and_rounded_half_away_from_zero()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new float[] { -0.5f, 1.5f, 0.5f / 255f + 1e-7f }, [3, 1, 1]);
        Assert.Equal([0, 255, 1], ImageTensor.ToImage(t).Pixels);
        Assert.Contains("3 x H x W", Assert.Throws<ArgumentException>(() => ImageTensor.ToImage(zeros(2, 4, 4))).Message);
    }

    [Fact]
    public void Cuda_request_without_cuda_is_a_clear_error()
    {
        if (cuda.is_available()) return; // only meaningful on a CPU-only machine; CI is one
        var e = Assert.Throws<InvalidOperationException>(() => SrganWorkbench.TorchRuntime.SelectDevice("cuda", _ => { }));
        Assert.Contains("CUDA is not available", e.Message);
        Assert.Equal(TorchSharp.DeviceType.CPU, SrganWorkbench.TorchRuntime.SelectDevice("auto", _ => { }).type);
    }
}
