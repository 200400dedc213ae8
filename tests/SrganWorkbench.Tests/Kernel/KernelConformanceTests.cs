using System.Diagnostics;
using System.Text.RegularExpressions;
using SrganWorkbench.Data;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>
/// The Jupyter project's own kernel test suite (Debian's python3-jupyter-kernel-test) against this kernel:
/// tests/kernel_conformance/test_srgan_kernel.py configures it for C#, and every one of its tests must run and pass,
/// except the two that do not apply (the pager and clear_output; the module says why).
/// </summary>
[Collection("training")]
public partial class KernelConformanceTests(ITestOutputHelper output)
{
    static readonly string Repo = DataRoot.RepositoryRoot();
    static readonly string[] NotApplicable = ["test_clear_output", "test_pager"];

    [Fact]
    public void Jupyter_kernel_test_passes_with_every_applicable_test_run()
    {
        using var temp = new SharedData.TempFolder();
        var install = TestProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "srgan-kernel.dll"), "install", "--dir", temp.File("jupyter/kernels")]);
        Assert.True(install.Code == 0, install.Out + install.Err);
        var clock = Stopwatch.StartNew();
        var (code, log, stderr) = TestProcess.Run("/usr/bin/python3", [Path.Combine(Repo, "tests", "kernel_conformance", "test_srgan_kernel.py")],
            new Dictionary<string, string> { ["JUPYTER_PATH"] = temp.File("jupyter") });
        // The module reports on stdout; stderr has the kernel's own log and any traceback.
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s\n{log}\nstderr:\n{stderr}");
        Assert.True(code == 0, log + stderr);
        var results = TestLine().Matches(log).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.True(results.Count >= 12, $"{results.Count} tests reported:\n{log}");
        Assert.Equal(NotApplicable, results.Where(r => r.Value.StartsWith("skipped", StringComparison.Ordinal)).Select(r => r.Key).Order().ToArray());
        Assert.All(results.Where(r => !NotApplicable.Contains(r.Key)), r => Assert.Equal("ok", r.Value));
        Assert.Contains($"OK (skipped={NotApplicable.Length})", log);
    }

    [GeneratedRegex(@"^(test_\w+) \(.*?\) \.\.\. (ok|skipped.*|FAIL|ERROR)$", RegexOptions.Multiline)]
    private static partial Regex TestLine();
}
