using System.Text.Json;
using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Data;

public class DataRootTests
{
    /// <summary>Paths as reports show them: relative inside the repository, under $SRGAN_WEIGHTS or $SRGAN_DATA inside
    /// those roots (the roots themselves beside the repository as ../x/y), anything else as it is.</summary>
    [Fact]
    public void A_shown_path_carries_nothing_of_the_machine()
    {
        string repo = DataRoot.RepositoryRoot();
        Assert.Equal("results/srgan-vgg22-cpu/generator.safetensors", DataRoot.Shown(Path.Combine(repo, "results", "srgan-vgg22-cpu", "generator.safetensors")));
        string data = Path.GetFullPath(SharedData.Root), weights = Path.GetFullPath(Path.Combine(SharedData.Root, "..", "weights")); // ../shared, beside the repository
        Assert.Equal("$SRGAN_WEIGHTS/tensorlayer-srgan-x4/g.safetensors", DataRoot.Shown(Path.Combine(weights, "tensorlayer-srgan-x4", "g.safetensors"), data, weights));
        Assert.Equal("$SRGAN_DATA/Set14/HR/baboon.png", DataRoot.Shown(Path.Combine(data, "Set14", "HR", "baboon.png"), data, weights));
        string beside = Path.GetRelativePath(repo, data).Replace('\\', '/');
        if (beside.StartsWith("../") && !beside[3..].StartsWith("../")) // the root itself, beside the repository: ../shared/data
            Assert.Equal(beside, DataRoot.Shown(data, data, weights));
        Assert.Equal("/somewhere/else/x.png", DataRoot.Shown("/somewhere/else/x.png", data, weights));
        Assert.Equal("$SRGAN_DATA", DataRoot.Shown("/far/away/data", "/far/away/data", weights)); // a root far from the repository: its name
    }

    /// <summary>Committed results and notebooks (their executed copies included) name no folder of the machine that made
    /// them: a reader's clone has other folders, and a home folder names a person.</summary>
    [Fact]
    public void Committed_results_and_notebooks_carry_no_absolute_paths()
    {
        string repo = DataRoot.RepositoryRoot();
        var (code, listed, error) = TestProcess.Run("git", ["ls-files", "results", "notebooks"], workingDirectory: repo);
        Assert.True(code == 0, error);
        var files = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => !System.Text.RegularExpressions.Regex.IsMatch(f, @"\.(png|jpg|safetensors|pt|db)$")).ToList();
        Assert.Contains(files, f => f.EndsWith(".ipynb"));
        var absolute = new System.Text.RegularExpressions.Regex(@"(?<![\w.\-/~$])/(?:work|tmp|home|root|Users|mnt|opt|srv|var|data)/");
        string here = Path.GetDirectoryName(repo)!; // this machine's own folders, whatever they are called
        var found = new List<string>();
        foreach (string file in files)
        {
            string[] lines = File.ReadAllLines(Path.Combine(repo, file));
            for (int k = 0; k < lines.Length; k++)
                if (absolute.IsMatch(lines[k]) || (here.Length > 1 && lines[k].Contains(here + "/")))
                    found.Add($"{file}:{k + 1}: {lines[k].Trim()[..Math.Min(160, lines[k].Trim().Length)]}");
        }
        Assert.True(found.Count == 0, $"{found.Count} line(s) with an absolute path:\n{string.Join("\n", found.Take(20))}");
    }

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
