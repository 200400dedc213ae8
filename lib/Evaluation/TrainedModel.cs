using SrganWorkbench.Data;
using SrganWorkbench.Inference;
using SrganWorkbench.Training;
using static TorchSharp.torch;

namespace SrganWorkbench.Evaluation;

/// <summary>
/// A workspace checkpoint (a run folder, its generator.safetensors or checkpoint.safetensors) loaded for evaluation:
/// the upscaler, named as the paper's rows are (<c>srresnet-&lt;profile&gt;</c>, <c>srgan-&lt;content&gt;-&lt;profile&gt;</c>),
/// and what a report says about it (profile, step, training sets and, from its log.jsonl, what training cost).
/// </summary>
public sealed record TrainedModel(ModelUpscaler Upscaler, TrainingConfig Config, long Step, string Description)
{
    /// <summary>Loads the run or checkpoint at <paramref name="path"/>. Outputs are histogram-matched to the bicubic upscale
    /// when <paramref name="histogramMatch"/> asks, and always for a run whose config does (<see cref="TrainingConfig.HistogramMatch"/>);
    /// <paramref name="engine"/> runs the network (TorchSharp, or ONNX Runtime on the exported graph).</summary>
    public static TrainedModel Load(string path, Device? device = null, TileOptions? tiles = null, bool histogramMatch = false,
        InferenceEngine engine = InferenceEngine.Torch)
    {
        using var c = Checkpoint.Read(path);
        string name = RunMethod.Name(c.Config);
        string log = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(c.Path)!, "log.jsonl");
        string cost = File.Exists(log) && TrainingLog.Summarize(log) is { } summary ? $"; {summary.Describe(c.Config.Data.BatchSize)}" : "";
        // A preset's report says where the recipe comes from and, in words, what this run could not follow.
        string preset = c.Config.Preset is { } p
            ? $"; preset {p} ({c.Config.PresetSource}), substitutions: {string.Join(" | ", c.Config.Substitutions)}" : "";
        var upscaler = new ModelUpscaler(Checkpoint.LoadGenerator(c, device), name, device, tiles, histogramMatch || c.Config.HistogramMatch, engine);
        return new TrainedModel(upscaler, c.Config, c.Step,
            $"{c.Config.Kind} checkpoint {DataRoot.Shown(c.Path)}, {c.Config.Profile} profile, step {c.Step} of {c.Config.Steps}, trained on {c.Config.Images.Name}{cost}{preset}");
    }
}
