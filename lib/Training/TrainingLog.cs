using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SrganWorkbench.Training;

/// <summary>
/// log.jsonl: one JSON object per line, per logged step ({"step", "lr", losses, "d_hr", "d_sr",
/// "samples_per_s", ...}) and per evaluation ({"step", "set5_psnr"}). Each line is flushed as it is
/// written; on resume, lines beyond the checkpoint's step are dropped so the log matches the weights.
/// </summary>
public sealed class TrainingLog : IDisposable
{
    readonly StreamWriter _writer;
    public string Path { get; }

    /// <summary>Opens <paramref name="path"/> for appending, first dropping the lines beyond <paramref name="resumeStep"/>
    /// (0 for a fresh run: nothing is kept).</summary>
    public TrainingLog(string path, long resumeStep)
    {
        Path = path;
        if (File.Exists(path))
        {
            var kept = File.ReadAllLines(path).Where(line => StepOf(line) is { } s && s <= resumeStep).ToList();
            AtomicFile.WriteAllText(path, kept.Count == 0 ? "" : string.Join("\n", kept) + "\n");
        }
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    }

    public void Write(IReadOnlyDictionary<string, object> entry)
    {
        _writer.WriteLine(JsonSerializer.Serialize(entry));
        _writer.Flush();
    }

    static long? StepOf(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("step", out var s) ? s.GetInt64() : null;
        }
        catch (JsonException) { return null; } // a line cut by a crash
    }

    /// <summary>Reads a log back as (step, field -> value) records, for notebooks and tests.</summary>
    public static IReadOnlyList<Dictionary<string, double>> Read(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            return doc.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number)
                .ToDictionary(p => p.Name, p => p.Value.GetDouble());
        }).ToList();

    /// <summary>What a run's log says about its cost: the last logged step, the wall-clock time summed over its
    /// sessions (each resume restarts "time_s"; work lost after the last checkpoint is not counted) and the median
    /// training speed (robust to pauses and to other work on the machine).</summary>
    public sealed record Summary(long Step, TimeSpan WallClock, double MedianSamplesPerSecond, int Sessions)
    {
        public string Describe(int batchSize) =>
            $"{Step * batchSize:N0} samples in {Hours(WallClock)} wall-clock over {Sessions} session(s), median {batchSize / MedianSamplesPerSecond:F2} s/step";

        static string Hours(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes:D2} min" : $"{t.TotalMinutes:F0} min";
    }

    /// <summary>Summarises a log.jsonl (see <see cref="Summary"/>); null when it has no step entries.</summary>
    public static Summary? Summarize(string path)
    {
        var steps = Read(path).Where(r => r.ContainsKey("time_s") && r.ContainsKey("step")).ToList();
        if (steps.Count == 0) return null;
        double total = 0, last = 0;
        int sessions = 1;
        foreach (var r in steps)
        {
            double t = r["time_s"];
            if (t < last) { total += last; sessions++; } // a resumed session starts its clock again
            last = t;
        }
        total += last;
        var speeds = steps.Where(r => r.TryGetValue("samples_per_s", out var v) && v > 0).Select(r => r["samples_per_s"]).OrderBy(v => v).ToList();
        return new Summary((long)steps.Max(r => r["step"]), TimeSpan.FromSeconds(total), speeds.Count > 0 ? speeds[speeds.Count / 2] : double.NaN, sessions);
    }

    public void Dispose() => _writer.Dispose();

    internal static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
