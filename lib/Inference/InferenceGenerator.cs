using SrganWorkbench.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SrganWorkbench.Inference;

/// <summary>
/// An SRResNet prepared for inference; computes what <c>model.eval()</c> + <c>forward</c> computes
/// (to float rounding), faster and in bounded memory:
/// <list type="bullet">
/// <item>every batch norm folded into the convolution before it (W' = W g/sqrt(var+eps), b' = (b-mean) g/sqrt(var+eps) + beta);</item>
/// <item>channels-last throughout (oneDNN's native layout) and no autograd;</item>
/// <item>the last sub-pixel stage fused with the 9x9 output convolution, as SRResNet.forward does (<see cref="SubPixelFusion"/>);</item>
/// <item>the upsampling tail (everything after the long skip) in bands of rows with a halo that covers
/// its receptive field, so no full-resolution feature map exists at once; intermediates are freed as
/// soon as the next one exists.</item>
/// </list>
/// Built from a snapshot of the model's weights (its state dict, PyTorch names); build a new one after training further.
/// </summary>
public sealed class InferenceGenerator : IDisposable
{
    /// <summary>Default bound on the largest tensor of one band: 256 MB.</summary>
    public const long DefaultBandBytes = 256L << 20;

    readonly GeneratorOptions _o;
    readonly List<Tensor> _weights = [];
    readonly Conv _input;
    readonly Tensor _inputSlope;
    readonly (Conv Conv1, Tensor Slope, Conv Conv2)[] _blocks;
    readonly Conv _mid;
    readonly Tensor? _midSlope;
    readonly (Conv Conv, Tensor Slope)[] _upsample;
    readonly Conv _output;
    readonly bool _fusedOutput;
    readonly long _bandBytes;

    /// <summary>A convolution's folded weight and bias, and how it pads.</summary>
    readonly record struct Conv(Tensor Weight, Tensor Bias, int Padding);

    InferenceGenerator(SRResNet model, long bandBytes)
    {
        _o = model.Options;
        _bandBytes = bandBytes;
        var sd = model.state_dict();
        using (no_grad())
        using (NewDisposeScope()) // temporaries; what the generator keeps is detached from it (Keep)
        {
            Tensor P(string key) => sd[key].detach().clone();
            Conv Plain(string conv) => new(ChannelsLast.Of(P($"{conv}.weight")), P($"{conv}.bias"), (int)sd[$"{conv}.weight"].shape[2] / 2);
            Conv Folded(string conv, string bn)
            {
                if (!sd.ContainsKey($"{bn}.running_mean")) return Plain(conv);
                var scale = P($"{bn}.weight").div(P($"{bn}.running_var").add(BatchNormEps).sqrt());
                var w = P($"{conv}.weight").mul(scale.view(-1, 1, 1, 1));
                var b = P($"{conv}.bias").sub(P($"{bn}.running_mean")).mul(scale).add(P($"{bn}.bias"));
                return new(ChannelsLast.Of(w), b, (int)w.shape[2] / 2);
            }

            _input = Plain("conv_input");
            _inputSlope = P("prelu_input.weight");
            _blocks = Enumerable.Range(0, _o.Blocks)
                .Select(i => (Folded($"blocks.{i}.conv1", $"blocks.{i}.bn1"), P($"blocks.{i}.prelu.weight"), Folded($"blocks.{i}.conv2", $"blocks.{i}.bn2")))
                .ToArray();
            _mid = Folded("conv_mid", "bn_mid");
            _midSlope = sd.ContainsKey("prelu_mid.weight") ? P("prelu_mid.weight") : null;
            int stages = (int)Math.Log2(_o.Scale);
            _upsample = Enumerable.Range(0, stages).Select(k => (Plain($"upsample.{k}.conv"), P($"upsample.{k}.prelu.weight"))).ToArray();
            _output = Plain("conv_output");

            _fusedOutput = model.FusesOutput;
            if (_fusedOutput)
            {
                var (conv, slope) = _upsample[^1];
                _upsample[^1] = (conv, SubPixelFusion.Slope(slope));
                _output = new(SubPixelFusion.Weight(_output.Weight), SubPixelFusion.Bias(_output.Bias), 2);
            }

            Tensor Keep(Tensor t) { _weights.Add(t.DetachFromDisposeScope()); return t; }
            Conv KeepConv(Conv c) => new(Keep(c.Weight), Keep(c.Bias), c.Padding);
            _input = KeepConv(_input);
            _inputSlope = Keep(_inputSlope);
            for (int i = 0; i < _blocks.Length; i++)
                _blocks[i] = (KeepConv(_blocks[i].Conv1), Keep(_blocks[i].Slope), KeepConv(_blocks[i].Conv2));
            _mid = KeepConv(_mid);
            if (_midSlope is not null) _midSlope = Keep(_midSlope);
            for (int k = 0; k < _upsample.Length; k++) _upsample[k] = (KeepConv(_upsample[k].Conv), Keep(_upsample[k].Slope));
            _output = KeepConv(_output);
        }
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
        var head = PRelu(Apply(_input, ChannelsLast.Of(lr)), _inputSlope);
        var x = head;
        foreach (var (conv1, slope, conv2) in _blocks)
        {
            using var y = Apply(conv1, x);
            using var a = PRelu(y, slope);
            var z = Apply(conv2, a).add_(x);
            if (!ReferenceEquals(x, head)) x.Dispose();
            x = z;
        }
        var body = Apply(_mid, x);
        if (!ReferenceEquals(x, head)) x.Dispose();
        if (_midSlope is not null) { var t = PRelu(body, _midSlope); body.Dispose(); body = t; }
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
        return (_o.Output switch
        {
            OutputActivation.Tanh => output.tanh_(),
            OutputActivation.TanhToUnit => output.tanh_().add_(1).div_(2),
            _ => output,
        }).MoveToOuterDisposeScope();
    }

