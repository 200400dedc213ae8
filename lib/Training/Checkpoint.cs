using System.Globalization;
using SrganWorkbench.Models;
using SrganWorkbench.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Training;

/// <summary>
/// A training checkpoint: one safetensors file holding the generator ("generator.*"), the
/// discriminator ("discriminator.*", SRGAN runs), the generator's weight average ("ema.*", when kept), both optimisers' state ("optim.*"), the run's
/// random generator state ("rng.run"), and in its metadata the format tag, the step and the run's full config. Written
/// atomically (temporary file, then rename), so a crash never leaves a half-written checkpoint.
/// </summary>
public static class Checkpoint
{
    public const string Format = "srgan-workbench-checkpoint/1";
    public const string FileName = "checkpoint.safetensors";
    /// <summary>The generator alone (weights, BN statistics, config, step): what evaluation, upscaling and an SRGAN's
    /// --init-from need, a small file to keep in results/; it cannot resume a run.</summary>
    public const string GeneratorFileName = "generator.safetensors";

    public sealed record Contents(TrainingConfig Config, long Step, IReadOnlyDictionary<string, Tensor> Tensors,
        IReadOnlyDictionary<string, string> Metadata, string Path) : IDisposable
    {
        public void Dispose() { foreach (var t in Tensors.Values) t.Dispose(); }

        public long OptimizerSteps(string which) => long.Parse(Metadata[$"optim.{which}.steps"], CultureInfo.InvariantCulture);

        public Dictionary<string, Tensor> WithPrefix(string prefix) =>
            Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
    }

    public static void Save(string path, TrainingConfig config, long step, SRResNet generator, Adam generatorOptimizer, Generator random,
        Discriminator? discriminator = null, Adam? discriminatorOptimizer = null, SRResNet? average = null)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        tensors.AddRange(generator.state_dict().Select(kv => new KeyValuePair<string, Tensor>("generator." + kv.Key, kv.Value)));
        tensors.AddRange(generatorOptimizer.StateTensors("optim.generator."));
        if (discriminator != null)
        {
            tensors.AddRange(discriminator.state_dict().Select(kv => new KeyValuePair<string, Tensor>("discriminator." + kv.Key, kv.Value)));
            tensors.AddRange(discriminatorOptimizer!.StateTensors("optim.discriminator."));
        }
        if (average != null)
            tensors.AddRange(average.state_dict().Select(kv => new KeyValuePair<string, Tensor>("ema." + kv.Key, kv.Value)));
        using var rng = random.get_state();
        tensors.Add(new("rng.run", rng));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["optim.generator.steps"] = generatorOptimizer.Steps.ToString(CultureInfo.InvariantCulture),
            ["optim.discriminator.steps"] = (discriminatorOptimizer?.Steps ?? 0).ToString(CultureInfo.InvariantCulture),
            ["config"] = config.ToJson(),
        };
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>Writes the generator-only file (see <see cref="GeneratorFileName"/>), atomically.</summary>
    public static void SaveGenerator(string path, TrainingConfig config, long step, SRResNet generator)
    {
        var tensors = generator.state_dict().Select(kv => new KeyValuePair<string, Tensor>("generator." + kv.Key, kv.Value)).ToList();
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["contents"] = "generator",
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["config"] = config.ToJson(),
        };
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>True for a generator-only file, which has no optimiser state to resume from.</summary>
    public static bool IsGeneratorOnly(Contents contents) => contents.Metadata.TryGetValue("contents", out var c) && c == "generator";

    /// <summary>Reads and checks a checkpoint; errors say what the file is and what was expected. A run folder
    /// means its checkpoint.safetensors, or its generator.safetensors when only that is kept.</summary>
    public static Contents Read(string path)
    {
        if (Directory.Exists(path))
        {
            string full = System.IO.Path.Combine(path, FileName), generator = System.IO.Path.Combine(path, GeneratorFileName);
            path = File.Exists(full) || !File.Exists(generator) ? full : generator;
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: checkpoint not found.", path);
        var file = SafeTensors.Read(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format)
        {
            foreach (var t in file.Tensors.Values) t.Dispose();
            throw new InvalidDataException($"{path}: not a workspace checkpoint (no '{Format}' tag). " +
                (file.Tensors.Keys.Any(k => k.StartsWith("block1.", StringComparison.Ordinal)) ? "It looks like the peer model's weights: use --peer leftthomas."
                : file.Tensors.ContainsKey("conv_input.weight") && !file.Tensors.ContainsKey("prelu_input.weight") ? "It looks like the TensorLayer peer's weights (no PReLU): use --peer tensorlayer."
                : "Train with `srgan train` to make one."));
        }
        var config = TrainingConfig.FromJson(file.Metadata["config"], path);
        long step = long.Parse(file.Metadata["step"], CultureInfo.InvariantCulture);
        return new Contents(config, step, file.Tensors, file.Metadata, path);
    }

    /// <summary>The checkpoint's generator with its weights, in eval mode, on <paramref name="device"/>.</summary>
    public static SRResNet LoadGenerator(string path, Device? device = null)
    {
        using var contents = Read(path);
        return LoadGenerator(contents, device);
    }

    /// <summary>The generator of checkpoint contents already read.</summary>
    public static SRResNet LoadGenerator(Contents contents, Device? device = null)
    {
        var model = new SRResNet(contents.Config.Generator);
        StateDict.Load(model, contents.WithPrefix("generator."), contents.Path + " (generator)");
        model.eval();
        return device == null ? model : model.to(device);
    }
}
