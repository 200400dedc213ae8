using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SrganWorkbench.Data;
using SrganWorkbench.Kernel;
using SrganWorkbench.Kernel.Execution;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>
/// The notebooks on .NET Interactive's <c>.net-csharp</c> kernel (Microsoft.dotnet-interactive 1.0.712001) as well as
/// on ours: <c>srgan-kernel dotnet-interactive setup</c>, the setup cell every notebook shares, and every notebook
/// run headless there through nbclient.
/// </summary>
[Collection("training")]
public partial class DotNetInteractiveTests(ITestOutputHelper output)
{
    static readonly string Repo = DataRoot.RepositoryRoot();
    static readonly string[] NotebookFiles = Directory.GetFiles(Path.Combine(Repo, "notebooks"), "*.ipynb").Order().ToArray();

    static (int Code, string Out, string Err) Kernel(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        TestProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "srgan-kernel.dll"), .. args], environment, timeoutMs: 900_000);

    static JsonElement SetupCell(string notebook)
    {
        var setup = JsonDocument.Parse(File.ReadAllText(notebook)).RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("metadata").TryGetProperty("tags", out var tags) && tags.EnumerateArray().Any(t => t.GetString() == "setup")).ToList();
        Assert.True(setup.Count == 1, $"{Path.GetFileName(notebook)}: {setup.Count} cells tagged 'setup'; it needs one, as its first code cell: " +
                                      "copy notebook 01's (cell and metadata) and keep it the same");
        return setup[0];
    }

    static string Source(JsonElement cell) => string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()));

    [Fact]
    public void Every_notebook_starts_with_the_same_setup_cell_naming_the_workspace_package_versions_and_both_kernels()
    {
        Assert.NotEmpty(NotebookFiles);
        string first = Source(SetupCell(NotebookFiles[0]));
        var versions = XDocument.Load(Path.Combine(Repo, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
        var packages = NuGetDirective().Matches(first).Select(m => (Name: m.Groups[1].Value, Version: m.Groups[2].Value)).ToList();
        Assert.Contains(packages, p => p.Name == "TorchSharp-cpu");
        foreach (var (name, version) in packages)
        {
            Assert.Equal(versions[name], version);                       // the versions the build uses
            Assert.True(HostPackages.Satisfies(new PackageRequest(name, version)), $"{name} {version}: not in the kernel's own packages");
        }
        foreach (Match file in FileDirective().Matches(first))
            Assert.True(File.Exists(Path.Combine(Repo, "notebooks", file.Groups[1].Value)), $"{file.Groups[1].Value} is not built (dotnet build -c Release)");
        foreach (string nb in NotebookFiles)
        {
            var doc = JsonDocument.Parse(File.ReadAllText(nb)).RootElement;
            var cells = doc.GetProperty("cells").EnumerateArray().ToList();
            var setup = SetupCell(nb);
            Assert.Equal(first, Source(setup));
            // Before any other code cell (the parameters cell included).
            Assert.Equal(cells.FindIndex(c => c.GetProperty("cell_type").GetString() == "code"),
                cells.FindIndex(c => c.GetProperty("metadata").TryGetProperty("tags", out var t) && t.EnumerateArray().Any(x => x.GetString() == "setup")));
            var metadata = doc.GetProperty("metadata");
            Assert.Equal("srgan-csharp", metadata.GetProperty("kernelspec").GetProperty("name").GetString());
            Assert.Equal("csharp", metadata.GetProperty("polyglot_notebook").GetProperty("kernelInfo").GetProperty("defaultKernelName").GetString());
        }
        // On our kernel the setup cell's directives are all satisfied by the kernel itself: nothing is restored or loaded twice.
        string code = HostPackages.WithoutHostReferences(NuGetPackages.Extract(first).Code,
            new HashSet<string>(["SrganWorkbench", "SrganWorkbench.Notebook", "SrganWorkbench.Mos", "srgan-mos"], StringComparer.OrdinalIgnoreCase));
        Assert.DoesNotContain("#r", code);
        Assert.False(HostPackages.Satisfies(new PackageRequest("TorchSharp-cpu", "0.106.0")));
    }

    [Fact]
    public void Setup_is_idempotent_and_every_notebook_runs_on_the_dotnet_interactive_kernel()
    {
        using var temp = new SharedData.TempFolder();
        string kernels = Path.Combine(temp.Path, "jupyter", "kernels");
        var first = Kernel(null, "dotnet-interactive", "setup", "--dir", kernels);
        output.WriteLine($"setup:\n{first.Out}{first.Err}");
        Assert.True(first.Code == 0, first.Err);
        string spec = Path.Combine(kernels, DotNetInteractiveSetup.KernelName, "kernel.json");
        var written = (Text: File.ReadAllText(spec), Time: File.GetLastWriteTimeUtc(spec));
        string tool = JsonDocument.Parse(written.Text).RootElement.GetProperty("argv")[0].GetString()!;
        Assert.True(File.Exists(tool), tool);
        var libraries = LibTorchSharpCopies();
        Assert.NotEmpty(libraries);
        var before = libraries.ToDictionary(f => f, f => (Bytes: File.ReadAllBytes(f), Time: File.GetLastWriteTimeUtc(f)));
        if (SrganWorkbench.Build.ElfWeakVersion.SystemLibStdCxxHasVersion(DotNetInteractiveSetup.GlibcxxVersion) == false)
            Assert.All(libraries, f => Assert.True(SrganWorkbench.Build.ElfWeakVersion.IsWeak(f, DotNetInteractiveSetup.GlibcxxVersion), f));

        // A second run changes nothing: the tool is found, the kernelspec and the libraries keep their bytes and times.
        var second = Kernel(null, "dotnet-interactive", "setup", "--dir", kernels);
        output.WriteLine($"setup again:\n{second.Out}{second.Err}");
        Assert.True(second.Code == 0, second.Err);
        Assert.Contains("already installed", second.Out);
        Assert.DoesNotContain("Patched", second.Out);
        Assert.Equal(written, (File.ReadAllText(spec), File.GetLastWriteTimeUtc(spec)));
        foreach (var (file, was) in before)
        {
            Assert.Equal(was.Bytes, File.ReadAllBytes(file));
            Assert.Equal(was.Time, File.GetLastWriteTimeUtc(file));
        }

        // Every notebook, unchanged, on .NET Interactive: smoke profile, parameters injected into a copy.
        var notebooks = NotebookFiles;
        Assert.True(notebooks.Length >= 6, $"{notebooks.Length} notebooks");
        var started = Stopwatch.StartNew();
        var run = Kernel(new Dictionary<string, string> { ["JUPYTER_PATH"] = Path.Combine(temp.Path, "jupyter") },
            ["run", "--kernel", DotNetInteractiveSetup.KernelName, "--param", "profile=smoke", "--out", temp.Path, .. notebooks]);
        output.WriteLine($"run on {DotNetInteractiveSetup.KernelName}: {started.Elapsed.TotalSeconds:F1} s\n{run.Out}");
        Assert.True(run.Code == 0, run.Err.Length > 4000 ? run.Err[^4000..] : run.Err);
        foreach (string name in notebooks.Select(p => Path.GetFileName(p)))
        {
            var outputs = JsonDocument.Parse(File.ReadAllText(temp.File(name))).RootElement.GetProperty("cells").EnumerateArray()
                .Where(c => c.TryGetProperty("outputs", out _)).SelectMany(c => c.GetProperty("outputs").EnumerateArray()).ToList();
            Assert.DoesNotContain(outputs, o => o.GetProperty("output_type").GetString() == "error");
            var data = outputs.Where(o => o.TryGetProperty("data", out _)).Select(o => o.GetProperty("data")).ToList();
            string Html(JsonElement d) => d.TryGetProperty("text/html", out var h) ? h.ToString() : "";
            int pngs = data.Count(d => d.TryGetProperty("image/png", out _)) + data.Sum(d => Regex.Count(Html(d), "data:image/png;base64,"));
            output.WriteLine($"{name}: {outputs.Count} outputs, {pngs} PNG images, {data.Count(d => Html(d).Contains("Plotly.newPlot"))} Plotly charts, " +
                             $"{data.Count(d => d.TryGetProperty("text/markdown", out _))} Markdown");
            Assert.True(pngs >= (name.StartsWith("01") || name.StartsWith("03") ? 4 : 1), $"{name}: {pngs} images");
            Assert.Contains(data, d => Html(d).Contains("Plotly.newPlot"));
            Assert.Contains(data, d => Html(d).Contains("plotly.js v")); // plotly.js embedded once: the chart draws offline
            Assert.Contains(data, d => d.TryGetProperty("text/markdown", out _));
            if (name.StartsWith("03"))
            {
                // The live run's progress bar is one output, updated in place up to its last step.
                var progress = data.Where(d => Html(d).Contains("srgan-progress")).ToList();
                Assert.Single(progress);
                var step = Regex.Match(Html(progress[0]), @"step (\d+)/(\d+)");
                Assert.True(step.Success && step.Groups[1].Value == step.Groups[2].Value, Html(progress[0]));
            }
        }
    }

    /// <summary>The copies of libLibTorchSharp.so .NET Interactive loads (the NuGet cache's TorchSharp package).</summary>
    static List<string> LibTorchSharpCopies()
    {
        string package = Path.Combine(DotNetInteractiveSetup.NuGetPackagesFolder(), "torchsharp", DotNetInteractiveSetup.TorchSharpVersion);
        return Directory.Exists(package) ? Directory.GetFiles(package, "libLibTorchSharp.so", SearchOption.AllDirectories).Order().ToList() : [];
    }

    [GeneratedRegex(@"#r ""nuget: ([^,""]+), ([^""]+)""")]
    private static partial Regex NuGetDirective();
    [GeneratedRegex(@"#r ""([^""]+\.dll)""")]
    private static partial Regex FileDirective();
}
