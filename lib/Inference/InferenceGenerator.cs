using SrganWorkbench.Models;
using SrganWorkbench.Speed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SrganWorkbench.Inference;

/// <summary>
/// The inference form of an <see cref="SRResNet"/>: computes what <c>model.eval()</c> + <c>forward</c>
/// computes (to float rounding; tested for every generator option), faster and in bounded memory:
/// <list type="bullet">
/// <item>every batch norm folded into the convolution before it (W' = W g/sqrt(var+eps), b' = (b-mean) g/sqrt(var+eps) + beta);</item>
/// <item>channels-last throughout (oneDNN's native layout) and no autograd;</item>
/// <item>the last sub-pixel stage fused with the 9x9 output convolution, as <see cref="FastGenerator"/> does (<see cref="SubPixelFusion"/>);</item>
/// <item>the snapshot's own activation modules (PReLU or ReLU), except before the fused output conv, where the PReLU's slopes are moved before the shuffle (a null slope there: ReLU);</item>
/// <item>the upsampling tail (everything after the long skip) in bands of rows with a halo that covers
/// its receptive field, so no full-resolution feature map exists at once; intermediates are freed as
/// soon as the next one exists.</item>
/// </list>
/// Derived from the model's own modules (a private copy of them, so it is a snapshot: build a new one after
/// training further); the upsampling stages run the model's <see cref="UpsampleBlock.Enlarge"/>.
/// </summary>
public sealed class InferenceGenerator : IDisposable
{
    /// <summary>Default bound on the largest tensor of one band: 256 MB.</summary>
    public const long DefaultBandBytes = 256L << 20;

    readonly SRResNet _copy;          // the snapshot: its activations and upsampling stages run as they are
    readonly GeneratorOptions _o;
    readonly List<Tensor> _weights = [];
    readonly Conv _input;
    readonly (Conv Conv1, Module<Tensor, Tensor> Activation, Conv Conv2)[] _blocks;
    readonly Conv _mid;
    readonly Conv? _fusedOutput;      // the output conv fused with the last sub-pixel stage, when it can be
    readonly Tensor? _fusedSlope;
    readonly long _bandBytes;

    /// <summary>A convolution's (folded) weight and bias, and how it pads.</summary>
    readonly record struct Conv(Tensor Weight, Tensor Bias, int Padding, bool Reflect);

    InferenceGenerator(SRResNet model, long bandBytes)
    {
        _o = model.Options;
        _bandBytes = bandBytes;
        _copy = new SRResNet(_o);
        _copy.load_state_dict(model.state_dict());
        foreach (var p in _copy.parameters()) p.requires_grad = false;
        _copy.eval();

        using (no_grad())
        using (NewDisposeScope()) // temporaries; what the generator keeps is detached from it (Keep)
        {
            _input = Fold(_copy.ConvInput, null);
            _blocks = _copy.Blocks.Select(b => (Fold(b.Conv1, b.Bn1), b.Activation, Fold(b.Conv2, b.Bn2))).ToArray();
            _mid = Fold(_copy.ConvMid, _copy.BnMid);
            if (FastGenerator.Fuses(_o))
            {
                var output = _copy.ConvOutput;
                _fusedOutput = new(Keep(SubPixelFusion.Weight(output.weight!)), Keep(SubPixelFusion.Bias(output.bias!)), 2, false);
                _fusedSlope = Layers.Slope(_copy.Upsample[^1].Activation) is { } last ? Keep(SubPixelFusion.Slope(last).clone()) : null;
            }
        }
    }

    Tensor Keep(Tensor t) { _weights.Add(t.DetachFromDisposeScope()); return t; }

    /// <summary>A convolution with the batch norm after it (if any) folded in, channels-last. A convolution without
    /// bias (TensorLayer's body, whose batch norm would cancel one) folds as if its bias were zero.</summary>
    Conv Fold(Conv2d conv, BatchNorm2d? bn)
    {
        var w = conv.weight!.detach();
        var b = conv.bias?.detach() ?? zeros(w.shape[0], dtype: w.dtype, device: w.device);
        if (bn is not null)
        {
            var scale = bn.weight!.detach().div(bn.running_var!.add(BatchNormEps).sqrt());
            w = w.mul(scale.view(-1, 1, 1, 1));
            b = b.sub(bn.running_mean!).mul(scale).add(bn.bias!.detach());
        }
        return new(Keep(ChannelsLast.Of(w.clone())), Keep(b.clone()), (int)w.shape[2] / 2, _o.Padding == ConvPadding.Reflect);
    }

    /// <summary>Snapshot of <paramref name="model"/>'s weights, ready to run.</summary>
    /// <param name="model">An SRResNet in any mode; its batch norms' running statistics are used.</param>
    /// <param name="bandBytes">Bound on the largest tensor of one band of the upsampling tail.</param>
    public static InferenceGenerator From(SRResNet model, long bandBytes = DefaultBandBytes) => new(model, bandBytes);

