using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Weights;

/// <summary>Copies named tensors into a module's parameters and buffers, checking that they fit.</summary>
public static class StateDict
{
    /// <summary>
    /// Loads <paramref name="source"/> into <paramref name="module"/>. Keys pass through
    /// <paramref name="keyMap"/> (source name to module name) first. Every module entry must be
    /// supplied, except BatchNorm's num_batches_tracked counters (older PyTorch files lack them),
    /// and every source entry must be used, with the same shape; otherwise the error lists all
    /// problems and names <paramref name="sourceName"/>.
    /// </summary>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> source, string sourceName,
        Func<string, string>? keyMap = null)
    {
        var target = module.state_dict();
        var mapped = source.ToDictionary(kv => keyMap?.Invoke(kv.Key) ?? kv.Key, kv => (Original: kv.Key, Tensor: kv.Value));
        var missing = target.Keys.Where(k => !mapped.ContainsKey(k) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        var unexpected = new List<string>();
        var misshaped = new List<string>();
        foreach (var (key, (original, tensor)) in mapped)
        {
            if (!target.TryGetValue(key, out var dest)) unexpected.Add($"'{original}'" + (original != key ? $" (as '{key}')" : ""));
            else if (!dest.shape.SequenceEqual(tensor.shape))
                misshaped.Add($"'{original}' has shape [{string.Join(", ", tensor.shape)}], the model expects [{string.Join(", ", dest.shape)}]");
        }
        var problems = new List<string>();
        void Report(string what, List<string> items)
        {
            if (items.Count > 0)
                problems.Add($"{what} ({items.Count}): {string.Join(", ", items.Take(6))}{(items.Count > 6 ? ", ..." : "")}");
        }
        Report("missing", missing.Select(k => $"'{k}'").ToList());
        Report("unexpected", unexpected);
        Report("wrong shape", misshaped);
        if (problems.Count > 0)
            throw new InvalidDataException($"{sourceName} does not fit {module.GetName()}: {string.Join("; ", problems)}.");
        using var _ = no_grad();
        foreach (var (key, (_, tensor)) in mapped)
            target[key].copy_(tensor.to(target[key].dtype));
    }
}
