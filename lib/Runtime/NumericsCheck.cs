using System.Diagnostics;
using SrganWorkbench.Speed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SrganWorkbench;

/// <summary>One convolution's shape as the self-check tries it: channels, square kernel, stride, padding, transposed or not.</summary>
public sealed record ConvShape(int In, int Out, int Kernel, int Stride = 1, int Padding = -1, bool Transposed = false)
{
    /// <summary>The padding the check uses: the given one, else "same" for a stride-1 convolution (kernel / 2).</summary>
    public int EffectivePadding => Padding >= 0 ? Padding : Kernel / 2;

    /// <summary>The shape of a module's convolution (square kernels and strides, as all of the workspace's are).</summary>
    public static ConvShape Of(Convolution conv) => new(
        (int)conv.in_channels, (int)conv.out_channels, (int)conv.kernel_size[0], (int)conv.stride[0],
        conv.padding is { Length: > 0 } padding ? (int)padding[0] : -1, conv.transposed);

    /// <summary>Whether the two are the same convolution but for padding (which changes no kernel choice that matters here).</summary>
    public bool SameAs(ConvShape other) =>
        In == other.In && Out == other.Out && Kernel == other.Kernel && Stride == other.Stride && Transposed == other.Transposed;

    public override string ToString() =>
        $"{In}->{Out} {Kernel}x{Kernel}" + (Stride > 1 ? $" stride {Stride}" : "") + (Transposed ? " transposed" : "");
}

/// <summary>One wrong result: which convolution, in which memory layout, which quantity, and how far from float64.</summary>
public sealed record ConvFault(ConvShape Shape, string Layout, string Quantity, double RelativeError)
{
    public override string ToString() =>
        $"{Shape} {Layout}: {Quantity} " + (double.IsFinite(RelativeError) ? $"off by {RelativeError * 100:F0}%" : "NaN or Inf");
}

/// <summary>What <see cref="NumericsCheck"/> found on this machine.</summary>
public sealed record NumericsReport(IReadOnlyList<ConvFault> Faults, int Shapes, TimeSpan Elapsed)
{
    public const string Nchw = "NCHW", ChannelsLastLayout = "channels-last";

    /// <summary>Some float32 convolution laid out NCHW (PyTorch's default) computed a wrong output or gradient.</summary>
    public bool NchwWrong => Faults.Any(f => f.Layout == Nchw);

    /// <summary>Some float32 convolution laid out channels-last computed a wrong output or gradient: no layout is safe.</summary>
    public bool ChannelsLastWrong => Faults.Any(f => f.Layout == ChannelsLastLayout);

    public bool Passed => Faults.Count == 0;

    /// <summary>One line: passed, or what is wrong and what the workspace does about it.</summary>
    public string Summary
    {
        get
        {
            string timing = $"{Shapes} convolution shapes x 2 layouts against float64 in {Elapsed.TotalMilliseconds:F0} ms";
            if (Passed) return $"numerics self-check: passed ({timing})";
            var worst = Faults.OrderByDescending(f => double.IsFinite(f.RelativeError) ? f.RelativeError : double.MaxValue).First();
            int shapes = Faults.Select(f => f.Shape).Distinct().Count();
            string what = $"numerics self-check: libtorch {__version__} on this CPU ({CpuInfo.Model}) computes wrong float32 convolutions " +
                          $"in {shapes} of {Shapes} shapes ({string.Join(" and ", Faults.Select(f => f.Layout).Distinct())}; worst: {worst})";
            return ChannelsLastWrong
                ? what + ". No layout is right here: gradients and outputs of these convolutions cannot be trusted on this machine."
                : what + ". The workspace's models and losses run channels-last, which is right here; lay out your own " +
                         "convolutions' inputs or weights with ChannelsLast.Of(x).";
        }
    }
}

