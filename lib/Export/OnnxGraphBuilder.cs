using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace SrganWorkbench.Export;

/// <summary>
/// Builds an ONNX graph one node at a time: names each value (<c>v0, v1, ...</c>) so a caller writes the network as a
/// chain of calls, and stores weights as float32 initializers (raw little-endian bytes, the form ONNX Runtime and
/// onnxruntime-web read without conversion). OnnxSharp supplies the ONNX protobuf types (onnx.proto, generated);
/// this class only fills them in.
/// </summary>
sealed class OnnxGraphBuilder
{
    readonly GraphProto _graph = new();
    int _values, _weights;

    public OnnxGraphBuilder(string name) => _graph.Name = name;

    public GraphProto Graph => _graph;

    /// <summary>A float32 input [N, C, H, W] whose N, H and W are symbolic (any size at run time).</summary>
    public string Input(string name, long channels, string batch, string height, string width)
    {
        _graph.Input.Add(ImageValue(name, channels, batch, height, width));
        return name;
    }

    /// <summary>Marks <paramref name="value"/> as the graph's output under <paramref name="name"/> (an Identity renames it).</summary>
    public void Output(string value, string name, long channels, string batch, string height, string width)
    {
        Node("Identity", [value], output: name);
        _graph.Output.Add(ImageValue(name, channels, batch, height, width));
    }

    static ValueInfoProto ImageValue(string name, long channels, string batch, string height, string width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = channels });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = height });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    /// <summary>A float32 initializer holding <paramref name="tensor"/>'s values in NCHW (row-major) order, whatever its
    /// memory layout (the workspace's weights are channels-last: contiguous() makes the row-major copy).</summary>
    public string Weight(Tensor tensor, string hint)
    {
        using var t = tensor.detach().cpu().to(float32).contiguous();
        var values = t.data<float>().ToArray();
        return Weight(values, t.shape, hint);
    }

    /// <summary>A float32 initializer of these values and dimensions.</summary>
    public string Weight(float[] values, long[] dims, string hint)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length); // .NET on x64/arm64 is little-endian, as raw_data must be
        string name = $"{hint}.{_weights++}";
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        proto.Dims.AddRange(dims);
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>An int64 initializer (Pad's pads, Resize's sizes).</summary>
    public string Int64s(long[] values, string hint)
    {
        var bytes = new byte[values.Length * sizeof(long)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        string name = $"{hint}.{_weights++}";
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(bytes) };
        proto.Dims.Add(values.Length);
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>A float scalar initializer (a constant operand of Add, Mul, Div).</summary>
    public string Scalar(float value, string hint) => Weight([value], [], hint);

    /// <summary>Adds a node of <paramref name="op"/> reading <paramref name="inputs"/> ("" for an omitted optional input)
    /// and returns the name of its one output.</summary>
    public string Node(string op, string[] inputs, IEnumerable<AttributeProto>? attributes = null, string? output = null)
    {
        output ??= $"v{_values++}";
        var node = new NodeProto { OpType = op, Name = $"{op}_{_graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        if (attributes != null) node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
