using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Speed;

/// <summary>
/// Channels-last (NHWC in memory, NCHW in shape) for the convolutional models. libtorch's oneDNN
/// convolutions take NHWC natively; with NCHW tensors every convolution reorders its input and
/// output. Measured here (2 cores, libtorch 2.10): a 64 -> 64 3x3 convolution on 128^2 runs at
/// 239 GFLOP/s channels-last against 122 NCHW, and the SRResNet training step drops from ~1.2 s to
/// ~0.85 s. Only the layout changes: shapes, values, state dicts and checkpoints stay the same
/// (SafeTensors writes contiguous NCHW; loading copies into the existing tensors).
///
/// It is also what makes the convolutions right on every CPU: on some (AMD Zen 5) libtorch 2.10 computes wrong
/// NCHW float32 convolutions whose channel counts are not a multiple of 16, and right channels-last ones
/// (<see cref="NumericsCheck"/>). So every network of the workspace (<c>SRResNet</c>, <c>Discriminator</c>,
/// <c>Vgg19Features</c>, <c>Lpips</c>) lays its weights out channels-last when it is built, which makes libtorch run
/// each of its convolutions channels-last whatever the input's layout.
///
/// TorchSharp has no memory_format argument, so the layout is made with a permute-contiguous-permute.
/// Set SRGAN_CHANNELS_LAST=0 to compare against NCHW (the benchmark's --nchw does); where the self-check finds NCHW
/// convolutions wrong, the request is refused and the models stay channels-last.
/// </summary>
public static class ChannelsLast
{
    /// <summary>Whether channels-last was asked for (default on; SRGAN_CHANNELS_LAST=0 or the benchmark's --nchw turn it off).</summary>
    public static bool Requested { get; set; } = Environment.GetEnvironmentVariable("SRGAN_CHANNELS_LAST") != "0";

    /// <summary>Whether models lay out their weights and activations channels-last: as <see cref="Requested"/>, and always where
    /// NCHW convolutions are wrong (the self-check runs only when NCHW is asked for).</summary>
    public static bool Enabled => Requested || NumericsCheck.Result.NchwWrong;

    /// <summary>True when a 4-D tensor is dense with the channels innermost. Dimensions of size 1 may have any stride, as
    /// for PyTorch's contiguity (a 1x1 kernel's weight, C_out x C_in x 1 x 1, is laid out both ways at once).</summary>
    public static bool Is(Tensor x)
    {
        if (x.dim() != 4) return false;
        long c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long[] expected = [c * h * w, 1, c * w, c]; // N, C, H, W strides of NHWC memory
        for (int d = 0; d < 4; d++)
            if (x.shape[d] > 1 && x.stride(d) != expected[d]) return false;
        return true;
    }

    /// <summary>The same values laid out channels-last (x itself when it already is, or when disabled, or not 4-D).</summary>
    public static Tensor Of(Tensor x) =>
        !Enabled || x.dim() != 4 || Is(x) ? x : Relaid(x);

    /// <summary>A 4-D tensor's values laid out channels-last whatever <see cref="Enabled"/> says (the numerics self-check
    /// tries both layouts everywhere).</summary>
    public static Tensor Relaid(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>Re-lays every 4-D parameter (convolution weight) of a module channels-last, in place.</summary>
    public static void Apply(nn.Module module)
    {
        if (!Enabled) return;
        using var _ = no_grad();
        using var scope = NewDisposeScope(); // the temporaries; each parameter keeps the new storage
        foreach (var p in module.parameters())
            if (p.dim() == 4 && !Is(p)) p.set_(Of(p));
    }
}
