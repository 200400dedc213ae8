using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;

namespace SrganWorkbench.Tests.Inference;

public class RunMethodTests
{
    [Theory]
    [InlineData("srresnet-cpu", "srresnet-cpu")]
    [InlineData("srgan-mse-cpu", "srgan-mse-cpu")]
    [InlineData("srgan-vgg22-cpu", "srgan-vgg22-cpu")]
    public void The_committed_runs_are_named_as_their_tables_rows_and_upscale(string run, string name)
    {
        var upscaler = TrainedModel.Load(Path.Combine(DataRoot.RepositoryRoot(), "results", run)).Upscaler;
        Assert.Equal(name, upscaler.Name);
        var hr = ImageFile.Read(Path.Combine(SharedData.Set("Set5"), "bird.png")).ModCrop(4);
        var lr = new BicubicDegradation(4).Apply(hr).Crop(0, 0, 24, 24);
        var sr = upscaler.Upscale(lr);
        Assert.Equal((96, 96), (sr.Width, sr.Height));
    }
}
