using SrganWorkbench.Data;

namespace SrganWorkbench.Cli;

/// <summary>Folders of the repository the CLI writes to.</summary>
static class RepoPaths
{
    public static string Root => DataRoot.RepositoryRoot();
    public static string Results => Path.Combine(DataRoot.RepositoryRoot(), "results");
    /// <summary>Training runs (ignored by git; results/ holds the ones worth keeping).</summary>
    public static string Runs => Path.Combine(DataRoot.RepositoryRoot(), "runs");
}