    const double BatchNormEps = 1e-5; // BatchNorm2d's default, which SRResNet uses

    /// <summary>The generator's output for LR images [N, 3, h, w] in [0,1] (as SRResNet.forward in eval mode).</summary>
    public Tensor Forward(Tensor lr)
    {
        if (lr.dim() != 4 || lr.shape[1] != 3) throw new ArgumentException($"expected LR images [N, 3, h, w], got [{string.Join(", ", lr.shape)}]");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        // SRResNet.Features with folded convs, freeing each block's input as soon as its output exists.
        var head = _copy.InputActivation.forward(Apply(_input, ChannelsLast.Of(lr)));
        var x = head;
        foreach (var (conv1, activation, conv2) in _blocks)
        {
            using var y = Apply(conv1, x);
            using var a = activation.forward(y);
            var z = Apply(conv2, a).add_(x);
            if (!ReferenceEquals(x, head)) x.Dispose();
            x = z;
        }
        var body = Apply(_mid, x);
        if (!ReferenceEquals(x, head)) x.Dispose();
        if (_copy.MidActivation is { } mid) { var t = mid.forward(body); body.Dispose(); body = t; }
        body.add_(head);
        head.Dispose();

        long n = lr.shape[0], h = lr.shape[2], w = lr.shape[3], s = _o.Scale;
        var output = empty(n, 3, h * s, w * s, dtype: lr.dtype, device: lr.device);
        long band = BandRows(n, w), halo = Halo();
        for (long r0 = 0; r0 < h; r0 += band)
        {
            using var bandScope = NewDisposeScope();
            long r1 = Math.Min(h, r0 + band), a = Math.Max(0, r0 - halo), b = Math.Min(h, r1 + halo);
            var sr = Tail(body.narrow(2, a, b - a));
            output.narrow(2, r0 * s, (r1 - r0) * s).copy_(sr.narrow(2, (r0 - a) * s, (r1 - r0) * s));
        }
        body.Dispose();
        return _copy.Activate(output).MoveToOuterDisposeScope();
    }

    /// <summary>Upsampling stages and the output convolution on a band of the body's output.</summary>
    Tensor Tail(Tensor x)
    {
        var stages = _copy.Upsample;
        int plain = _fusedOutput is null ? stages.Count : stages.Count - 1;
        for (int k = 0; k < plain; k++)
        {
            Tensor next;
            using (NewDisposeScope()) // the stage's intermediates (conv output, shuffled maps) go as soon as it is done
                next = stages[k].Activation.forward(ChannelsLast.Of(stages[k].Enlarge(x))).MoveToOuterDisposeScope();
            if (k > 0) x.Dispose();
            x = next;
        }
        if (_fusedOutput is { } fused)
        {
            using var c = stages[^1].Conv.forward(x);
            using var a = Activate(c, _fusedSlope);
            using var y = Apply(fused, a);
            if (plain > 0) x.Dispose();
            return functional.pixel_shuffle(y, 2);
        }
        var output = _copy.ConvOutput.forward(x);
        if (plain > 0) x.Dispose();
        return output;
    }

    static Tensor Apply(Conv conv, Tensor x)
    {
        if (conv.Reflect && conv.Padding > 0)
        {
            using var padded = functional.pad(x, [conv.Padding, conv.Padding, conv.Padding, conv.Padding], PaddingModes.Reflect);
            return functional.conv2d(padded, conv.Weight, conv.Bias);
        }
        return functional.conv2d(x, conv.Weight, conv.Bias, padding: [conv.Padding, conv.Padding]);
    }

    /// <summary>PReLU with these slopes, or ReLU for none (the last stage's activation before the fused output conv).</summary>
    static Tensor Activate(Tensor x, Tensor? slope) => slope is null ? functional.relu(x) : functional.prelu(x, slope);

    /// <summary>LR rows either side of a band whose outputs the band's edge could affect: one per x2 stage
    /// (a 3x3 convolution at no more than that stage's output resolution) plus the output convolution's
    /// reach of k/2 full-resolution pixels (4 for the paper's 9x9, 0 for a 1x1) in LR rows, rounded up, plus one
    /// to spare. The input convolution is not in it: it runs before the bands, on the whole image.</summary>
    long Halo() => _copy.Upsample.Count + (long)Math.Ceiling((double)(_o.OutputKernel / 2) / _o.Scale) + 1;

    /// <summary>LR rows per band, so that the largest tail tensor (4C maps at half the output resolution, or C at full) stays within the bound.</summary>
    long BandRows(long n, long w)
    {
        long bytesPerRow = n * _o.Channels * _o.Scale * _o.Scale * w * sizeof(float);
        return Math.Max(8, _bandBytes / Math.Max(1, bytesPerRow) - 2 * Halo());
    }

    public void Dispose()
    {
        foreach (var t in _weights) t.Dispose();
        _weights.Clear();
        _copy.Dispose();
    }
}
