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
    /// <summary>A snapshot of <paramref name="model"/>'s current weights, run by <paramref name="engine"/>.</summary>
    public static IUpscaleNetwork Open(SRResNet model, InferenceEngine engine) => engine switch
    {
        InferenceEngine.OnnxRuntime => OnnxUpscaleSession.From(model),
        _ => new TorchUpscaleNetwork(model),
    };
}
