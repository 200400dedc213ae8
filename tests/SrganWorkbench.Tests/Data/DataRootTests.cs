using System.Text.Json;
using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Data;

public class DataRootTests
{
    [Fact]
    public void A_path_inside_the_repository_is_recorded_relative_to_it_and_read_back()
    {
        string repo = DataRoot.RepositoryRoot();
        string run = Path.Combine(repo, "results", "srresnet-cpu-continued");
        Assert.Equal("results/srresnet-cpu-continued", DataRoot.Portable(run));
        Assert.Equal("results/srresnet-cpu-continued", DataRoot.Portable(run + Path.DirectorySeparatorChar));
        Assert.Equal(run, DataRoot.ResolvePortable("results/srresnet-cpu-continued"));
        Assert.True(Directory.Exists(DataRoot.ResolvePortable(DataRoot.Portable(run))));
    }

    [Fact]
    public void A_path_outside_the_repository_stays_absolute()
    {
        string shared = SharedData.Set("Set5");
        Assert.Equal(Path.GetFullPath(shared), DataRoot.Portable(shared));
        Assert.Equal(Path.GetFullPath(shared), DataRoot.ResolvePortable(DataRoot.Portable(shared)));
        // A sibling whose name starts with the repository's is outside it too.
        string sibling = DataRoot.RepositoryRoot().TrimEnd(Path.DirectorySeparatorChar) + "-other";
        Assert.Equal(sibling, DataRoot.Portable(sibling));
    }

    /// <summary>A committed run's config names the run it started from so that a fresh clone anywhere can read it:
    /// relative to the repository, never this machine's absolute path.</summary>
    [Fact]
    public void Committed_runs_name_their_start_relative_to_the_repository()
    {
        var results = Path.Combine(DataRoot.RepositoryRoot(), "results");
        var configs = Directory.GetFiles(results, "*config.json", SearchOption.AllDirectories);
        Assert.NotEmpty(configs);
        foreach (var file in configs)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            if (!json.RootElement.TryGetProperty("initFrom", out var init) || init.ValueKind != JsonValueKind.String) continue;
            string path = init.GetString()!;
            Assert.False(Path.IsPathRooted(path), $"{file}: initFrom '{path}' is absolute; expected a path relative to the repository");
            Assert.True(Directory.Exists(DataRoot.ResolvePortable(path)) || File.Exists(DataRoot.ResolvePortable(path)),
                $"{file}: initFrom '{path}' names nothing in the repository");
        }
    }
}
