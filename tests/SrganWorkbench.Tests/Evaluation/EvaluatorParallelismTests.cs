using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Evaluation;

/// <summary>The evaluator runs a resolver that does not allow concurrent Upscale calls (a network) one image at a time.</summary>
public class EvaluatorParallelismTests(ITestOutputHelper output)
{
    /// <summary>Bicubic upscaling that records how many of its calls overlapped; each call lingers so that overlaps would show.</summary>
    sealed class CountingResolver(bool concurrent) : ISuperResolver
    {
        readonly InterpolationUpscaler _bicubic = new(ResizeKernel.Bicubic);
        int _running, _maximum, _calls;
        public string Name => "counting";
        public int Scale => 4;
        public bool ConcurrentUpscale => concurrent;
        public int MaximumConcurrent => Volatile.Read(ref _maximum);
        public int Calls => Volatile.Read(ref _calls);

        public RgbImage Upscale(RgbImage lr)
        {
            int now = Interlocked.Increment(ref _running);
            Interlocked.Increment(ref _calls);
            int seen;
            while (now > (seen = Volatile.Read(ref _maximum)) && Interlocked.CompareExchange(ref _maximum, now, seen) != seen) { }
            try
            {
                Thread.Sleep(100);
                return _bicubic.Upscale(lr);
            }
            finally { Interlocked.Decrement(ref _running); }
        }
    }

    static IReadOnlyList<ImageScore> Run(ISuperResolver resolver) =>
        new Evaluator(new EvaluationOptions { ComputeNiqe = false, ComputeLpips = false, ComputePeriodic = false, MaxParallelism = 4 }, SharedData.Root).Run([resolver], ["Set5"]);

    [Fact]
    public void A_resolver_that_is_not_thread_safe_runs_one_image_at_a_time_whatever_MaxParallelism_says()
    {
        var resolver = new CountingResolver(concurrent: false);
        var scores = Run(resolver);
        Assert.Equal(5, scores.Count);
        Assert.Equal(5, resolver.Calls);
        Assert.Equal(1, resolver.MaximumConcurrent);

        // The same resolver allowing concurrency scores the same (not asserted: how many calls overlap depends on timing).
        var concurrent = new CountingResolver(concurrent: true);
        var again = Run(concurrent);
        Assert.Equal(scores.Select(s => (s.Image, s.Psnr)), again.Select(s => (s.Image, s.Psnr)));
        output.WriteLine($"thread-safe resolver, MaxParallelism 4: at most {concurrent.MaximumConcurrent} concurrent Upscale calls");
    }

    [Fact]
    public void Interpolation_allows_concurrency_and_an_unmarked_resolver_does_not()
    {
        Assert.True(((ISuperResolver)new InterpolationUpscaler(ResizeKernel.Bicubic)).ConcurrentUpscale);
        Assert.False(((ISuperResolver)new Unmarked()).ConcurrentUpscale); // the interface's default: one at a time
    }

    sealed class Unmarked : ISuperResolver
    {
        public string Name => "unmarked";
        public int Scale => 4;
        public RgbImage Upscale(RgbImage lr) => lr;
    }
}
