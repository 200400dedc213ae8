using System.Globalization;
using System.Net;
using SrganWorkbench.Training;

namespace SrganWorkbench.Notebook;

/// <summary>
/// A training progress bar in a notebook that updates in place (one output, replaced through
/// its display id): <c>trainer.Progress += new TrainingProgressView("SRResNet").Update;</c>.
/// Updates are throttled to twice a second; the last step always shows.
/// </summary>
public sealed class TrainingProgressView(string title)
{
    DisplayHandle? _handle;
    DateTime _last = DateTime.MinValue;

    public void Update(TrainingProgress p)
    {
        if (_handle != null && DateTime.UtcNow - _last < TimeSpan.FromMilliseconds(500) && p.Step < p.TotalSteps) return;
        _last = DateTime.UtcNow;
        var html = new Html(Render(p));
        if (_handle == null) _handle = Display.Show(html);
        else _handle.Update(html);
    }

    string Render(TrainingProgress p)
    {
        double fraction = p.TotalSteps == 0 ? 1 : (double)p.Step / p.TotalSteps;
        string values = string.Join(" · ", p.Values.Where(kv => kv.Key != "samples_per_s").Select(kv => $"{kv.Key} {kv.Value.ToString("G4", CultureInfo.InvariantCulture)}"));
        return $"<div class=\"srgan-progress\"><b>{WebUtility.HtmlEncode(title)}</b> step {p.Step}/{p.TotalSteps} " +
               $"<progress value=\"{p.Step}\" max=\"{p.TotalSteps}\" style=\"width:300px\"></progress> {fraction:P0}<br/>" +
               $"<small>{WebUtility.HtmlEncode(values)} · {p.SamplesPerSecond:F1} samples/s · elapsed {p.Elapsed:hh\\:mm\\:ss} · ETA {p.Remaining:hh\\:mm\\:ss}</small></div>";
    }
}
