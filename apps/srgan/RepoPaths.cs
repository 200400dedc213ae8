using SrganWorkbench.Data;

namespace SrganWorkbench.Cli;

/// <summary>Folders of the repository the CLI writes to.</summary>
static class RepoPaths
{
    public static string Results => Path.Combine(DataRoot.RepositoryRoot(), "results");
}
