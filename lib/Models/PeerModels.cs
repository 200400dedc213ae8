using System.Text.RegularExpressions;
using SrganWorkbench.Data;
using SrganWorkbench.Weights;

namespace SrganWorkbench.Models;

/// <summary>
/// Other people's pretrained generators, loaded through <see cref="SRResNet"/> with options and a
/// key map, so tables can show them beside this workspace's models.
/// </summary>
public static partial class PeerModels
{
    /// <summary>
    /// leftthomas/SRGAN's 4x generator (netG_epoch_4_100): 5 residual blocks, conv + PReLU after
    /// them, (tanh + 1)/2 output; trained on VOC2012 (see its SOURCE.txt). Not the paper's network.
    /// </summary>
    public static GeneratorOptions LeftThomasOptions { get; } = new()
    {
        Blocks = 5,
        Mid = MidLayer.ConvPRelu,
        Output = OutputActivation.TanhToUnit,
    };

    /// <summary>Maps leftthomas/SRGAN's module names onto ours (block1 -> conv_input/prelu_input, ...).</summary>
    public static string LeftThomasKey(string key)
    {
        var m = PeerKey().Match(key);
        if (!m.Success) return key;
        int block = int.Parse(m.Groups[1].Value);
        string rest = m.Groups[2].Value;
        return block switch
        {
            1 => rest.StartsWith("0.") ? "conv_input" + rest[1..] : "prelu_input" + rest[1..],
            >= 2 and <= 6 => $"blocks.{block - 2}.{rest}",
            7 => rest.StartsWith("0.") ? "conv_mid" + rest[1..] : "prelu_mid" + rest[1..],
            8 when rest.StartsWith("2.") => "conv_output" + rest[1..],
            8 => "upsample." + rest,
            _ => key,
        };
    }

    /// <summary>The peer's weights as the shared folder holds them, under the weights root.</summary>
    public static string LeftThomasDefaultWeightsPath() =>
        Path.Combine(DataRoot.ResolveWeights(), "leftthomas-srgan-x4", "netG_epoch_4_100.safetensors");

    /// <summary>The peer generator with its weights from a safetensors file, in eval mode.</summary>
    public static SRResNet LoadLeftThomas(string safetensorsPath)
    {
        var model = new SRResNet(LeftThomasOptions);
        var contents = SafeTensors.Read(safetensorsPath);
        StateDict.Load(model, contents.Tensors, safetensorsPath, LeftThomasKey);
        foreach (var t in contents.Tensors.Values) t.Dispose();
        model.eval();
        return model;
    }

    /// <summary>
    /// The TensorLayer SRGAN generator (tensorlayer/srgan, as ColorfulSoft's C# app distributes it; see its SOURCE.txt):
    /// 3x3 input conv + ReLU; 16 residual blocks of bias-free convs with batch norm (eps 1e-5) and ReLU; bias-free
    /// conv_mid + BN + the long skip; two stages of conv to 256 maps + PixelShuffle(2) + ReLU; 1x1 output conv, tanh.
    /// Input and output in [-1,1]; trained on DIV2K. Not the paper's network. Its file's keys are ours one to one,
    /// and its sub-pixel channels are already in torch's PixelShuffle order.
    /// </summary>
    public static GeneratorOptions TensorLayerOptions { get; } = new()
    {
        Activation = Activation.Relu,
        InputKernel = 3,
        OutputKernel = 1,
        BodyConvBias = false,
        Input = InputRange.Signed,
        Output = OutputActivation.Tanh,
    };

    /// <summary>The TensorLayer peer's weights as the shared folder holds them, under the weights root.</summary>
    public static string TensorLayerDefaultWeightsPath() =>
        Path.Combine(DataRoot.ResolveWeights(), "tensorlayer-srgan-x4", "tensorlayer_srgan_g_x4.safetensors");

    /// <summary>
    /// The TensorLayer peer generator with its weights from a safetensors file, in eval mode.
    /// Colour order: RGB in and out (no channel swap), as TensorLayer trained it, not the B,G,R that ColorfulSoft's app
    /// feeds. Decided by measurement (results/peer-tensorlayer/colour_order.py; MATLAB LR, 8-bit output, 4 px border),
    /// mean PSNR fed RGB vs fed BGR: Set5 Y 28.14 vs 28.28 dB, RGB 26.38 vs 26.13; Set14 Y 25.96 vs 25.87, RGB 24.26
    /// vs 23.88 (RGB higher on Y for 12 of the 19 images). Y barely tells (swapping R and B moves mostly chroma);
    /// RGB PSNR, which sees colour, prefers RGB on both sets.
    /// </summary>
    public static SRResNet LoadTensorLayer(string safetensorsPath)
    {
        var model = new SRResNet(TensorLayerOptions);
        var contents = SafeTensors.Read(safetensorsPath);
        StateDict.Load(model, contents.Tensors, safetensorsPath);
        foreach (var t in contents.Tensors.Values) t.Dispose();
        model.eval();
        return model;
    }

    [GeneratedRegex(@"^block(\d+)\.(.+)$")]
    private static partial Regex PeerKey();
}
