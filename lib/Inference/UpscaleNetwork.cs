using SrganWorkbench.Models;
using static TorchSharp.torch;

namespace SrganWorkbench.Inference;

/// <summary>Which library runs the generator's forward pass (<c>--engine</c>).</summary>
public enum InferenceEngine
{
    /// <summary>TorchSharp/libtorch through <see cref="InferenceGenerator"/> (the workspace's own).</summary>
    Torch,
    /// <summary>ONNX Runtime (CPU) on the graph <see cref="Export.GeneratorExport"/> writes (<see cref="OnnxUpscaleSession"/>).</summary>
    OnnxRuntime,
}

/// <summary>
/// The seam between <see cref="ModelUpscaler"/>'s image handling (tiles, blending, rounding, grey, alpha, bands) and
/// the network: LR [N, 3, h, w] in [0,1] to SR [N, 3, sh, sw] in [0,1], not yet clamped. Each engine implements it,
/// so tiling and everything around it is one code path whichever computes the convolutions.
/// </summary>
public interface IUpscaleNetwork : IDisposable
{
    /// <summary>The SR image of <paramref name="lr"/> (a new tensor, on lr's device, in the caller's dispose scope).</summary>
    Tensor Run(Tensor lr);
}

/// <summary>The network as the workspace runs it: a snapshot of the model as an <see cref="InferenceGenerator"/>, with the
/// network's input and output ranges mapped to and from [0,1].</summary>
public sealed class TorchUpscaleNetwork(SRResNet model) : IUpscaleNetwork
{
    readonly InferenceGenerator _generator = InferenceGenerator.From(model);

    /// <summary>The ranges are the network's conventions, so they are mapped here, at the boundary between images and
    /// the network, and not in its forward: in, [0,1] as is (the paper's) or x*2-1 (TensorLayer's [-1,1]); out, the
    /// paper's linear output and tanh, both trained against HR in [-1,1], by (y+1)/2, and (tanh+1)/2 as is.</summary>
    public Tensor Run(Tensor lr)
    {
        var input = model.Options.Input.FromUnit(lr); // freed by the caller's dispose scope
        var y = _generator.Forward(input);
        return model.Options.Output == OutputActivation.TanhToUnit ? y : y.add_(1).div_(2);
    }

    public void Dispose() => _generator.Dispose();
}

public static class UpscaleNetworks
{
    /// <summary>The networks a <see cref="ModelUpscaler"/> runs, one per upscale: torch's is a fresh snapshot each
    /// time (it costs a copy of the weights); ONNX Runtime's is kept while the model's weights stay the same, because
    /// exporting the graph and building a session take seconds, more than a test image's convolutions.</summary>
    internal sealed class Source(SRResNet model, InferenceEngine engine)
    {
        OnnxUpscaleSession? _session;
        int _weights;

        /// <summary>ONNX Runtime sessions built so far (tests: one per set of weights, not one per image).</summary>
        public int SessionsBuilt { get; private set; }

        public IUpscaleNetwork Open()
        {
            if (engine != InferenceEngine.OnnxRuntime) return UpscaleNetworks.Open(model, engine);
            int weights = Fingerprint(model);
            if (_session == null || weights != _weights)
            {
                _session?.Dispose();
                (_session, _weights) = (OnnxUpscaleSession.From(model), weights);
                SessionsBuilt++;
            }
            return new Kept(_session);
        }

        /// <summary>A hash of every weight and buffer (a few MB to read: milliseconds), so that a model trained between
        /// two upscales gets a new session rather than the old weights.</summary>
        static int Fingerprint(SRResNet model)
        {
            var hash = new HashCode();
            foreach (var (name, tensor) in model.state_dict())
            {
                hash.Add(name);
                using var cpu = tensor.detach().cpu().contiguous();
                if (cpu.dtype == ScalarType.Float32) hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()));
                else hash.Add(cpu.ToString(TorchSharp.TensorStringStyle.Numpy));
            }
            return hash.ToHashCode();
        }
    }

    /// <summary>The kept session, lent for one upscale: disposing the loan leaves the session open.</summary>
    sealed class Kept(IUpscaleNetwork network) : IUpscaleNetwork
    {
        public Tensor Run(Tensor lr) => network.Run(lr);
        public void Dispose() { }
    }

    /// <summary>A snapshot of <paramref name="model"/>'s current weights, run by <paramref name="engine"/>.</summary>
    public static IUpscaleNetwork Open(SRResNet model, InferenceEngine engine) => engine switch
    {
        InferenceEngine.OnnxRuntime => OnnxUpscaleSession.From(model),
        _ => new TorchUpscaleNetwork(model),
    };
}
