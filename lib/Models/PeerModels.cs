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

    [GeneratedRegex(@"^block(\d+)\.(.+)$")]
    private static partial Regex PeerKey();
}
