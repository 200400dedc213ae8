namespace SrganWorkbench.Tests.Mos;

/// <summary>A clock that moves only when a test moves it: sessions' idle and age limits without waiting.</summary>
sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    DateTimeOffset _now = start;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}