/// <summary>
/// A self-check of libtorch's float32 convolutions on this CPU, run once per process before the first backward pass
/// (training, the notebooks' setup cell, <c>srgan device</c>): for every convolution shape the workspace's networks use
/// (<see cref="Shapes"/>; a test keeps the list complete), the output, the input gradient and the weight gradient in
/// float32, laid out NCHW and channels-last, against the same computed in float64 as a matrix product of unfolded
/// patches (im2col), which runs none of libtorch's convolution kernels. Relative error above 1e-4 of the reference's
/// largest value is a fault.
///
/// Why: libtorch 2.10 (TorchSharp-cpu 0.107, oneDNN 3.7.1) on AMD Zen 5 returns wrong or NaN results, varying from run
/// to run, for NCHW convolutions whose output channels (gradients) or input channels (outputs) are not a multiple of
/// the blocking oneDNN picks: its blocked layouts pad the channels, and the padding is not zeroed. The same convolutions
/// laid out channels-last use no padded layout and are right; PyTorch 1.13 is right on the same CPU. The check finds
/// this, or anything like it, on any machine, without naming CPUs.
/// </summary>
public static class NumericsCheck
{
    /// <summary>Every convolution the workspace's networks run (NumericsCheckTests enumerates the networks against it).</summary>
    public static IReadOnlyList<ConvShape> Shapes { get; } =
    [
        // SRResNet at 64 channels (paper, cpu, ablation; both peers) and 16 (smoke, tests): input, body, sub-pixel,
        // output (9x9; a peer's 1x1), the training form's fused output (4C -> 12, 5x5), a transposed-conv stage.
        new(3, 64, 9), new(64, 64, 3), new(64, 256, 3), new(64, 3, 9), new(64, 3, 1), new(256, 12, 5), new(64, 64, 4, 2, 1, true),
        new(3, 16, 9), new(16, 16, 3), new(16, 64, 3), new(16, 3, 9), new(16, 3, 1), new(64, 12, 5), new(16, 16, 4, 2, 1, true),
        // The discriminator at base 64 (the paper's) and 16 (smoke): 3x3, stride 1 and 2, channels doubling.
        new(3, 64, 3), new(64, 64, 3, 2, 1), new(64, 128, 3), new(128, 128, 3, 2, 1), new(128, 256, 3), new(256, 256, 3, 2, 1),
        new(256, 512, 3), new(512, 512, 3, 2, 1),
        new(3, 16, 3), new(16, 16, 3, 2, 1), new(16, 32, 3), new(32, 32, 3, 2, 1), new(32, 64, 3),
        // VGG19 to conv3_4 (the shared weights) and conv5_4 (torchvision's, for VGG54); 3->64, 64->64, 64->128 and
        // 128->256, 256->512 are above.
        new(128, 128, 3), new(256, 256, 3), new(512, 512, 3),
        // LPIPS-alex: the trunk and the five 1x1 lin layers.
        new(3, 64, 11, 4, 2), new(64, 192, 5), new(192, 384, 3), new(384, 256, 3),
        new(64, 1, 1), new(192, 1, 1), new(384, 1, 1), new(256, 1, 1),
        // The chroma loss: RGB residual to Cb, Cr.
        new(3, 2, 1),
    ];

    /// <summary>Relative error (of the float64 result's largest magnitude) above which a float32 result is wrong:
    /// float32 rounding over these sums stays below 1e-5.</summary>
    public const double Tolerance = 1e-4;

    static readonly Lazy<NumericsReport> _result = new(() => Run(Shapes), LazyThreadSafetyMode.ExecutionAndPublication);
    static NumericsReport? _assumed;

    /// <summary>This process's check, run the first time it is asked for (about half a second on 2 cores).</summary>
    public static NumericsReport Result => _assumed ?? _result.Value;

    /// <summary>For tests: makes <see cref="Result"/> return <paramref name="report"/> (null: the real check again).</summary>
    internal static void Assume(NumericsReport? report) => _assumed = report;

    /// <summary>Runs the check (once per process) and, when it finds a fault, says so in one line.</summary>
    public static NumericsReport Ensure(Action<string> log)
    {
        var report = Result;
        if (!report.Passed) log(report.Summary);
        return report;
    }

    /// <summary>The convolutions of a module (its own, or a student's), for <see cref="Run"/>: distinct shapes, in order.</summary>
    public static IReadOnlyList<ConvShape> ShapesOf(nn.Module module) =>
        module.modules().OfType<Convolution>().Select(ConvShape.Of).Distinct().ToList();

    /// <summary>Checks each shape on the CPU, NCHW and channels-last; returns every fault found.</summary>
    public static NumericsReport Run(IEnumerable<ConvShape> shapes)
    {
        var clock = Stopwatch.StartNew();
        var list = shapes.ToList();
        var faults = new List<ConvFault>();
        using var random = new torch.Generator(20261207);
        foreach (var shape in list)
        {
            using var scope = NewDisposeScope();
            var (x, w, b, upstream) = Inputs(shape, random);
            var reference = Compute(shape, x, w, b, upstream, Unfolded);
            foreach (var layout in new[] { NumericsReport.Nchw, NumericsReport.ChannelsLastLayout })
            {
                Tensor x32 = x.to(float32), w32 = w.to(float32);
                if (layout == NumericsReport.ChannelsLastLayout) { x32 = ChannelsLast.Relaid(x32); w32 = ChannelsLast.Relaid(w32); }
                var got = Compute(shape, x32, w32, b.to(float32), upstream.to(float32), Convolution);
                string[] names = ["output", "input gradient", "weight gradient"];
                for (int i = 0; i < names.Length; i++)
                {
                    double error = RelativeError(got[i], reference[i]);
                    if (!(error <= Tolerance)) faults.Add(new ConvFault(shape, layout, names[i], error));
                }
            }
        }
        return new NumericsReport(faults, list.Count, clock.Elapsed);
    }

