using System.Diagnostics;
using System.Text.Json.Nodes;
using SrganWorkbench.Build;

namespace SrganWorkbench.Kernel;

/// <summary>
/// <c>srgan-kernel dotnet-interactive setup</c>: makes the notebooks run on .NET Interactive's
/// <c>.net-csharp</c> Jupyter kernel as well as on ours. It
/// <list type="number">
/// <item>installs the tool Microsoft.dotnet-interactive <see cref="ToolVersion"/> when no dotnet-interactive is found
/// (a global tool in ~/.dotnet/tools, or into <c>--tool-path DIR</c>);</item>
/// <item>writes the <c>.net-csharp</c> kernelspec (what <c>dotnet interactive jupyter install</c> writes, but
/// starting the tool by its full path, so it works without ~/.dotnet/tools on the PATH);</item>
/// <item>patches the copies of TorchSharp's libLibTorchSharp.so that .NET Interactive loads, in the NuGet
/// packages folder (<c>#r "nuget: TorchSharp-cpu"</c> loads them from there): the same weak-version fix
/// as the build's (build/ElfWeakVersion.cs), only when the system's libstdc++ lacks GLIBCXX_3.4.32.</item>
/// </list>
/// Every step is idempotent: a second run installs nothing, rewrites the same kernelspec and patches nothing.
/// </summary>
public static class DotNetInteractiveSetup
{
    public const string ToolPackage = "Microsoft.dotnet-interactive";
    public const string ToolVersion = "1.0.712001";
    public const string KernelName = ".net-csharp";
    public const string GlibcxxVersion = "GLIBCXX_3.4.32";

    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        string? Value(string flag) => args.SkipWhile(a => a != flag).Skip(1).FirstOrDefault();
        if (args.FirstOrDefault() != "setup")
        {
            errors.WriteLine("usage: srgan-kernel dotnet-interactive setup [--tool-path DIR] [--dir KERNELS_DIR | --prefix DIR] [--packages NUGET_PACKAGES_DIR]");
            return 2;
        }
        string? tool = FindTool(Value("--tool-path"));
        if (tool == null)
        {
            tool = InstallTool(Value("--tool-path"), output, errors);
            if (tool == null) return 1;
        }
        else output.WriteLine($"dotnet-interactive: {tool} (already installed)");

        string spec = WriteKernelspec(tool, Value("--dir"), Value("--prefix"));
        output.WriteLine($"kernelspec '{KernelName}': {spec}");

        string packages = Value("--packages") ?? NuGetPackagesFolder();
        foreach (var (file, result) in PatchTorchSharp(packages))
            output.WriteLine($"{file}: {GlibcxxVersion} need {result}");
        return 0;
    }

    /// <summary>dotnet-interactive in the tool path, ~/.dotnet/tools or on the PATH; null when absent.</summary>
    public static string? FindTool(string? toolPath)
    {
        var folders = new List<string>();
        if (toolPath != null) folders.Add(Path.GetFullPath(toolPath));
        else
        {
            folders.Add(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools"));
            folders.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }
        string name = OperatingSystem.IsWindows() ? "dotnet-interactive.exe" : "dotnet-interactive";
        return folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
    }

    static string? InstallTool(string? toolPath, TextWriter output, TextWriter errors)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "tool", "install", ToolPackage, "--version", ToolVersion }) start.ArgumentList.Add(a);
        if (toolPath != null) { start.ArgumentList.Add("--tool-path"); start.ArgumentList.Add(Path.GetFullPath(toolPath)); }
        else start.ArgumentList.Add("--global");
        output.WriteLine($"installing {ToolPackage} {ToolVersion} ({(toolPath != null ? "into " + Path.GetFullPath(toolPath) : "global tool")}) ...");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            errors.WriteLine($"error: dotnet tool install {ToolPackage} {ToolVersion} failed:\n{stdout.Result}{stderr.Result}");
            return null;
        }
        string? tool = FindTool(toolPath);
        if (tool == null) errors.WriteLine("error: dotnet-interactive installed but not found where expected");
        else output.WriteLine($"dotnet-interactive: {tool} (installed)");
        return tool;
    }

    /// <summary>Writes KERNELS_DIR/.net-csharp/kernel.json (default: the user's Jupyter kernels folder, as for ours).</summary>
    public static string WriteKernelspec(string tool, string? kernelsDir = null, string? prefix = null) =>
        Kernelspec.Write(KernelName, kernelsDir, prefix, new JsonObject
        {
            ["argv"] = new JsonArray(Path.GetFullPath(tool), "jupyter", "--default-kernel", "csharp", "{connection_file}", "--http-port-range", "2048-3000"),
            ["display_name"] = ".NET (C#)",
            ["language"] = "C#",
            ["env"] = Kernelspec.DataEnvironment(),
            ["metadata"] = new JsonObject
            {
                ["vscode"] = new JsonObject { ["extension_id"] = "ms-dotnettools.dotnet-interactive-vscode", ["kernel_id"] = "dotnet-interactive" },
            },
        });

    /// <summary>$NUGET_PACKAGES, else ~/.nuget/packages: where .NET Interactive's restores put (and load) packages.</summary>
    public static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The TorchSharp version the workspace builds against (the notebooks' <c>#r "nuget: TorchSharp-cpu, ..."</c>).</summary>
    public static string TorchSharpVersion =>
        typeof(TorchSharp.torch).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.107.0";

    /// <summary>
    /// The libLibTorchSharp.so copies .NET Interactive loads: the package's runtimes/linux-x64/native one,
    /// and the one TorchSharp consolidates beside its assembly (lib/TFM/cpu) when it runs in an interactive
    /// host. Each is patched when the system's libstdc++ lacks the version; returns what happened to each.
    /// </summary>
    public static List<(string File, string Result)> PatchTorchSharp(string packagesFolder)
    {
        var results = new List<(string, string)>();
        string package = Path.Combine(packagesFolder, "torchsharp", TorchSharpVersion);
        if (!OperatingSystem.IsLinux()) return results;
        if (!Directory.Exists(package))
        {
            results.Add((package, "not restored yet (build the workspace first: dotnet build -c Release)"));
            return results;
        }
        var files = Directory.EnumerateFiles(package, "libLibTorchSharp.so", SearchOption.AllDirectories).Order().ToList();
        bool? systemHasIt = ElfWeakVersion.SystemLibStdCxxHasVersion(GlibcxxVersion);
        foreach (string file in files)
            results.Add((file, systemHasIt switch
            {
                null => "left as shipped (no system libstdc++.so.6 found)",
                true => "left as shipped (the system's libstdc++ defines it)",
                false => ElfWeakVersion.MakeWeak(file, GlibcxxVersion).ToString(),
            }));
        return results;
    }
}
