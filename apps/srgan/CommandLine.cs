using SrganWorkbench.Data;

namespace SrganWorkbench.Cli;

/// <summary>This process's command line as the reports it writes record it ("Made by `srgan ...`"): each argument that
/// names an existing file or folder by a full path is shown by <see cref="DataRoot.Shown"/> (relative to the repository,
/// or under $SRGAN_DATA / $SRGAN_WEIGHTS), so a committed report carries nothing of the machine that made it.</summary>
static class CommandLine
{
    public static string Shown() => "srgan " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1).Select(Argument));

    static string Argument(string argument) => string.Join(",", argument.Split(',').Select(part =>
        Path.IsPathRooted(part) && Path.Exists(part) ? DataRoot.Shown(part) : part));
}
