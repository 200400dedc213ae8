using System.Runtime.InteropServices;

namespace SrganWorkbench;

/// <summary>
/// Which processor this is and which kernels libtorch picked for it: what a number's provenance needs once
/// results depend on the CPU (see <see cref="NumericsCheck"/>).
/// </summary>
public static class CpuInfo
{
    static readonly Lazy<string> _model = new(ReadModel);
    static readonly Lazy<string> _capability = new(ReadTorchCapability);

    /// <summary>The processor as /proc/cpuinfo names it, with its family and model ("AMD EPYC (family 26, model 2: Zen 5)"),
    /// else the architecture .NET reports.</summary>
    public static string Model => _model.Value;

    /// <summary>libtorch's ATen CPU capability (DEFAULT, AVX2 or AVX512 on x86-64: the vector kernels it dispatches to;
    /// ATEN_CPU_CAPABILITY lowers it), or "unknown" where it cannot be read.</summary>
    public static string TorchCapability => _capability.Value;

    static string ReadModel()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return RuntimeInformation.ProcessArchitecture.ToString();
        string? Field(string[] lines, string name) => lines
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && l.IndexOf(':') > 0 && l[..l.IndexOf(':')].Trim() == name)
            .Select(l => l[(l.IndexOf(':') + 1)..].Trim()).FirstOrDefault();
        try
        {
            var lines = File.ReadLines(path).TakeWhile(l => l.Length > 0).ToArray(); // the first processor's block
            string name = Field(lines, "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
            string? family = Field(lines, "cpu family"), model = Field(lines, "model"), vendor = Field(lines, "vendor_id");
            if (family is null || model is null) return name;
            // AMD's family 26 (0x1A) is Zen 5, the core on which libtorch 2.10's NCHW convolutions were found wrong.
            string core = vendor == "AuthenticAMD" && family == "26" ? ": Zen 5" : "";
            return $"{name} (family {family}, model {model}{core})";
        }
        catch (IOException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
    }

    // at::get_cpu_capability() returns a std::string; libtorch exports no C form of it. On x86-64 Linux (the System V ABI,
    // libstdc++'s string: pointer, length, 16-byte local buffer) the caller passes the 32 bytes for the result.
    static string ReadTorchCapability()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return "unknown";
        try
        {
            TorchSharp.torch.get_num_threads(); // loads libtorch
            if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var library) ||
                !NativeLibrary.TryGetExport(library, "_ZN2at18get_cpu_capabilityB5cxx11Ev", out var function))
                return "unknown";
            unsafe
            {
                var result = stackalloc byte[32];
                ((delegate* unmanaged<byte*, byte*>)function)(result);
                byte* text = *(byte**)result;
                long length = *(long*)(result + 8);
                // Short strings sit in the local buffer; a longer one (never seen) would be on the heap and is left there.
                return length is > 0 and < 64 ? System.Text.Encoding.ASCII.GetString(text, (int)length) : "unknown";
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException) { return "unknown"; }
    }
}
