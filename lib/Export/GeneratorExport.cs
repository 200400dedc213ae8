using Google.Protobuf;
using Onnx;
using SrganWorkbench.Models;
using TorchSharp.Modules;
using static SrganWorkbench.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace SrganWorkbench.Export;

/// <summary>What the exported file says about itself (ModelProto's doc_string and metadata_props).</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The graph's name, e.g. the run's method name (srgan-vgg22-cpu).</summary>
    public string Name { get; init; } = "srgan-generator";
    /// <summary>Where the weights came from, in words (a run folder, a peer's file); kept in the file.</summary>
    public string Source { get; init; } = "";
}

/// <summary>
/// Writes an <see cref="SRResNet"/> (any <see cref="GeneratorOptions"/>: the paper's, the peers', the ablations') as an
/// ONNX model, by hand: TorchSharp has no ONNX exporter, and the generator is a short chain of standard operators.
/// <para>
/// The graph computes what <see cref="Inference.ModelUpscaler"/> computes between an image and its rounding, so
/// ONNX Runtime (or onnxruntime-web) gives the workspace's own output: input <c>lr</c>, RGB [N, 3, H, W] in [0,1];
/// the network's input mapping (<see cref="InputRanges.FromUnit"/>: x*2-1 for TensorLayer's [-1,1]); the network in
/// eval mode, every batch norm folded into the convolution before it with its running statistics (as
/// <see cref="Inference.InferenceGenerator"/> folds them: W g/sqrt(var+eps), (b-mean) g/sqrt(var+eps) + beta); the output
/// activation; the output mapping to [0,1] ((y+1)/2, except (tanh+1)/2 which is already there); output <c>sr</c>
/// [N, 3, 4H, 4W]. The output is not clamped: ModelUpscaler blends overlapping tiles before it clamps and rounds
/// (<see cref="Imaging.ImageTensor.ToSample"/>), so a consumer clamps to [0,1] and rounds, as it does. N, H and W are
/// symbolic, so one file takes any image size.
/// </para>
/// <para>
/// Operators: Conv (zero padding as its pads; reflection padding as a Pad node, mode reflect, before it), PRelu
/// (a per-layer slope as shape [1], per-channel as [C,1,1], so both broadcast over NCHW) or Relu, Add (the skips),
/// DepthToSpace with mode CRD (PyTorch's PixelShuffle channel order; the default DCR is TensorFlow's and would mix the
/// sub-pixel channels), Resize nearest (asymmetric, floor: PyTorch's nearest) or ConvTranspose for the ablations'
/// upsamplings, Tanh, Mul/Sub/Add/Div by constants. All exist unchanged since opset 13; <see cref="Opset"/> is 17
/// (IR version 8), which ONNX Runtime 1.32 and onnxruntime-web 1.30 both run.
/// </para>
/// </summary>
public static class GeneratorExport
{
    /// <summary>The ONNX operator set the graph is written in (stated in the file's opset_import).</summary>
    public const int Opset = 17;
    /// <summary>The ONNX IR version that goes with opset 17.</summary>
    public const long IrVersion = 8;
    /// <summary>BatchNorm2d's default epsilon, which every SRResNet batch norm uses (as InferenceGenerator folds it).</summary>
    const double BatchNormEps = 1e-5;

