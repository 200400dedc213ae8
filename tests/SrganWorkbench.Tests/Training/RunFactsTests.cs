using SrganWorkbench.Data;
using SrganWorkbench.Training;

namespace SrganWorkbench.Tests.Training;

/// <summary>The facts notebooks quote about a committed run come from its files and those of the runs it started from.</summary>
public class RunFactsTests
{
    static string Results(string run) => Path.Combine(DataRoot.RepositoryRoot(), "results", run);

    [Fact]
    public void An_srgan_counts_its_srresnet_over_both_runs_and_names_its_recipe()
    {
        var facts = RunFacts.Read(Results("srgan-vgg22-cpu"));
        var lineage = RunLineage.Read(Results("srgan-vgg22-cpu"));
        long srresnet = lineage.Stages.Where(s => s.Config.Kind == ModelKind.SRResNet).Sum(s => s.Config.Steps);
        Assert.Equal(srresnet, facts.SrresnetSteps);
        Assert.Equal(lineage.Stages[^1].Config.Steps, facts.Steps);
        Assert.Equal(100.0 * srresnet / 1e6, facts.SrresnetPercentOfPaper, 9);
        Assert.Equal("srgan-vgg22-cpu (cpu recipe)", facts.Label); // extra terms beside the paper's loss: named
        Assert.Contains($"{facts.Steps:N0} SRGAN steps of 16 crops of 96 px, from an SRResNet of {srresnet:N0} steps (2 runs)", facts.Budget);
        Assert.NotNull(facts.Log);
    }

    [Fact]
    public void The_continued_srresnet_is_named_by_its_folder_not_by_the_method_it_shares()
    {
        var continued = RunFacts.Read(Results("srresnet-cpu-continued"));
        var first = RunFacts.Read(Results("srresnet-cpu"));
        Assert.Equal(first.Method, continued.Method); // both srresnet-cpu in tables made by method
        Assert.Equal(("srresnet-cpu-continued", "srresnet-cpu"), (continued.Label, first.Label)); // the paper's loss: no recipe
        Assert.Equal(first.Steps + continued.Steps, continued.SrresnetSteps);
        Assert.Equal(0, continued.SrganSteps);
        Assert.Equal(first.Steps, first.SrresnetSteps);
    }
}
