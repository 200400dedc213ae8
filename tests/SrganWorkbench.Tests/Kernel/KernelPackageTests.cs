using System.Diagnostics;
using System.Text.Json;
using SrganWorkbench.Kernel.Execution;
using SrganWorkbench.Notebook;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>
/// <c>#r "nuget: Name[, Version]"</c> as a student types it (.NET Interactive's syntax): restored from the
/// machine's NuGet feeds into a fresh package cache, referenced, usable in the same cell; native assets
/// found; a second run of the cell is served from the cache; an unknown package or version is a clear
/// cell error naming it. MathNet.Numerics 5.0.0 and KeraLua (managed Lua bindings with
/// runtimes/linux-x64/native/liblua54.so) are on the feeds here.
/// </summary>
[Collection("training")]
public class KernelPackageTests(ITestOutputHelper output)
{
    [Fact]
    public void Nuget_directives_restore_reference_and_load_native_assets_then_a_rerun_is_cached()
    {
        using var temp = new SharedData.TempFolder();
        string cache = temp.File("nuget-cache");
        const string cell = """
            #r "nuget: MathNet.Numerics, 5.0.0"
            #r "nuget: KeraLua"
            using MathNet.Numerics.LinearAlgebra;
            var m = Matrix<double>.Build.DenseOfArray(new double[,] { { 2, 1 }, { 0, 3 } });
            var lua = new KeraLua.Lua();
            lua.DoString("answer = 6 * 7");
            lua.GetGlobal("answer");
            $"{m.Determinant()} {lua.ToNumber(-1)}"
            """;

        var started = Stopwatch.StartNew();
        using (var engine = new ScriptEngine(temp.Path, cache))
        {
            var first = engine.Execute(cell, 1);
            output.WriteLine($"first run: {started.Elapsed.TotalSeconds:F1} s");
            Assert.True(first.Ok, $"{first.ErrorName}: {first.ErrorValue}\n{string.Join('\n', first.Traceback ?? [])}");
            Assert.Equal("6 42", first.Value);
            // The package stays referenced in later cells.
            var later = engine.Execute("MathNet.Numerics.SpecialFunctions.Factorial(5)", 2);
            Assert.True(later.Ok, later.ErrorValue);
            Assert.Equal(120.0, later.Value);
            // Asking again in a later cell (same version, or none) is a no-op, not a conflict.
            var again = engine.Execute("#r \"nuget: MathNet.Numerics\"\n1 + 1", 3);
            Assert.True(again.Ok, again.ErrorValue);
        }
        Assert.Single(Directory.GetDirectories(cache).Where(d => File.Exists(Path.Combine(d, "restored"))), d => File.ReadAllText(Path.Combine(d, "packages.csproj")).Contains("KeraLua\" Version=\"*\""));

        started.Restart();
        using (var engine = new ScriptEngine(temp.Path, cache))
        {
            var rerun = engine.Execute(cell, 1);
            output.WriteLine($"cached rerun: {started.Elapsed.TotalSeconds:F1} s");
            Assert.True(rerun.Ok, rerun.ErrorValue);
            Assert.Equal("6 42", rerun.Value);
        }
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"the cached rerun took {started.Elapsed.TotalSeconds:F0} s");
    }

    [Fact]
    public void An_unknown_package_or_version_is_a_cell_error_naming_it_and_the_kernel_goes_on()
    {
        using var temp = new SharedData.TempFolder();
        using var engine = new ScriptEngine(temp.Path, temp.File("nuget-cache"));

        var unknown = engine.Execute("#r \"nuget: SrganWorkbench.NoSuchPackage.Xyz, 1.0.0\"\n1", 1);
        Assert.False(unknown.Ok);
        Assert.Equal("NuGetRestoreError", unknown.ErrorName);
        Assert.Contains("SrganWorkbench.NoSuchPackage.Xyz", unknown.ErrorValue);
        Assert.Contains("NU1101", unknown.ErrorValue);                        // the feed's message, not a stack trace
        Assert.DoesNotContain(unknown.Traceback!, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        output.WriteLine(string.Join('\n', unknown.Traceback!));

        var version = engine.Execute("#r \"nuget: MathNet.Numerics, 99.0.0\"", 2);
        Assert.False(version.Ok);
        Assert.Contains("MathNet.Numerics 99.0.0", version.ErrorValue);
        Assert.Contains("NU1102", version.ErrorValue);

        var after = engine.Execute("#r \"nuget: MathNet.Numerics, 5.0.0\"\nMathNet.Numerics.Constants.Pi > 3", 3);
        Assert.True(after.Ok, after.ErrorValue);
        Assert.Equal(true, after.Value);
        var conflict = engine.Execute("#r \"nuget: MathNet.Numerics, 4.15.0\"", 4);
        Assert.False(conflict.Ok);
        Assert.Contains("restart the kernel", conflict.ErrorValue);
    }

    [Fact]
    public void A_hash_i_source_adds_a_local_feed()
    {
        using var temp = new SharedData.TempFolder();
        string project = temp.File("probe");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "SrganWorkbench.LocalFeedProbe.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><Version>1.0.0</Version><ImplicitUsings>disable</ImplicitUsings></PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Probe.cs"), "namespace SrganWorkbench.LocalFeedProbe; public static class Probe { public static string Hello => \"from the local feed\"; }");
        var pack = TestProcess.Run("dotnet", ["pack", project, "-c", "Release", "-o", temp.File("feed"), "--nologo"]);
        Assert.True(pack.Code == 0, pack.Out + pack.Err);

        // The probe must come from the feed, not from an earlier run's copy in the global packages folder.
        string installed = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "srganworkbench.localfeedprobe");
        if (Directory.Exists(installed)) Directory.Delete(installed, recursive: true);
        using var engine = new ScriptEngine(temp.Path, temp.File("nuget-cache"));
        var result = engine.Execute($"#i \"nuget: {temp.File("feed")}\"\n#r \"nuget: SrganWorkbench.LocalFeedProbe, 1.0.0\"\nSrganWorkbench.LocalFeedProbe.Probe.Hello", 1);
        Assert.True(result.Ok, $"{result.ErrorValue}\n{string.Join('\n', result.Traceback ?? [])}");
        Assert.Equal("from the local feed", result.Value);
    }

    [Fact]
    public void Directives_become_blank_lines_so_cell_line_numbers_stay()
    {
        var (code, packages, sources) = NuGetPackages.Extract("#r \"nuget: A.B, 1.2.3\"\n#r \"nuget:C\"\n#i \"nuget: /tmp/feed\"\n#r \"x.dll\"\nvar a = 1;");
        Assert.Equal("\n\n\n#r \"x.dll\"\nvar a = 1;", code);
        Assert.Equal([new PackageRequest("A.B", "1.2.3"), new PackageRequest("C", null)], packages);
        Assert.Equal(["/tmp/feed"], sources);
    }

    /// <summary>Through the real kernel (nbconvert): the restore's note on stdout, the package used, a dictionary shown as a table.</summary>
    [Fact]
    public void Nbconvert_runs_a_notebook_that_asks_for_a_nuget_package_and_shows_a_table()
    {
        using var temp = new SharedData.TempFolder();
        string jupyter = temp.File("jupyter");
        var install = TestProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "srgan-kernel.dll"), "install", "--dir", Path.Combine(jupyter, "kernels")]);
        Assert.True(install.Code == 0, install.Err);
        string notebook = temp.File("packages.ipynb");
        File.WriteAllText(notebook, JsonSerializer.Serialize(new
        {
            cells = new[]
            {
                "#r \"nuget: MathNet.Numerics, 5.0.0\"\nusing MathNet.Numerics.Statistics;",
                "var xs = new[] { 1.0, 2.0, 3.0, 4.0 };\nnew Dictionary<string, double> { [\"mean\"] = xs.Mean(), [\"sd\"] = xs.StandardDeviation() }",
            }.Select(c => new { cell_type = "code", execution_count = (int?)null, metadata = new { }, outputs = Array.Empty<object>(), source = c }),
            metadata = new { kernelspec = new { name = "srgan-csharp", display_name = "C# (SRGAN Workbench)", language = "csharp" } },
            nbformat = 4,
            nbformat_minor = 5,
        }));
        var run = TestProcess.Run("jupyter", ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=srgan-csharp", "--ExecutePreprocessor.timeout=180", "--output", "packages.out.ipynb", notebook],
            new Dictionary<string, string> { ["JUPYTER_PATH"] = jupyter, ["SRGAN_KERNEL_NUGET_CACHE"] = temp.File("nuget-cache") });
        Assert.True(run.Code == 0, run.Err);
        var cells = JsonDocument.Parse(File.ReadAllText(temp.File("packages.out.ipynb"))).RootElement.GetProperty("cells");
        string stdout = string.Concat(cells[0].GetProperty("outputs").EnumerateArray().Where(o => o.GetProperty("output_type").GetString() == "stream").Select(o => Text(o.GetProperty("text"))));
        Assert.Contains("Installed package MathNet.Numerics version 5.0.0", stdout);
        var data = cells[1].GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("output_type").GetString() == "execute_result").GetProperty("data");
        string html = Text(data.GetProperty("text/html"));
        Assert.Contains("<th>key</th><th>value</th>", html);
        Assert.Contains("<tr><td>mean</td><td>2.5</td></tr>", html);
        Assert.Contains("<tr><td>sd</td><td>1.29099</td></tr>", html);
        Assert.Contains("mean", Text(data.GetProperty("text/plain")));
    }

    static string Text(JsonElement e) => e.ValueKind == JsonValueKind.Array ? string.Concat(e.EnumerateArray().Select(l => l.GetString())) : e.GetString()!;
}
