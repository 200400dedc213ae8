using System.CommandLine;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Cli;

/// <summary>
/// Exit codes, and the line between a user's mistake (one line, exit code 2) and a bug (the full stack trace,
/// exit code 70).
/// <para>
/// A user error is: a bad command line (a parse error); the library's own exception types for bad input
/// (<see cref="ImageFileException"/>, <see cref="DatasetUnavailableException"/>); a file system that is not as the
/// user said (missing file or folder, no permission, any other <see cref="IOException"/>); or an
/// <see cref="ArgumentException"/>, <see cref="InvalidDataException"/>, <see cref="InvalidOperationException"/> or
/// <see cref="KeyNotFoundException"/> <b>thrown by this workspace's code</b>, whose messages are written for the user
/// ("Unknown dataset 'Urban100'. Known: ...", "... already holds a run; pass --resume").
/// </para>
/// <para>
/// The same types thrown by .NET or TorchSharp are bugs: a dictionary's "The given key was not present", LINQ's
/// "Sequence contains no elements", a duplicate key's ArgumentException, any ArgumentNullException, as are
/// NullReferenceException, IndexOutOfRangeException and everything else. Where an exception was thrown is read from
/// <see cref="Exception.TargetSite"/> (.NET throws through its own helper methods, which are never inlined into our
/// code). A workspace method inlined into .NET code could, in principle, make a user error show a stack trace; never
/// the reverse, so no bug is hidden.
/// </para>
/// </summary>
static class CliErrors
{
    public const int UserError = 2;
    /// <summary>EX_SOFTWARE (sysexits.h): an internal error.</summary>
    public const int InternalError = 70;

    public static int Run(Func<int> action, TextWriter? error = null)
    {
        error ??= Console.Error;
        try
        {
            return action();
        }
        catch (Exception e) when (UserMessages(e) is { } messages)
        {
            foreach (string message in messages) error.WriteLine($"error: {message}");
            return UserError;
        }
        catch (Exception e)
        {
            error.WriteLine("internal error (a bug in srgan, not in how it was called; please report this trace):");
            error.WriteLine(e);
            return InternalError;
        }
    }

    /// <summary>Parses and runs the command line: parse errors are user errors, one line each.</summary>
    public static int Invoke(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        error ??= Console.Error;
        var parse = root.Parse(args);
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error };
        if (output != null) configuration.Output = output;
        if (parse.Errors.Count > 0 && parse.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            // No command or an unknown one (`srgan`, `srgan trian`, `srgan data`): System.CommandLine's own report,
            // with its typo suggestions and the list of commands.
            if (parse.CommandResult.Command.Subcommands.Count > 0)
            {
                parse.Invoke(configuration);
                return UserError;
            }
            foreach (string message in parse.Errors.Select(e => e.Message).Distinct()) error.WriteLine($"error: {message}");
            return UserError;
        }
        return Run(() => parse.Invoke(configuration), error);
    }

    /// <summary>The lines to show when <paramref name="e"/> is a user error; null when it is a bug.</summary>
    public static IReadOnlyList<string>? UserMessages(Exception e)
    {
        if (e is AggregateException aggregate) // Parallel.ForEach (eval) wraps what its bodies throw
        {
            var inner = aggregate.Flatten().InnerExceptions;
            var messages = inner.Select(UserMessages).ToList();
            return inner.Count > 0 && messages.All(m => m != null) ? messages.SelectMany(m => m!).Distinct().ToList() : null;
        }
        return IsUserError(e) ? [e.Message] : null;
    }

    public static bool IsUserError(Exception e) => e switch
    {
        ImageFileException or DatasetUnavailableException => true,
        ArgumentNullException => false,
        ArgumentException or InvalidDataException or InvalidOperationException or KeyNotFoundException => ThrownByWorkspace(e),
        IOException or UnauthorizedAccessException => true, // the file system: missing, unreadable, full
        _ => false,
    };

    /// <summary>True when a <c>throw</c> in the library or an app of this workspace raised <paramref name="e"/>.</summary>
    public static bool ThrownByWorkspace(Exception e) =>
        e.TargetSite?.DeclaringType?.Assembly.GetName().Name is { } name
        && (name == typeof(CliErrors).Assembly.GetName().Name || name.StartsWith("SrganWorkbench", StringComparison.Ordinal));

    /// <summary>Splits "a,b , c" into its parts.</summary>
    public static string[] List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
