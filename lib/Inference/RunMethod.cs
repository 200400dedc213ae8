using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Training;
using static TorchSharp.torch;

namespace SrganWorkbench.Inference;

/// <summary>
/// A training run as a method in tables and studies: named as the paper's rows, srresnet-&lt;profile&gt; (SRResNet-MSE)
/// or &lt;kind&gt;-&lt;content&gt;-&lt;profile&gt; (Table 1's columns, e.g. srgan-vgg22-cpu). The CLI's --model and the
/// notebooks name runs through here, so a method has one name everywhere.
/// </summary>
public static class RunMethod
{
    public static string Name(TrainingConfig config) =>
        config.Kind == ModelKind.Srgan || config.Content != ContentLoss.Mse
            ? $"{config.Kind.ToString().ToLowerInvariant()}-{config.Content}-{config.Profile}"
            : $"srresnet-{config.Profile}";

    /// <summary>A run folder's (or checkpoint file's) generator as an upscaler under <see cref="Name"/>.</summary>
    public static ModelUpscaler Load(string path, Device? device = null, TileOptions? tiles = null)
    {
        using var c = Checkpoint.Read(path);
        return new ModelUpscaler(Checkpoint.LoadGenerator(c, device), Name(c.Config), device, tiles);
    }
}
