using System.Diagnostics;
using SrganWorkbench.Data;

namespace SrganWorkbench.Tests;

/// <summary>
/// Runs programs as a user would: their own process, the repository as working folder, the shared
/// data and weights in the environment (plus any extra variables), output captured.
/// </summary>
static class TestProcess
{
    public static ProcessStartInfo Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? DataRoot.RepositoryRoot() };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment[DataRoot.DataVariable] = SharedData.Root;
        start.Environment[DataRoot.WeightsVariable] = Path.GetFullPath(Path.Combine(SharedData.Root, "..", "weights"));
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return start;
    }

    public static (int Code, string Out, string Err) Run(string file, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, int timeoutMs = 300_000, string? workingDirectory = null)
    {
        var start = Start(file, args, environment, workingDirectory);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(timeoutMs), $"{file} {string.Join(' ', start.ArgumentList)} did not finish within {timeoutMs / 1000} s");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    internal static string[] SrganArgs(string[] args) => [Path.Combine(AppContext.BaseDirectory, "srgan.dll"), .. args];

    /// <summary>The built srgan command, started (for tests that kill it).</summary>
    public static ProcessStartInfo SrganStart(params string[] args) => Start("dotnet", SrganArgs(args));

    /// <summary>The built srgan command, run to completion.</summary>
    public static (int Code, string Out, string Err) Srgan(params string[] args) => Run("dotnet", SrganArgs(args));

    /// <summary>The built srgan command, run to completion with these environment variables added.</summary>
    public static (int Code, string Out, string Err) SrganWith(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Run("dotnet", SrganArgs(args), environment);
}
