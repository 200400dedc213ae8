using Microsoft.ML.OnnxRuntime;
using SrganWorkbench.Export;
using SrganWorkbench.Models;
using static TorchSharp.torch;

namespace SrganWorkbench.Inference;

/// <summary>
/// ONNX Runtime (CPU execution provider) running an exported generator (<see cref="GeneratorExport"/>): the second
/// engine behind <see cref="IUpscaleNetwork"/>. The graph already maps [0,1] in and out, so <see cref="Run"/> only
/// copies the tensor's floats to ONNX Runtime and back (a few MB; the convolutions cost seconds).
/// </summary>
public sealed class OnnxUpscaleSession : IUpscaleNetwork
{
    readonly InferenceSession _session;
    readonly RunOptions _run = new();

    OnnxUpscaleSession(InferenceSession session) => _session = session;

    /// <summary>ONNX Runtime with as many intra-op threads as libtorch uses here, so the two engines are compared on the
    /// same cores (its default would be one thread per physical core, which may differ from torch's setting).</summary>
    static SessionOptions Options()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = get_num_threads() };
        return options;
    }

    /// <summary>A session on <paramref name="model"/>'s current weights, exported in memory (nothing written to disk).</summary>
    public static OnnxUpscaleSession From(SRResNet model) => From(GeneratorExport.ToBytes(model, new OnnxExportOptions()));

    /// <summary>A session on a serialised ONNX model (the bytes of an exported .onnx file).</summary>
    public static OnnxUpscaleSession From(byte[] onnx)
    {
        using var options = Options();
        return new(new InferenceSession(onnx, options));
    }

    /// <summary>A session on an exported .onnx file.</summary>
    public static OnnxUpscaleSession Open(string path)
    {
        using var options = Options();
        return new(new InferenceSession(path, options));
    }

    /// <summary>The graph's output for <paramref name="lr"/> [N, 3, h, w] in [0,1]: [N, 3, sh, sw] in [0,1], unclamped.</summary>
    public Tensor Run(Tensor lr)
    {
        if (lr.dim() != 4 || lr.shape[1] != 3) throw new ArgumentException($"expected LR images [N, 3, h, w], got [{string.Join(", ", lr.shape)}]");
        float[] input;
        using (var cpu = lr.detach().to(float32).cpu().contiguous()) input = cpu.data<float>().ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(input, lr.shape);
        using var outputs = _session.Run(_run, ["lr"], [value], ["sr"]);
        var output = outputs[0];
        long[] shape = output.GetTensorTypeAndShape().Shape;
        var sr = output.GetTensorDataAsSpan<float>().ToArray();
        return tensor(sr, shape, device: lr.device);
    }

    /// <summary>A whole image as float planes: for the tests and the benchmark, which compare engines without torch.</summary>
    public float[] RunPlanes(float[] lr, long[] shape, out long[] outputShape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(lr, shape);
        using var outputs = _session.Run(_run, ["lr"], [value], ["sr"]);
        outputShape = outputs[0].GetTensorTypeAndShape().Shape;
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
    }
}
