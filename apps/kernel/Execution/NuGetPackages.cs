using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SrganWorkbench.Kernel.Execution;

/// <summary>A package asked for by <c>#r "nuget: Name, Version"</c>; a null version is the latest stable one on the feeds.</summary>
public sealed record PackageRequest(string Name, string? Version)
{
    public override string ToString() => Version == null ? Name : $"{Name} {Version}";
}

/// <summary>A package that a restore resolved (the version actually taken).</summary>
public sealed record ResolvedPackage(string Name, string Version);

/// <summary>What a cell's NuGet directives brought: the assemblies to reference (not referenced before) and the packages restored.</summary>
public sealed record PackageReferences(IReadOnlyList<string> Assemblies, IReadOnlyList<ResolvedPackage> Installed);

/// <summary>A restore that failed: the message names the packages and carries the feed's message.</summary>
public sealed class PackageRestoreException(string message, IReadOnlyList<string> details) : Exception(message)
{
    public IReadOnlyList<string> Details { get; } = details;
}

/// <summary>
/// <c>#r "nuget: Name[, Version]"</c> and <c>#i "nuget: source"</c> as .NET Interactive takes them. The
/// directives are taken out of the cell (blank lines keep its line numbers); the session's packages are
/// restored together by <c>dotnet restore</c> of a tiny generated net10.0 project (the machine's NuGet
/// configuration, plus the <c>#i</c> sources) in a cache folder named for the package list, so that
/// running the cell again costs nothing; the runtime assemblies of the package and its dependencies
/// (read from obj/project.assets.json, for this machine's runtime identifier) are referenced, and their
/// native libraries (runtimes/RID/native) are found when a DllImport asks for them. Assemblies that the
/// kernel already loads (the framework, TorchSharp, ...) are referenced from the kernel's own copy.
/// </summary>
public sealed partial class NuGetPackages
{
    readonly string _cacheRoot;
    readonly List<PackageRequest> _packages = [];
    readonly List<string> _sources = [];
    readonly HashSet<string> _referenced;

    static readonly List<string> NativeDirectories = [];
    static readonly HashSet<AssemblyLoadContext> Hooked = [];
    static readonly Dictionary<string, string> PlatformAssemblies = ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

    /// <param name="referenced">File names (without .dll) of the assemblies the cells already reference.</param>
    /// <param name="cacheRoot">Where the generated projects live; default: $SRGAN_KERNEL_NUGET_CACHE, else ~/.cache/srgan-kernel/nuget.</param>
    public NuGetPackages(IEnumerable<string> referenced, string? cacheRoot = null)
    {
        _referenced = new HashSet<string>(referenced, StringComparer.OrdinalIgnoreCase);
        _cacheRoot = cacheRoot ?? DefaultCacheRoot;
    }

