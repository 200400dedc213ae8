using SrganWorkbench.Cli;
using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Cli;

/// <summary>Command lines as reports record them: full paths shown without the machine's folders, existing or not.</summary>
public class CommandLineTests
{
    [Fact]
    public void Full_paths_in_arguments_are_shown_relative_or_by_variable_whether_they_exist_or_not()
    {
        string repo = DataRoot.RepositoryRoot();
        Assert.Equal("results/not-made-yet", CommandLine.Argument(Path.Combine(repo, "results", "not-made-yet"))); // an --out folder before it exists
        Assert.Equal("results/a,results/b", CommandLine.Argument($"{Path.Combine(repo, "results", "a")},{Path.Combine(repo, "results", "b")}"));
        Assert.Equal("--out=results/x", CommandLine.Argument($"--out={Path.Combine(repo, "results", "x")}"));
        Assert.Equal("Set5,Set14", CommandLine.Argument("Set5,Set14"));
        Assert.Equal("--crop", CommandLine.Argument("--crop"));
        Assert.Equal("100,80,96,96", CommandLine.Argument("100,80,96,96"));
        Assert.Equal("mine=results/photos,results/b", CommandLine.Argument($"mine={Path.Combine(repo, "results", "photos")},{Path.Combine(repo, "results", "b")}")); // --hr-dir NAME=DIR
        Assert.Equal("--hr-dir=mine=results/photos", CommandLine.Argument($"--hr-dir=mine={Path.Combine(repo, "results", "photos")}"));
        Assert.Equal("a=b", CommandLine.Argument("a=b"));
    }
}
