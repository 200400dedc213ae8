using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Training;

namespace SrganWorkbench.Tests.Evaluation;

/// <summary>Notebook 04's conclusions: worded from the scores, on the committed runs and on made-up ones that change the wording.</summary>
public class AblationFindingsTests
{
    static SetScore Score(string method, double psnr, double? lpips = null, double? niqe = null, double? periodic = null) =>
        new("Set14", method, 14, psnr, 0.7, niqe, null, lpips, periodic);

    static AblationScores Scores(IEnumerable<(string Run, SetScore Score)> runs, params SetScore[] references) =>
        new(runs.ToDictionary(r => r.Run, r => (IReadOnlyList<SetScore>)[r.Score]), references, "srresnet-cpu", "Set14");

    static readonly TrainingConfig Srgan = TrainingConfig.ForProfile("ablation", ModelKind.Srgan);

    [Fact]
    public void Order_joins_labels_by_value()
    {
        var rows = new[] { ("a", 1.0), ("b", 3.0), ("c", 2.0) };
        Assert.Equal("b > c > a", AblationFindings.Order(rows, descending: true));
        Assert.Equal("a < c < b", AblationFindings.Order(rows, descending: false));
    }

    [Fact]
    public void The_weights_finding_says_whether_psnr_and_lpips_fall_at_every_step()
    {
        var weights = AblationGrid.For(AblationQuestion.Weights);
        string[] peers = ["tensorlayer-srgan"];
        var peer = Score("tensorlayer-srgan", 25.96, lpips: 0.174);
        // Weights 0, 1e-4, 1e-3, 1e-2 in the grid's order: srresnet-vgg22, adv-1e-4, srgan-vgg22, adv-1e-2.
        (string, SetScore)[] Curve(double lastLpips) =>
            [("srresnet-vgg22", Score("x", 28, 0.30)), ("adv-1e-4", Score("x", 27.5, 0.28)), ("srgan-vgg22", Score("x", 27, 0.26)), ("adv-1e-2", Score("x", 26, lastLpips))];
        string trade = AblationFindings.Weights(Scores(Curve(0.25), peer), weights, Srgan, peers);
        Assert.Contains("from adversarial weight 0 to 1e-2: PSNR 28.00 -> 26.00 dB (falling at every step), LPIPS 0.300 -> 0.250 (falling at every step: the trade-off the paper describes)", trade);
        Assert.Contains("The peers: tensorlayer-srgan 25.96 dB, LPIPS 0.174.", trade);
        Assert.Contains("not falling at every step", AblationFindings.Weights(Scores(Curve(0.27), peer), weights, Srgan, peers));
        Assert.Contains("Not enough yet: 1 of 4 weights scored", AblationFindings.Weights(Scores(Curve(0.25).Take(1), peer), weights, Srgan, peers));
    }

    [Fact]
    public void The_content_finding_compares_our_psnr_order_with_the_papers()
    {
        var content = AblationGrid.For(AblationQuestion.Content);
        var start = Score("srresnet-cpu", 28);
        // The paper's Set14 PSNR: SRResNet-MSE > SRResNet-VGG22 > SRGAN-MSE > SRGAN-VGG22 (Table 1).
        var asPaper = Scores([("srresnet-vgg22", Score("a", 27, 0.25, 6)), ("srgan-mse", Score("b", 26.5, 0.26, 6.2)), ("srgan-vgg22", Score("c", 26, 0.24, 5.9))], start);
        Assert.Contains("ours SRResNet-MSE > SRResNet-VGG22 > SRGAN-MSE > SRGAN-VGG22: the same", AblationFindings.Content(asPaper, content, Srgan));
        var swapped = Scores([("srresnet-vgg22", Score("a", 27, 0.25, 6)), ("srgan-mse", Score("b", 25, 0.26, 6.2)), ("srgan-vgg22", Score("c", 26, 0.24, 5.9))], start);
        Assert.Contains(": different)", AblationFindings.Content(swapped, content, Srgan));
        Assert.Contains("Nothing yet: none of the content runs is trained here", AblationFindings.Content(Scores([], start), content, Srgan));
    }

    [Fact]
    public void The_upsampling_and_preset_findings_order_and_count()
    {
        var upsampling = AblationGrid.For(AblationQuestion.Upsampling);
        var s = Scores([("up-subpixel", Score("a", 27.05, periodic: 8.8)), ("up-nearest", Score("b", 27.02, periodic: 4.6))], Score("bicubic", 24, periodic: 0.4));
        string up = AblationFindings.Upsampling(s, upsampling, TrainingConfig.ForProfile("ablation", ModelKind.SRResNet), -1.7);
        Assert.Contains("orders the upsampling types sub-pixel > nearest + conv (sub-pixel 8.8 dB, nearest + conv 4.6 dB; bicubic 0.4 dB, baboon's HR -1.7 dB)", up);
        Assert.Contains("No upsampling run is scored yet", AblationFindings.Upsampling(Scores([]), upsampling, Srgan, 0));
        var presets = AblationGrid.For(AblationQuestion.Presets);
        var configs = presets.Select(r => (r.Name, Presets.Get(r.Name).ForData("ablation"))).ToList();
        string text = AblationFindings.Presets(Scores([]), presets, configs, Srgan);
        Assert.Contains("No preset is scored yet.", text);
        Assert.All(configs, c => Assert.Contains($"{c.Name} takes {c.Item2.Steps:N0} Adam steps of {c.Item2.Data.BatchSize} x {c.Item2.Data.HrSize} px", text));
    }

    [Fact]
    public void On_the_committed_runs_the_weights_finding_is_the_one_the_executed_notebook_shows()
    {
        string repo = DataRoot.RepositoryRoot();
        var s = new AblationScores(AblationGrid.Scores(Path.Combine(repo, AblationGrid.Folder)), SummaryCsv.Read(Path.Combine(repo, "results", "table-cpu", "summary.csv")), "srresnet-cpu", "Set14");
        string text = AblationFindings.Weights(s, AblationGrid.For(AblationQuestion.Weights), Srgan, ["leftthomas-srgan", "tensorlayer-srgan"]);
        Assert.Contains("PSNR 27.80 -> 25.80 dB (falling at every step), LPIPS 0.241 -> 0.255 (not falling at every step)", text);
    }
}
