using System.Text.Json;
using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Data;

public class DataRootTests
{
    /// <summary>One rule for SRGAN_DATA and SRGAN_WEIGHTS: absolute as given, relative from the repository root, blank
    /// as unset. (A variable of this test's own name: the process's real ones are left alone for the tests beside it.)</summary>
    [Fact]
    public void A_relative_folder_variable_is_read_from_the_repository_root()
    {
        string name = "SRGAN_TEST_FOLDER_" + Guid.NewGuid().ToString("N");
        string repo = DataRoot.RepositoryRoot();
        try
        {
            Environment.SetEnvironmentVariable(name, "../shared/weights");
            Assert.Equal(Path.GetFullPath(Path.Combine(repo, "..", "shared", "weights")), DataRoot.Variable(name));
            Environment.SetEnvironmentVariable(name, "/somewhere/else");
            Assert.Equal("/somewhere/else", DataRoot.Variable(name));
            Environment.SetEnvironmentVariable(name, "  ");
            Assert.Null(DataRoot.Variable(name));
        }
        finally { Environment.SetEnvironmentVariable(name, null); }
        Assert.Null(DataRoot.Variable(name));
    }

    /// <summary>README's set-up block as typed: relative SRGAN_DATA and SRGAN_WEIGHTS, then a command run from another
    /// folder (notebooks/, where a kernel runs) finds the data and the LPIPS weights through them.</summary>
    [Fact]
    public void Readmes_relative_variables_work_from_any_folder_of_the_repository()
    {
        using var temp = new SharedData.TempFolder();
        string repo = DataRoot.RepositoryRoot();
        string data = Path.GetRelativePath(repo, SharedData.Root), weights = Path.GetRelativePath(repo, Path.Combine(SharedData.Root, "..", "weights"));
        Assert.False(Path.IsPathRooted(data));
        var (code, _, stderr) = TestProcess.Run("dotnet", TestProcess.SrganArgs(["eval", "--method", "bicubic", "--sets", "Set5", "--no-niqe", "--no-periodic", "--out", temp.Path]),
            new Dictionary<string, string> { [DataRoot.DataVariable] = data, [DataRoot.WeightsVariable] = weights }, workingDirectory: Path.Combine(repo, "notebooks"));
        Assert.True(code == 0, $"exit {code}: {stderr}");
        var lines = File.ReadAllLines(Path.Combine(temp.Path, "summary.csv"));
        var header = lines[0].Split(',').ToList();
        var row = lines.Select(l => l.Split(',')).Single(r => r[0] == "Set5");
        double lpips = double.Parse(row[header.IndexOf("lpips")], System.Globalization.CultureInfo.InvariantCulture); // the weights were found
        Assert.InRange(lpips, 0.01, 1);
    }

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
