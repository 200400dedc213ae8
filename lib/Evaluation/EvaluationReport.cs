namespace SrganWorkbench.Evaluation;

/// <summary>
/// Scores of one SR image against its HR reference. <c>PsnrRawGray</c> is set for 1-channel
/// sources only: PSNR on the raw grey values instead of Y (see the report's notes). <c>Lpips</c>: LPIPS v0.1
/// (alex) against HR, lower is better; <c>PeriodicDb</c>: the periodic-artifact measure of the SR image, in dB
/// (<see cref="Metrics.PeriodicArtifacts"/>; about 0 for photographs, higher with a 2/4-pixel grid);
/// <c>SsimDaala</c>: the paper's SSIM (<see cref="Metrics.DaalaSsim"/>), when asked for.
/// </summary>
public sealed record ImageScore(
    string Set, string Method, string Image, int Width, int Height, int SourceChannels,
    double Psnr, double Ssim, double? Niqe,
    double? PsnrRawGray, double? Lpips = null, double? PeriodicDb = null, double? SsimDaala = null);

/// <summary>Mean scores of one method on one set.</summary>
public sealed record SetScore(string Set, string Method, int Images, double Psnr, double Ssim, double? Niqe, double? PsnrGrayRaw,
    double? Lpips = null, double? PeriodicDb = null, double? SsimDaala = null)
{
    public PaperScore? Paper => PaperTables.Find(Method, Set);
}

/// <summary>Everything one evaluation produced, with the command and protocol that produced it.</summary>
public sealed record EvaluationReport(
    IReadOnlyList<ImageScore> Images, IReadOnlyList<SetScore> Sets, EvaluationOptions Options, string Command, string Profile)
{
    public static IReadOnlyList<SetScore> Summarise(IReadOnlyList<ImageScore> images) =>
        images.GroupBy(i => (i.Set, i.Method))
            .Select(g =>
            {
                var list = g.ToList();
                bool anyGray = list.Any(i => i.PsnrRawGray.HasValue);
                return new SetScore(g.Key.Set, g.Key.Method, list.Count,
                    list.Average(i => i.Psnr), list.Average(i => i.Ssim),
                    list.All(i => i.Niqe.HasValue) ? list.Average(i => i.Niqe!.Value) : null,
                    anyGray ? list.Average(i => i.PsnrRawGray ?? i.Psnr) : null,
                    Mean(list, i => i.Lpips), Mean(list, i => i.PeriodicDb), Mean(list, i => i.SsimDaala));
            })
            .ToList();

    static double? Mean(List<ImageScore> list, Func<ImageScore, double?> value) =>
        list.All(i => value(i).HasValue) ? list.Average(i => value(i)!.Value) : null;
}
