using System.Reflection;

namespace SrganWorkbench.Course;

/// <summary>What a check found: the student's code agrees, differs, is not written yet, or threw.</summary>
public enum Outcome { Correct, Differs, NotWritten, Failed }

/// <summary>
/// The result of an exercise's check, shown in the notebook as one line (or a few): "correct" and what matched,
/// or what differs and a hint, or "not written yet" while the student's part still throws
/// <see cref="NotImplementedException"/>, or the exception the student's code threw, named in one line (a stack trace
/// points into this library and the kernel, which tells a student nothing). A check cell's last expression is a
/// <see cref="Check"/>; both kernels show it as its text.
/// </summary>
public sealed class Check
{
    /// <summary>The words a check prints for each outcome; tests and the course notebooks' test look for them.</summary>
    public const string CorrectWord = "correct", DiffersWord = "differs", NotWrittenWord = "not written yet", FailedWord = "error";

    public string Exercise { get; }
    public Outcome Outcome { get; }
    /// <summary>What matched (correct), what differs (differs), or the exception in one line (error).</summary>
    public string Detail { get; }
    public string? Hint { get; }

    Check(string exercise, Outcome outcome, string detail, string? hint) => (Exercise, Outcome, Detail, Hint) = (exercise, outcome, detail, hint);

    public static Check Correct(string exercise, string matched) => new(exercise, Outcome.Correct, matched, null);
    public static Check Differs(string exercise, string difference, string hint) => new(exercise, Outcome.Differs, difference, hint);

    /// <summary>
    /// Runs a comparison that calls the student's code. <paramref name="compare"/> returns <see cref="Correct"/> or
    /// <see cref="Differs"/>; a <see cref="NotImplementedException"/> from anywhere inside (the stub of a student copy)
    /// becomes "not written yet", and any other exception one line naming it and its message.
    /// </summary>
    public static Check Run(string exercise, Func<Check> compare)
    {
        try { return compare(); }
        catch (Exception e)
        {
            var inner = Innermost(e);
            if (inner is NotImplementedException)
                return new(exercise, Outcome.NotWritten, "write your code in place of `throw new NotImplementedException();` in the cell above, run that cell, then this one", null);
            return new(exercise, Outcome.Failed, $"{inner.GetType().Name}: {OneLine(inner.Message)}", "your code threw this when the check called it");
        }
    }

    /// <summary>The exception the student's code threw, out of the wrappers reflection and tasks put around it.</summary>
    static Exception Innermost(Exception e)
    {
        while (e is TargetInvocationException or AggregateException && e.InnerException is { } inner) e = inner;
        return e;
    }

    static string OneLine(string message)
    {
        string line = message.Split('\n', 2)[0].Trim();
        return line.Length > 200 ? line[..200] + "..." : line;
    }

    string Word => Outcome switch
    {
        Outcome.Correct => CorrectWord,
        Outcome.Differs => DiffersWord,
        Outcome.NotWritten => NotWrittenWord,
        _ => FailedWord,
    };

    string Mark => Outcome switch { Outcome.Correct => "✓", Outcome.NotWritten => "…", _ => "✗" };

    public override string ToString() =>
        $"{Mark} {Exercise}: {Word}: {Detail}" + (Hint is null ? "" : $"\n  Hint: {Hint}");
}
