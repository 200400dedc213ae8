using SrganWorkbench.Data;

namespace SrganWorkbench.Cli;

/// <summary>This process's command line as the reports it writes record it ("Made by `srgan ...`"): each full path in
/// an argument (alone, in a comma-separated list, after "--option=" or after a list item's "NAME=") is shown by <see cref="DataRoot.Shown"/> (relative
/// to the repository, or under $SRGAN_DATA / $SRGAN_WEIGHTS), so a committed report carries nothing of the machine that
/// made it, whether the path exists yet (an --out folder) or not.</summary>
static class CommandLine
{
    public static string Shown() => "srgan " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1).Select(Argument));

    internal static string Argument(string argument)
    {
        int equals = argument.StartsWith("--", StringComparison.Ordinal) ? argument.IndexOf('=') : -1;
        if (equals > 0) return argument[..(equals + 1)] + Argument(argument[(equals + 1)..]);
        return string.Join(",", argument.Split(',').Select(Part));
    }

    /// <summary>One item of a list: a full path, or NAME=PATH (--hr-dir's form).</summary>
    static string Part(string part)
    {
        if (Path.IsPathRooted(part)) return DataRoot.Shown(part);
        int equals = part.IndexOf('=');
        return equals > 0 && Path.IsPathRooted(part[(equals + 1)..]) ? part[..(equals + 1)] + DataRoot.Shown(part[(equals + 1)..]) : part;
    }
}