    /// <summary>The model as an ONNX ModelProto.</summary>
    public static ModelProto Build(SRResNet model, OnnxExportOptions options)
    {
        var o = model.Options;
        var g = new OnnxGraphBuilder(options.Name);
        using var _ = no_grad();
        using var scope = NewDisposeScope();

        string x = g.Input("lr", 3, "batch", "height", "width");
        if (o.Input == InputRange.Signed) // InputRanges.FromUnit: unit.mul(2).sub(1)
            x = g.Node("Sub", [g.Node("Mul", [x, g.Scalar(2, "two")]), g.Scalar(1, "one")]);

        string head = Activation(g, model.InputActivation, Conv(g, o, model.ConvInput, null, x, "conv_input"), "prelu_input");
        x = head;
        for (int i = 0; i < model.Blocks.Count; i++)
        {
            var b = model.Blocks[i];
            var y = Activation(g, b.Activation, Conv(g, o, b.Conv1, b.Bn1, x, $"blocks.{i}.conv1"), $"blocks.{i}.prelu");
            x = g.Node("Add", [Conv(g, o, b.Conv2, b.Bn2, y, $"blocks.{i}.conv2"), x]);
        }
        x = Conv(g, o, model.ConvMid, model.BnMid, x, "conv_mid");
        if (model.MidActivation is { } mid) x = Activation(g, mid, x, "prelu_mid");
        x = g.Node("Add", [x, head]); // the long skip

        for (int k = 0; k < model.Upsample.Count; k++)
            x = Activation(g, model.Upsample[k].Activation, Enlarge(g, o, model.Upsample[k], x, $"upsample.{k}"), $"upsample.{k}.prelu");
        x = Conv(g, o, model.ConvOutput, null, x, "conv_output");

        // SRResNet.Activate, then ModelUpscaler.Run's mapping to [0,1], in the same operations (add 1, divide by 2).
        if (o.Output != OutputActivation.Identity) x = g.Node("Tanh", [x]);
        x = g.Node("Div", [g.Node("Add", [x, g.Scalar(1, "one")]), g.Scalar(2, "two")]);
        g.Output(x, "sr", 3, "batch", $"height_x{o.Scale}", $"width_x{o.Scale}");

        g.Graph.DocString = $"{options.Name}: {o.Scale}x super-resolution. Input lr: RGB [N,3,H,W] in [0,1]. Output sr: RGB " +
            $"[N,3,{o.Scale}H,{o.Scale}W] in [0,1], not clamped (clamp to [0,1], then round). Batch norm folded (eval mode).";
        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "SRGAN Workbench (lib/Export/GeneratorExport.cs)",
            ProducerVersion = "1",
            Graph = g.Graph,
            DocString = options.Source,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in new[] { ("scale", o.Scale.ToString()), ("source", options.Source), ("opset", Opset.ToString()) })
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return proto;
    }

    /// <summary>The serialised model (what an .onnx file holds).</summary>
    public static byte[] ToBytes(SRResNet model, OnnxExportOptions options) => Build(model, options).ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/> atomically (a temporary file renamed when complete).</summary>
    public static void Write(SRResNet model, string path, OnnxExportOptions options) =>
        AtomicFile.WriteAllBytes(path, ToBytes(model, options));

    /// <summary>A stride-1 "same" convolution with the batch norm after it (if any) folded in. A convolution without
    /// bias (TensorLayer's body) folds as if its bias were zero.</summary>
    static string Conv(OnnxGraphBuilder g, GeneratorOptions o, Conv2d conv, BatchNorm2d? bn, string x, string name)
    {
        var w = conv.weight!.detach();
        var b = conv.bias?.detach() ?? zeros(w.shape[0], dtype: w.dtype, device: w.device);
        if (bn is not null) // the same float32 operations as InferenceGenerator.Fold, so both engines hold the same weights
        {
            var scale = bn.weight!.detach().div(bn.running_var!.add(BatchNormEps).sqrt());
            w = w.mul(scale.view(-1, 1, 1, 1));
            b = b.sub(bn.running_mean!).mul(scale).add(bn.bias!.detach());
        }
        long k = w.shape[2], p = k / 2;
        if (o.Padding == ConvPadding.Reflect && p > 0)
        {
            x = g.Node("Pad", [x, g.Int64s([0, 0, p, p, 0, 0, p, p], name + ".pads")], [Text("mode", "reflect")]);
            p = 0;
        }
        return g.Node("Conv", [x, g.Weight(w, name + ".weight"), g.Weight(b, name + ".bias")],
            [Ints("kernel_shape", k, k), Ints("pads", p, p, p, p), Ints("strides", 1, 1)]);
    }

    /// <summary>PReLU (its slopes shaped to broadcast over NCHW) or ReLU (<see cref="Layers.Slope"/> is null).</summary>
    static string Activation(OnnxGraphBuilder g, TorchSharp.torch.nn.Module<Tensor, Tensor> activation, string x, string name)
    {
        if (Layers.Slope(activation) is not { } slope) return g.Node("Relu", [x]);
        var shaped = slope.numel() == 1 ? slope.reshape(1) : slope.reshape(-1, 1, 1);
        return g.Node("PRelu", [x, g.Weight(shaped, name + ".weight")]);
    }

    /// <summary><see cref="UpsampleBlock.Enlarge"/>: twice the resolution, before the activation.</summary>
    static string Enlarge(OnnxGraphBuilder g, GeneratorOptions o, UpsampleBlock stage, string x, string name)
    {
        switch (stage.Type)
        {
            case UpsamplingType.SubPixel: // conv to 4C maps, then PixelShuffle(2) = DepthToSpace CRD
                return g.Node("DepthToSpace", [Conv(g, o, (Conv2d)stage.Conv, null, x, name + ".conv")], [Int("blocksize", 2), Text("mode", "CRD")]);
            case UpsamplingType.NearestConv: // F.interpolate(scale_factor 2, nearest): output pixel i reads input floor(i/2)
                var resized = g.Node("Resize", [x, "", g.Weight([1f, 1f, 2f, 2f], [4], name + ".scales")],
                    [Text("mode", "nearest"), Text("coordinate_transformation_mode", "asymmetric"), Text("nearest_mode", "floor")]);
                return Conv(g, o, (Conv2d)stage.Conv, null, resized, name + ".conv");
            default: // a 4x4 transposed convolution, stride 2, padding 1 (weight [in, out, 4, 4] in both PyTorch and ONNX)
                var t = (ConvTranspose2d)stage.Conv;
                return g.Node("ConvTranspose", [x, g.Weight(t.weight!, name + ".conv.weight"), g.Weight(t.bias!, name + ".conv.bias")],
                    [Ints("kernel_shape", 4, 4), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1)]);
        }
    }
}
