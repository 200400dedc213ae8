using System.Text.Json;
using System.Text.RegularExpressions;

namespace SrganWorkbench.Kernel.Execution;

/// <summary>
/// What the kernel itself carries, so that a cell written for .NET Interactive as well runs here unchanged:
/// the notebooks' setup cell asks for the workspace's packages (<c>#r "nuget: TorchSharp-cpu, 0.107.0"</c>, ...)
/// and libraries (<c>#r "../apps/kernel/bin/Release/net10.0/SrganWorkbench.dll"</c>, ...), which this kernel
/// already references. A package the running app was built with (its deps.json), at that version or with
/// none given, needs no restore; a <c>#r</c> of a file named like an assembly the cells already reference is
/// dropped (a second copy would be a second, separate set of types).
/// </summary>
public static partial class HostPackages
{
    static readonly Lazy<Dictionary<string, string>> Packages = new(Read);

    /// <summary>Package name -> version, from the running app's deps.json ("libraries" of type package).</summary>
    static Dictionary<string, string> Read()
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string files = AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string ?? "";
        foreach (string file in files.Split(';', StringSplitOptions.RemoveEmptyEntries).Where(File.Exists)) // ';' on every OS
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            if (!doc.RootElement.TryGetProperty("libraries", out var libraries)) continue;
            foreach (var library in libraries.EnumerateObject())
            {
                if (library.Value.TryGetProperty("type", out var type) && type.GetString() != "package") continue;
                var parts = library.Name.Split('/', 2);
                if (parts.Length == 2) result.TryAdd(parts[0], parts[1]);
            }
        }
        return result;
    }

    /// <summary>True when the running kernel was built with this package (at the version asked for, if one is).</summary>
    public static bool Satisfies(PackageRequest request) =>
        Packages.Value.TryGetValue(request.Name, out var version)
        && (request.Version == null || string.Equals(request.Version, version, StringComparison.OrdinalIgnoreCase));

    /// <summary>Blanks the <c>#r "file"</c> lines whose file is named like an assembly the cells already reference.</summary>
    public static string WithoutHostReferences(string code, IReadOnlySet<string> hostAssemblies)
    {
        var lines = code.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var m = FileReference().Match(lines[i]);
            if (!m.Success || m.Groups[1].Value.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase)) continue;
            string path = m.Groups[1].Value;
            if (!path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || !hostAssemblies.Contains(Path.GetFileNameWithoutExtension(path))) continue;
            lines[i] = lines[i].EndsWith('\r') ? "\r" : "";
        }
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"^\s*#r\s+""([^""]+)""\s*\r?$")]
    private static partial Regex FileReference();
}
