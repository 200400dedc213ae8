using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench;

/// <summary>
/// Chooses where tensors live: CUDA when a GPU and a CUDA build of TorchSharp are present, else
/// the CPU; and says which, once, so every log and notebook shows what produced its numbers.
/// </summary>
public static class TorchRuntime
{
    static Device? _default;
    static readonly object Gate = new();

    /// <summary>"auto" (CUDA if available, else CPU), "cpu", or "cuda[:N]".</summary>
    public static Device SelectDevice(string preference = "auto", Action<string>? log = null)
    {
        log ??= Console.Error.WriteLine;
        Device device;
        switch (preference.Trim().ToLowerInvariant())
        {
            case "auto":
                device = cuda.is_available() ? CUDA : CPU;
                break;
            case "cpu":
                device = CPU;
                break;
            case var p when p.StartsWith("cuda", StringComparison.Ordinal):
                if (!cuda.is_available())
                    throw new InvalidOperationException(
                        $"Device '{preference}' was requested but CUDA is not available (no GPU, or this build uses TorchSharp-cpu; build with -p:TorchBackend=cuda).");
                device = new Device(p);
                break;
            default:
                throw new ArgumentException($"Unknown device '{preference}': expected auto, cpu or cuda[:N].");
        }
        log(Describe(device));
        return device;
    }

    /// <summary>The device chosen by "auto", selected and logged once per process.</summary>
    public static Device Default
    {
        get
        {
            lock (Gate) return _default ??= SelectDevice("auto");
        }
    }

    public static string Describe(Device device) => device.type == DeviceType.CUDA
        ? $"torch device: CUDA ({cuda.device_count()} GPU(s)), libtorch {__version__}"
        : $"torch device: CPU, {get_num_threads()} threads, libtorch {__version__}";
}