    public static string DefaultCacheRoot =>
        Environment.GetEnvironmentVariable("SRGAN_KERNEL_NUGET_CACHE") is { Length: > 0 } configured ? configured
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "srgan-kernel", "nuget");

    /// <summary>Takes the <c>#r "nuget: ..."</c> and <c>#i "nuget: ..."</c> lines out of a cell (each becomes an empty line).</summary>
    public static (string Code, List<PackageRequest> Packages, List<string> Sources) Extract(string code)
    {
        var packages = new List<PackageRequest>();
        var sources = new List<string>();
        var lines = code.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var m = Directive().Match(lines[i]);
            if (!m.Success) continue;
            string argument = m.Groups[2].Value.Trim();
            if (m.Groups[1].Value == "i") sources.Add(argument);
            else
            {
                var parts = argument.Split(',', 2, StringSplitOptions.TrimEntries);
                string? version = parts.Length > 1 && parts[1].Length > 0 && parts[1] != "*" ? parts[1] : null;
                packages.Add(new PackageRequest(parts[0], version));
            }
            lines[i] = lines[i].EndsWith('\r') ? "\r" : "";
        }
        return (string.Join('\n', lines), packages, sources);
    }

    /// <summary>
    /// Adds packages and sources to the session and restores the session's packages together; returns the
    /// assemblies that were not referenced before. Throws <see cref="PackageRestoreException"/> when the
    /// restore fails (the session's package list is then as before).
    /// </summary>
    public async Task<PackageReferences> AddAsync(IReadOnlyList<PackageRequest> packages, IReadOnlyList<string> sources, CancellationToken cancel)
    {
        foreach (var s in sources)
            if (!_sources.Contains(s)) _sources.Add(s.Contains("://") || Path.IsPathRooted(s) ? s : Path.GetFullPath(s));
        var wanted = new List<PackageRequest>(_packages);
        foreach (var p in packages)
        {
            var earlier = wanted.FindIndex(w => string.Equals(w.Name, p.Name, StringComparison.OrdinalIgnoreCase));
            if (earlier < 0) { wanted.Add(p); continue; }
            if (p.Version == null || string.Equals(p.Version, wanted[earlier].Version, StringComparison.OrdinalIgnoreCase)) continue;
            if (_packages.Any(w => string.Equals(w.Name, p.Name, StringComparison.OrdinalIgnoreCase)))
                throw new PackageRestoreException($"NuGet package {p.Name}: version {wanted[earlier].Version ?? "(latest)"} is already loaded in this session; restart the kernel to use {p.Version}",
                    [$"{p.Name} {p.Version}: an assembly cannot be unloaded; restart the kernel (or ask for {wanted[earlier].Version ?? "no version"})"]);
            wanted[earlier] = p;
        }
        if (wanted.Count == 0) return new PackageReferences([], []);

        string folder = await RestoreAsync(wanted, cancel);
        var (assemblies, natives, installed) = ReadAssets(Path.Combine(folder, "obj", "project.assets.json"), wanted);
        _packages.Clear();
        _packages.AddRange(wanted);

        foreach (var dir in natives) AddNativeDirectory(dir);
        var added = new List<string>();
        foreach (var path in assemblies)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (!_referenced.Add(name)) continue;
            // The kernel already has this assembly (framework, TorchSharp, FSharp.Core, ...): compile against the copy it runs.
            added.Add(PlatformAssemblies.TryGetValue(name, out var own) ? own : path);
        }
        var asked = new HashSet<string>(packages.Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
        return new PackageReferences(added, installed.Where(p => asked.Contains(p.Name)).ToList());
    }

    /// <summary>Restores the generated project for this package list (once: later calls find it restored); returns its folder.</summary>
    async Task<string> RestoreAsync(IReadOnlyList<PackageRequest> packages, CancellationToken cancel)
    {
        string tfm = $"net{Environment.Version.Major}.0";
        string rid = RuntimeInformation.RuntimeIdentifier;
        var items = packages.Select(p => $"    <PackageReference Include=\"{Xml(p.Name)}\" Version=\"{Xml(p.Version ?? "*")}\" />").ToList();
        string project = $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <!-- Generated by the srgan-csharp kernel for #r "nuget: ..." (restored, never built). -->
              <PropertyGroup>
                <TargetFramework>{tfm}</TargetFramework>
                <RuntimeIdentifier>{rid}</RuntimeIdentifier>
                <OutputType>Library</OutputType>
                <EnableDefaultItems>false</EnableDefaultItems>
                <RestoreAdditionalProjectSources>{Xml(string.Join(';', _sources))}</RestoreAdditionalProjectSources>
              </PropertyGroup>
              <ItemGroup>
            {string.Join('\n', items)}
              </ItemGroup>
            </Project>
            """;
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(project)))[..16].ToLowerInvariant();
        string folder = Path.Combine(_cacheRoot, key);
        string done = Path.Combine(folder, "restored");
        if (File.Exists(done) && File.Exists(Path.Combine(folder, "obj", "project.assets.json"))) return folder;

        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "packages.csproj"), project);
        // Stop MSBuild from importing whatever Directory.Build.* or central package versions lie above the cache.
        foreach (var stop in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(folder, stop), "<Project />\n");

        var start = new ProcessStartInfo(DotnetHost(), ["restore", "packages.csproj", "--nologo", "-v", "q"])
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(variable); // set when the kernel runs under dotnet test / msbuild; they would steer the child's SDK
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1"; // no build server left holding the output pipes
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new PackageRestoreException("could not start dotnet restore", []);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try { await process.WaitForExitAsync(cancel); }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        string output = (await stdout) + (await stderr);
        string names = string.Join(", ", packages);
        if (process.ExitCode != 0)
        {
            var messages = AssetErrors(Path.Combine(folder, "obj", "project.assets.json"));
            if (messages.Count == 0)
                messages = output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))
                    .Select(l => ErrorPrefix().Replace(l, "")).Distinct().ToList();
            if (messages.Count == 0) messages = [output.Trim()];
            string sourcesText = string.Join(", ", ConfiguredSources().Concat(_sources));
            throw new PackageRestoreException($"could not restore NuGet package {names}: {messages[0]}",
                [$"NuGet restore failed for {names} (feeds: {sourcesText}):", .. messages.Select(m => "  " + m)]);
        }
        File.WriteAllText(done, DateTime.UtcNow.ToString("O"));
        return folder;
    }

    static List<string> AssetErrors(string assetsFile)
    {
        if (!File.Exists(assetsFile)) return [];
        using var doc = JsonDocument.Parse(File.ReadAllText(assetsFile));
        if (!doc.RootElement.TryGetProperty("logs", out var logs)) return [];
        return logs.EnumerateArray().Where(l => l.GetProperty("level").GetString() == "Error")
            .Select(l => $"{l.GetProperty("code").GetString()}: {l.GetProperty("message").GetString()}").Distinct().ToList();
    }

    /// <summary>The runtime assemblies and native folders of every package in the restored graph, and the packages asked for with the versions taken.</summary>
    static (List<string> Assemblies, List<string> NativeDirectories, List<ResolvedPackage> Installed) ReadAssets(string assetsFile, IReadOnlyList<PackageRequest> wanted)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(assetsFile));
        var root = doc.RootElement;
        string packageFolder = root.GetProperty("packageFolders").EnumerateObject().First().Name;
        var targets = root.GetProperty("targets").EnumerateObject().ToList();
        var target = targets.FirstOrDefault(t => t.Name.Contains('/'));
        if (target.Value.ValueKind == JsonValueKind.Undefined) target = targets.First();
        var libraries = root.GetProperty("libraries");
        var assemblies = new List<string>();
        var natives = new List<string>();
        var installed = new List<ResolvedPackage>();
        foreach (var package in target.Value.EnumerateObject())
        {
            if (package.Value.GetProperty("type").GetString() != "package") continue;
            var nameVersion = package.Name.Split('/');
            installed.Add(new ResolvedPackage(nameVersion[0], nameVersion[1]));
            string folder = Path.Combine(packageFolder, libraries.GetProperty(package.Name).GetProperty("path").GetString()!);
            if (package.Value.TryGetProperty("runtime", out var runtime))
                assemblies.AddRange(runtime.EnumerateObject().Select(a => a.Name).Where(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                    .Select(a => Path.Combine(folder, a)));
            if (package.Value.TryGetProperty("native", out var native))
                natives.AddRange(native.EnumerateObject().Select(a => a.Name).Where(a => !a.EndsWith("_._", StringComparison.Ordinal))
                    .Select(a => Path.GetDirectoryName(Path.Combine(folder, a))!));
        }
        return (assemblies, natives.Distinct().ToList(), installed);
    }

    /// <summary>Native libraries of the packages: a DllImport that the runtime cannot find is looked up in their folders.</summary>
    static void AddNativeDirectory(string directory)
    {
        lock (NativeDirectories)
        {
            if (NativeDirectories.Contains(directory)) return;
            NativeDirectories.Add(directory);
            if (Hooked.Count > 0) return;
            Hook(AssemblyLoadContext.Default);
            foreach (var context in AssemblyLoadContext.All) Hook(context);
            AppDomain.CurrentDomain.AssemblyLoad += (_, e) =>
            {
                if (AssemblyLoadContext.GetLoadContext(e.LoadedAssembly) is { } context) lock (NativeDirectories) Hook(context);
            };
        }
    }

    static void Hook(AssemblyLoadContext context)
    {
        if (Hooked.Add(context)) context.ResolvingUnmanagedDll += ResolveNative;
    }

    static IntPtr ResolveNative(Assembly assembly, string name)
    {
        string[] directories;
        lock (NativeDirectories) directories = [.. NativeDirectories];
        string[] candidates = [name, name + ".so", "lib" + name + ".so", name + ".dylib", "lib" + name + ".dylib", name + ".dll"];
        foreach (var dir in directories)
            foreach (var file in candidates)
            {
                string path = Path.Combine(dir, file);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle)) return handle;
            }
        return IntPtr.Zero;
    }

    static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        string? process = Environment.ProcessPath;
        return process != null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
    }

    /// <summary>The package sources of the machine's NuGet configuration (for error messages).</summary>
    static IEnumerable<string> ConfiguredSources()
    {
        string config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "NuGet", "NuGet.Config");
        if (!File.Exists(config)) return [];
        try
        {
            return XDocument.Load(config).Descendants("packageSources").Elements("add")
                .Select(e => (string?)e.Attribute("value")).OfType<string>().ToList();
        }
        catch (System.Xml.XmlException) { return []; }
    }

    static string Xml(string text) => System.Security.SecurityElement.Escape(text) ?? "";

    [GeneratedRegex(@"^\s*#([ri])\s+""\s*nuget\s*:\s*([^""]*)""\s*;?\s*(//.*)?\r?$")]
    private static partial Regex Directive();
    [GeneratedRegex(@"^.*?:\s*error\s+")]
    private static partial Regex ErrorPrefix();
}
