namespace SrganWorkbench.Tests.Cli;

/// <summary><c>srgan reproduce</c> as a user runs it: a missing run folder is one line naming the row and the folder.</summary>
public class ReproduceCliTests
{
    [Fact]
    public void A_missing_model_folder_is_a_one_line_error_naming_it()
    {
        using var temp = new SharedData.TempFolder();
        string missing = temp.File("no-such-run");
        var (code, _, stderr) = TestProcess.Srgan("reproduce", "--srgan-mse", missing, "--sets", "Set5", "--out", temp.File("out"));
        Assert.Equal(2, code);
        Assert.Equal($"error: SRGAN-MSE: run folder '{missing}' not found (it needs generator.safetensors or checkpoint.safetensors; bash results/train-cpu.sh makes the committed ones).",
            stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.StartsWith("error:")));
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public void Help_names_the_committed_runs_it_reads()
    {
        var (code, stdout, _) = TestProcess.Srgan("reproduce", "--help");
        Assert.Equal(0, code);
        Assert.Contains("results/srgan-vgg22-cpu", stdout);
        Assert.Contains("--srgan-vgg54", stdout);
    }
}