    /// <summary>Small float64 inputs: batch 2 (libtorch sends a batch of one to another kernel), at least 6 x 6 pixels and
    /// 3 x 3 outputs (19 x 19 for a stride-4 kernel of 11), weights of variance 1 / fan-in.</summary>
    static (Tensor X, Tensor W, Tensor B, Tensor Upstream) Inputs(ConvShape s, torch.Generator random)
    {
        int size = s.Transposed ? 6 : Math.Max(6, s.Kernel + 2 * s.Stride - 2 * s.EffectivePadding);
        // Uniform in [-1, 1) (variance 1/3), which torch draws several times faster than normal values for the large weights.
        Tensor Draw(params long[] shape) => rand(shape, dtype: float64, generator: random).mul(2).sub(1);
        var x = Draw(2, s.In, size, size);
        var w = (s.Transposed ? Draw(s.In, s.Out, s.Kernel, s.Kernel) : Draw(s.Out, s.In, s.Kernel, s.Kernel))
            .mul(Math.Sqrt(3.0 / (s.In * s.Kernel * s.Kernel)));
        var b = Draw(s.Out);
        using (no_grad())
        {
            var y = Unfolded(s, x, w, b);
            return (x, w, b, Draw(y.shape));
        }
    }

    /// <summary>What the check tests: libtorch's convolution.</summary>
    static Tensor Convolution(ConvShape s, Tensor x, Tensor w, Tensor b)
    {
        long[] stride = [s.Stride, s.Stride], padding = [s.EffectivePadding, s.EffectivePadding];
        return s.Transposed
            ? nn.functional.conv_transpose2d(x, w, b, stride, padding)
            : nn.functional.conv2d(x, w, b, stride, padding);
    }

    /// <summary>The reference: the same convolution as a product with unfolded patches (a transposed one: the product
    /// folded back), differentiated by autograd through unfold, fold and matmul.</summary>
    static Tensor Unfolded(ConvShape s, Tensor x, Tensor w, Tensor b)
    {
        long n = x.shape[0], h = x.shape[2], width = x.shape[3];
        int k = s.Kernel, p = s.EffectivePadding;
        if (!s.Transposed)
        {
            // One 2-D product for the whole batch: (Out) x (In k k) times (In k k) x (n L).
            var patches = nn.functional.unfold(x, (k, k), null, (p, p), (s.Stride, s.Stride)).permute(1, 0, 2).reshape(s.In * k * k, -1);
            long oh = (h + 2 * p - k) / s.Stride + 1, ow = (width + 2 * p - k) / s.Stride + 1;
            return w.reshape(s.Out, -1).matmul(patches).view(s.Out, n, oh, ow).permute(1, 0, 2, 3).add(b.view(1, -1, 1, 1));
        }
        var columns = w.reshape(s.In, -1).t().matmul(x.permute(1, 0, 2, 3).reshape(s.In, -1)) // (Out k k) x (n h w)
            .view(s.Out * k * k, n, h * width).permute(1, 0, 2);
        long th = (h - 1) * s.Stride - 2 * p + k, tw = (width - 1) * s.Stride - 2 * p + k;
        return nn.functional.fold(columns, (th, tw), (k, k), null, (p, p), (s.Stride, s.Stride)).add(b.view(1, -1, 1, 1));
    }

    /// <summary>Output, input gradient and weight gradient, as float64 NCHW for comparison.</summary>
    static Tensor[] Compute(ConvShape s, Tensor x, Tensor w, Tensor b, Tensor upstream, Func<ConvShape, Tensor, Tensor, Tensor, Tensor> forward)
    {
        using var _ = enable_grad();
        x = x.detach().requires_grad_(true);
        w = w.detach().requires_grad_(true);
        var y = forward(s, x, w, b);
        y.backward([upstream]);
        return [y.detach().to(float64).contiguous(), x.grad!.to(float64).contiguous(), w.grad!.to(float64).contiguous()];
    }

    static double RelativeError(Tensor got, Tensor reference)
    {
        double scale = reference.abs().max().item<double>();
        double diff = got.sub(reference).abs().max().item<double>(); // NaN propagates: a NaN anywhere is a fault
        return diff / Math.Max(scale, 1e-30);
    }
}
