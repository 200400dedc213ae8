using SrganWorkbench.Data;
using SrganWorkbench.Training;

namespace SrganWorkbench.Tests.Training;

public class RunLineageTests
{
    static string Results(string run) => Path.Combine(DataRoot.RepositoryRoot(), "results", run);

    [Fact]
    public void The_committed_srgan_goes_back_through_both_srresnet_runs()
    {
        var lineage = RunLineage.Read(Results("srgan-mse-cpu"));
        Assert.Equal(new[] { "srresnet-cpu", "srresnet-cpu-continued", "srgan-mse-cpu" }, lineage.Stages.Select(s => Path.GetFileName(s.Folder)));
        var (first, second, gan) = (lineage.Stages[0], lineage.Stages[1], lineage.Stages[2]);
        Assert.Equal((0L, first.Config.Steps, first.Config.Steps + second.Config.Steps), (first.StepOffset, second.StepOffset, gan.StepOffset));
        Assert.Equal(first.Config.Steps + second.Config.Steps, lineage.Steps(ModelKind.SRResNet));
        Assert.Equal(gan.Config.Steps, lineage.Steps(ModelKind.Srgan));

        // The logs end to end: steps rise without repeats, and each stage's entries keep their values.
        var losses = lineage.Log().Where(e => e.ContainsKey("loss") || e.ContainsKey("g_loss")).Select(e => e["step"]).ToList();
        Assert.True(losses.Zip(losses.Skip(1)).All(p => p.Second > p.First), "steps must rise across the stages");
        Assert.Equal(gan.StepOffset + gan.Config.Steps, losses[^1]);
        var secondLog = TrainingLog.Read(Path.Combine(second.Folder, "log.jsonl"));
        var firstPsnr = secondLog.First(e => e.ContainsKey("set5_psnr"));
        Assert.Contains(lineage.Log(), e => e.TryGetValue("set5_psnr", out var p) && p == firstPsnr["set5_psnr"] && e["step"] == firstPsnr["step"] + second.StepOffset);
    }

    [Fact]
    public void A_run_from_scratch_is_its_own_lineage_and_a_folder_without_a_config_is_named()
    {
        var lineage = RunLineage.Read(Results("srresnet-cpu"));
        Assert.Single(lineage.Stages);
        Assert.Equal(0, lineage.Stages[0].StepOffset);
        var error = Assert.Throws<FileNotFoundException>(() => RunLineage.Read(Results("table-cpu")));
        Assert.Contains("table-cpu", error.Message);
        Assert.Contains("config.json", error.Message);
    }
}
