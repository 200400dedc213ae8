using System.Diagnostics;
using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Cli;

/// <summary>Runs the built srgan command as a user would: its own process, the repository as working folder, the shared data.</summary>
static class SrganProcess
{
    public static ProcessStartInfo Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = DataRoot.RepositoryRoot() };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "srgan.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment[DataRoot.DataVariable] = SharedData.Root;
        start.Environment[DataRoot.WeightsVariable] = Path.GetFullPath(Path.Combine(SharedData.Root, "..", "weights"));
        return start;
    }

    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var process = Process.Start(Start(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(300_000), "srgan did not finish within 5 minutes");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
