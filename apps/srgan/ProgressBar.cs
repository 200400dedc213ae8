using SrganWorkbench.Training;

namespace SrganWorkbench.Cli;

/// <summary>A one-line progress bar with ETA on stderr (training steps, or images scored); plain periodic lines when stderr is not a terminal (CI logs).</summary>
sealed class ProgressBar
{
    readonly bool _terminal = !Console.IsErrorRedirected;
    DateTime _lastLine = DateTime.MinValue;

    public void Update(TrainingProgress p)
    {
        string values = string.Join(" ", p.Values.Where(kv => kv.Key is not ("lr" or "samples_per_s")).Select(kv => $"{kv.Key} {kv.Value:G4}"));
        Show(p.Step, p.TotalSteps, $"step {p.Step}/{p.TotalSteps} {values} | {p.SamplesPerSecond:F1} samples/s | elapsed {Format(p.Elapsed)} ETA {Format(p.Remaining)}");
    }

    /// <summary>Progress of anything counted (images scored, ...): done of total, elapsed and an ETA from the mean pace.</summary>
    public void Update(long done, long total, string what, TimeSpan elapsed)
    {
        var remaining = done > 0 ? TimeSpan.FromTicks((long)(elapsed.Ticks * (double)(total - done) / done)) : TimeSpan.Zero;
        Show(done, total, $"{done}/{total} {what} | elapsed {Format(elapsed)} ETA {Format(remaining)}");
    }

    void Show(long done, long total, string text)
    {
        if (_terminal)
        {
            int width = Math.Max(10, Math.Min(30, Console.WindowWidth - text.Length - 4));
            int filled = (int)(width * done / Math.Max(1, total));
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {text}\u001b[K");
        }
        else if (DateTime.UtcNow - _lastLine > TimeSpan.FromSeconds(10) || done == total)
        {
            Console.Error.WriteLine(text);
            _lastLine = DateTime.UtcNow;
        }
    }

    public void Finish()
    {
        if (_terminal) Console.Error.WriteLine();
    }

    static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : $"{t.Minutes}m{t.Seconds:00}s";
}
