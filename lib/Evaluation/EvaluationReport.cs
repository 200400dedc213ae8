namespace SrganWorkbench.Evaluation;

/// <summary>
/// Scores of one SR image against its HR reference. <c>PsnrRawGray</c> is set for 1-channel
/// sources only: PSNR on the raw grey values instead of Y (see the report's notes).
/// </summary>
public sealed record ImageScore(
    string Set, string Method, string Image, int Width, int Height, int SourceChannels,
    double Psnr, double Ssim, double? Niqe,
    double? PsnrRawGray);

/// <summary>Mean scores of one method on one set.</summary>
public sealed record SetScore(string Set, string Method, int Images, double Psnr, double Ssim, double? Niqe, double? PsnrGrayRaw)
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
                    anyGray ? list.Average(i => i.PsnrRawGray ?? i.Psnr) : null);
            })
            .ToList();
}
