namespace SrganWorkbench;

/// <summary>
/// A tiny, fully specified random generator (Steele, Lea and Flood's SplitMix64), so that the
/// same seed gives the same crops on every .NET version and machine, unlike System.Random.
/// </summary>
public struct SplitMix64(ulong seed)
{
    ulong _state = seed;

    /// <summary>A generator for item <paramref name="index"/> of stream <paramref name="seed"/>.</summary>
    public static SplitMix64 For(long seed, long index) => new(Mix((ulong)seed * 0x9E3779B97F4A7C15UL ^ Mix((ulong)index + 0xD1B54A32D192ED03UL)));

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int Next(int maxExclusive) => maxExclusive <= 0
        ? throw new ArgumentOutOfRangeException(nameof(maxExclusive))
        : (int)((NextUInt64() >> 11) * (1.0 / (1UL << 53)) * maxExclusive);

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
