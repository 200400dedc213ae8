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

    public TrainingLog(string path, long resumeStep)
    {
        Path = path;
        if (File.Exists(path) && resumeStep >= 0)
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

    public void Dispose() => _writer.Dispose();

    internal static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
