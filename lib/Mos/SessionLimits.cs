namespace SrganWorkbench.Mos;

/// <summary>
/// How long sessions last on the rating site. Raters share lab computers: a session left open must end by itself, and
/// the next person must not rate as the last one. A rater who comes back after a session ended enters their code again
/// and continues where they stopped, so short limits cost a rater nothing but typing.
/// </summary>
public sealed record SessionLimits
{
    /// <summary>A rater's session ends after this long without a request.</summary>
    public TimeSpan RaterIdle { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>A rater's session ends this long after they joined, however active.</summary>
    public TimeSpan RaterLifetime { get; init; } = TimeSpan.FromHours(12);
    /// <summary>An admin login ends this long after it was made (or at logout).</summary>
    public TimeSpan AdminLifetime { get; init; } = TimeSpan.FromHours(8);

    public static SessionLimits Default { get; } = new();
}
