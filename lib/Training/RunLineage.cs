using SrganWorkbench.Data;

namespace SrganWorkbench.Training;

/// <summary>
/// A run and the runs it started from (config.json's <c>initFrom</c>, followed back to a run trained from scratch),
/// oldest first. The workspace's SRResNet is two runs (results/srresnet-cpu, then results/srresnet-cpu-continued from
/// it), and an SRGAN starts from that: how long a network has trained is the sum over its lineage, and its training
/// curve is the stages' logs end to end.
/// </summary>
public sealed record RunLineage(IReadOnlyList<RunLineage.Stage> Stages)
{
    /// <summary>One run of the lineage: its folder, its config, and the step its first step continues from.</summary>
    public sealed record Stage(string Folder, TrainingConfig Config, long StepOffset);

    /// <summary>Total steps over the stages of one kind (SRResNet pretraining, or the SRGAN stage).</summary>
    public long Steps(ModelKind kind) => Stages.Where(s => s.Config.Kind == kind).Sum(s => s.Config.Steps);

    /// <summary>Every stage's log.jsonl entries, with "step" counted from the lineage's start.</summary>
    public IReadOnlyList<Dictionary<string, double>> Log() => Stages.SelectMany(s =>
        TrainingLog.Read(Path.Combine(s.Folder, "log.jsonl")).Select(e =>
        {
            var copy = new Dictionary<string, double>(e);
            if (copy.ContainsKey("step")) copy["step"] += s.StepOffset;
            return copy;
        })).ToList();

    /// <summary>Reads <paramref name="folder"/>'s config and those of the runs it started from. A start that is a
    /// checkpoint file rather than a run folder, or a run folder without config.json, ends the lineage there.</summary>
    public static RunLineage Read(string folder)
    {
        var chain = new List<(string Folder, TrainingConfig Config)>();
        var seen = new HashSet<string>();
        for (string? current = Path.GetFullPath(folder); current != null;)
        {
            string configPath = Path.Combine(current, "config.json");
            if (!File.Exists(configPath))
            {
                if (chain.Count == 0) throw new FileNotFoundException($"{folder}: no config.json here; expected a training run's folder.", configPath);
                break;
            }
            if (!seen.Add(current)) throw new InvalidDataException($"{configPath}: initFrom leads back to itself ({string.Join(" <- ", chain.Select(c => c.Folder))}).");
            var config = TrainingConfig.FromJson(File.ReadAllText(configPath), configPath);
            chain.Add((current, config));
            string? start = config.InitFrom is { } init ? DataRoot.ResolvePortable(init) : null;
            current = Directory.Exists(start) ? start : null;
        }
        chain.Reverse();
        var stages = new List<Stage>();
        long offset = 0;
        foreach (var (f, c) in chain)
        {
            stages.Add(new Stage(f, c, offset));
            offset += c.Steps;
        }
        return new RunLineage(stages);
    }
}
