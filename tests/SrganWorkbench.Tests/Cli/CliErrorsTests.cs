using SrganWorkbench.Cli;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Tests.Cli;

/// <summary>User errors are one line and exit code 2; bugs keep their stack trace and exit with 70.</summary>
public class CliErrorsTests
{
    static (int Code, string[] Lines) Run(Action action)
    {
        var error = new StringWriter();
        int code = CliErrors.Run(() => { action(); return 0; }, error);
        return (code, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    public static TheoryData<string, Action> UserErrors => new()
    {
        // The library's own checks, in the exception types it uses for them.
        { "Unknown dataset 'Urban100'", () => _ = DatasetManifest.Load()["Urban100"] },           // KeyNotFoundException
        { "Unknown degradation 'lanczos'", () => Degradation.Parse("lanczos") },                 // ArgumentException
        { "not a valid training config", () => SrganWorkbench.Training.TrainingConfig.FromJson("{", "x.json") }, // InvalidDataException
        { "no-such-file.png", () => ImageFile.Read("/no-such-dir/no-such-file.png") },
        // Parallel work (eval) wraps them; the same message once.
        { "no-such-file.png", () => Parallel.For(0, 4, _ => ImageFile.Read("/no-such-dir/no-such-file.png")) },
        // The file system.
        { "Could not find", () => File.ReadAllText("/no-such-dir/x.json") },
    };

    [Theory]
    [MemberData(nameof(UserErrors))]
    public void A_user_error_is_one_line(string expected, Action action)
    {
        var (code, lines) = Run(action);
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith("error: ", Assert.Single(lines));
        Assert.Contains(expected, lines[0]);
    }

    public static TheoryData<string, Action> Bugs => new()
    {
        // The same exception types, thrown by .NET itself: a bug in our code, never the user's input.
        { "KeyNotFoundException", () => _ = new Dictionary<string, int>()["missing"] },
        { "InvalidOperationException", () => _ = Array.Empty<int>().First() },
        { "ArgumentException", () => new Dictionary<int, int> { [1] = 1 }.Add(1, 2) },
        { "ArgumentNullException", () => ArgumentNullException.ThrowIfNull((object?)null, "value") },
        { "ArgumentOutOfRangeException", () => _ = new List<int>()[3] },
        { "NullReferenceException", () => _ = ((string?)null)!.Length },
        { "AggregateException", () => Parallel.For(0, 2, i => _ = new Dictionary<int, int>()[i]) },
    };

    [Theory]
    [MemberData(nameof(Bugs))]
    public void A_bug_keeps_its_stack_trace_and_a_different_exit_code(string type, Action action)
    {
        var (code, lines) = Run(action);
        Assert.Equal(CliErrors.InternalError, code);
        Assert.StartsWith("internal error", lines[0]);
        Assert.Contains(lines, l => l.Contains(type));
        Assert.Contains(lines, l => l.StartsWith("at ") && l.Contains(nameof(CliErrorsTests))); // the trace reaches the code that failed
    }
}