    /// <summary>Upsampling stages and the output convolution on a band of the body's output.</summary>
    Tensor Tail(Tensor x)
    {
        for (int k = 0; k < _upsample.Length; k++)
        {
            var (conv, slope) = _upsample[k];
            Tensor next;
            if (_o.Upsampling == UpsamplingType.SubPixel)
            {
                using var c = Apply(conv, x);
                if (_fusedOutput && k == _upsample.Length - 1) next = PRelu(c, slope); // PixelShuffle comes after the fused output conv
                else { using var up = ChannelsLast.Of(functional.pixel_shuffle(c, 2)); next = PRelu(up, slope); }
            }
            else if (_o.Upsampling == UpsamplingType.NearestConv)
            {
                using var up = ChannelsLast.Of(functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest));
                using var c = Apply(conv, up);
                next = PRelu(c, slope);
            }
            else
            {
                using var c = functional.conv_transpose2d(x, conv.Weight, conv.Bias, strides: [2, 2], padding: [1, 1]);
                next = PRelu(c, slope);
            }
            if (k > 0) x.Dispose();
            x = next;
        }
        var y = Apply(_output, x);
        x.Dispose();
        return _fusedOutput ? functional.pixel_shuffle(y, 2) : y;
    }

    Tensor Apply(Conv conv, Tensor x)
    {
        if (_o.Padding == ConvPadding.Reflect && conv.Padding > 0)
        {
            using var padded = functional.pad(x, [conv.Padding, conv.Padding, conv.Padding, conv.Padding], PaddingModes.Reflect);
            return functional.conv2d(padded, conv.Weight, conv.Bias);
        }
        return functional.conv2d(x, conv.Weight, conv.Bias, padding: [conv.Padding, conv.Padding]);
    }

    static Tensor PRelu(Tensor x, Tensor slope) => functional.prelu(x, slope);

    /// <summary>LR rows either side of a band whose outputs the band's edge could affect: one per x2 stage
    /// (a 3x3 convolution at no more than that stage's output resolution) plus the output convolution's
    /// 4 full-resolution pixels, rounded up, plus one to spare.</summary>
    long Halo() => _upsample.Length + (long)Math.Ceiling(4.0 / _o.Scale) + 1;

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
    }
}
