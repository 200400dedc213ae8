using System.Collections;
using System.Runtime.InteropServices;
using System.Text;

namespace SrganWorkbench.Speed;

/// <summary>
/// Which malloc serves libtorch's CPU tensors, and the switch to a caching one.
///
/// Why: libtorch takes every CPU tensor from malloc and gives it back when it is freed. glibc's malloc serves a block
/// above 32 MB (its largest mmap threshold) with a fresh mmap and unmaps it on free, so each such tensor costs a page
/// fault per 4 KB page, every step. A 16 x 64 x 96 x 96 activation (the discriminator's and VGG's first layers, the
/// generator's last) is 37.7 MB; one SRGAN step faults in ~1.2 GB this way (~300,000 minor faults). gperftools'
/// tcmalloc keeps freed pages and hands them out again: on this 2-core machine the SRGAN step 2.14 s -> 1.71 s, the
/// SRResNet step 0.64 -> 0.51 s, inference 0.67 -> 0.99 MP/s (results/bench/speed.md, run 16), at higher memory peaks
/// (freed memory stays with the process). It changes no number a step computes.
///
/// A process's malloc is fixed when it starts (LD_PRELOAD), so <see cref="UseIfInstalled"/>, called first thing by
/// the executables (srgan, the kernel, the benchmark), replaces the process with itself (execve: the same pid,
/// arguments, standard streams and signals) with tcmalloc preloaded, when Debian's libtcmalloc-minimal4 is installed
/// and it is not loaded yet. Intel's PyTorch launcher does the same with LD_PRELOAD. <c>SRGAN_ALLOCATOR=system</c>
/// keeps glibc's malloc; <c>srgan device</c> says which one runs.
/// </summary>
public static class CachingAllocator
{
    /// <summary>"system" keeps glibc's malloc; unset or "tcmalloc" uses tcmalloc when it is installed.</summary>
    public const string EnvironmentVariable = "SRGAN_ALLOCATOR";

    /// <summary>Set in the replaced process, so that a preload that did not take cannot loop; it holds the LD_PRELOAD
    /// the process started with, which the replaced process gives back to the processes it starts (python, Chromium).</summary>
    const string Restarted = "SRGAN_ALLOCATOR_RESTARTED_FROM";

    /// <summary>Where Debian (libtcmalloc-minimal4) and other distributions install tcmalloc.</summary>
    static readonly string[] Candidates =
    [
        "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4",
        "/usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4",
        "/usr/lib64/libtcmalloc_minimal.so.4",
        "/usr/lib/libtcmalloc_minimal.so.4",
    ];

    /// <summary>The installed tcmalloc, or null.</summary>
    public static string? Library => OperatingSystem.IsLinux() ? Candidates.FirstOrDefault(File.Exists) : null;

    /// <summary>Whether tcmalloc is loaded in this process (from /proc/self/maps).</summary>
    public static bool InUse =>
        OperatingSystem.IsLinux() && File.ReadLines("/proc/self/maps").Any(line => line.Contains("libtcmalloc"));

    /// <summary>Whether the user asked for glibc's malloc.</summary>
    public static bool SystemRequested =>
        string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), "system", StringComparison.OrdinalIgnoreCase);

    /// <summary>One line for <c>srgan device</c> and the benchmark: which malloc serves tensors, and why.</summary>
    public static string Describe()
    {
        if (InUse) return "allocator: tcmalloc (gperftools, preloaded: freed tensor memory is reused instead of unmapped)";
        if (SystemRequested) return $"allocator: glibc malloc ({EnvironmentVariable}=system)";
        if (!OperatingSystem.IsLinux()) return "allocator: the system's malloc";
        return Library is null
            ? "allocator: glibc malloc (install libtcmalloc-minimal4 for ~1.25x faster training steps: each large tensor is then not page-faulted anew)"
            : "allocator: glibc malloc (tcmalloc is installed but did not load in this process)";
    }

    /// <summary>
    /// Replaces this process with itself under tcmalloc when that is installed, not loaded, and not declined; returns
    /// (and the process goes on as it is) otherwise or if execve fails. Call it before any work: nothing of this process's
    /// state survives the replacement.
    /// </summary>
    public static void UseIfInstalled()
    {
        if (Environment.GetEnvironmentVariable(Restarted) is { } original)
        {
            // The replaced process: children get the environment this process started with (the preload is this
            // process's choice, not theirs: the PyTorch reference is measured with its own malloc).
            Environment.SetEnvironmentVariable("LD_PRELOAD", original.Length <= 1 ? null : original[1..]);
            Environment.SetEnvironmentVariable(Restarted, null);
            return;
        }
        if (!OperatingSystem.IsLinux() || SystemRequested) return;
        if (Library is not { } library || InUse) return;
        string[] argv = Arguments();
        if (argv.Length == 0) return;
        var environment = new List<string>();
        string? preload = null;
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            string key = (string)e.Key;
            if (key == "LD_PRELOAD") preload = (string?)e.Value;
            else environment.Add($"{key}={e.Value}");
        }
        environment.Add($"LD_PRELOAD={(string.IsNullOrEmpty(preload) ? library : $"{library}:{preload}")}");
        environment.Add($"{Restarted}=+{preload}"); // "+" first: an empty value may read as unset
        Console.Out.Flush();
        Console.Error.Flush();
        // Only returns on failure (the process image stays glibc's); then go on without tcmalloc.
        Execve("/proc/self/exe", [.. argv, null], [.. environment, null]);
    }

    /// <summary>This process's exact argv (the host, e.g. dotnet, and its arguments), from /proc/self/cmdline.</summary>
    static string[] Arguments()
    {
        byte[] raw = File.ReadAllBytes("/proc/self/cmdline");
        if (raw.Length == 0) return [];
        string text = Encoding.UTF8.GetString(raw, 0, raw[^1] == 0 ? raw.Length - 1 : raw.Length);
        return text.Split('\0');
    }

    [DllImport("libc", EntryPoint = "execve", SetLastError = true)]
    static extern int Execve(string path, string?[] argv, string?[] envp);
}
