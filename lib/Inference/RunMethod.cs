using SrganWorkbench.Losses;
using SrganWorkbench.Training;

namespace SrganWorkbench.Inference;

/// <summary>
/// A training run as a method in tables and studies: named as the paper's rows, srresnet-&lt;profile&gt; (SRResNet-MSE)
/// or &lt;kind&gt;-&lt;content&gt;-&lt;profile&gt; (Table 1's columns, e.g. srgan-vgg22-cpu); a preset's run by the
/// preset, &lt;preset&gt;-&lt;profile&gt; (keras-slides-cpu). The CLI's --model and the
/// notebooks name runs through here (loading them with <c>TrainedModel.Load</c>), so a method has one name everywhere.
/// </summary>
public static class RunMethod
{
    public static string Name(TrainingConfig config) =>
        config.Preset is { } preset ? $"{preset}-{config.Profile}"
        : config.Kind == ModelKind.Srgan || config.Content != ContentLoss.Mse
            ? $"{config.Kind.ToString().ToLowerInvariant()}-{config.Content}-{config.Profile}"
            : $"srresnet-{config.Profile}";
}
