using System.Text.RegularExpressions;
using SrganWorkbench.Cli;
using SrganWorkbench.Losses;
using SrganWorkbench.Training;

namespace SrganWorkbench.Tests.Cli;

/// <summary>The parser's checks on srgan's options, and train's help, as a user meets them (a separate process).</summary>
public class CliOptionsTests
{
    static (int Code, string Out, string Err) Srgan(params string[] args) => TestProcess.Srgan(args);

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Theory]
    [InlineData("--adversarial 'hinge': expected one of bce, lsgan, wgan-gp, ragan.", "train", "--model", "srgan", "--adversarial", "hinge")]
    [InlineData("--model 'esrgan': expected one of srresnet, srgan.", "train", "--model", "esrgan")]
    [InlineData("--profile 'gpu': expected one of paper, cpu, ablation, smoke.", "train", "--profile", "gpu")]
    [InlineData("--channel 'ycbcr': expected one of y, rgb.", "eval", "--channel", "ycbcr")]
    [InlineData("--lr 'file': expected one of generated, matlab.", "eval", "--lr", "file")]
    [InlineData("--peer 'someone': expected one of leftthomas, tensorlayer.", "upscale", "x.png", "-o", "out", "--peer", "someone")]
    [InlineData("--degradation: Unknown degradation 'lanczos'", "eval", "--degradation", "lanczos")]
    [InlineData("--method: Unknown interpolation method 'lanczos'", "compare", "--image", "x.png", "--crop", "0,0,8,8", "-o", "x.png", "--method", "bicubic,lanczos")]
    public void A_bad_value_is_one_line_naming_the_option_and_what_it_accepts(string expected, params string[] args)
    {
        var (code, stdout, stderr) = Srgan(args);
        Assert.Equal(CliErrors.UserError, code);
        Assert.StartsWith($"error: {expected}", Assert.Single(Lines(stderr)));
        Assert.DoesNotContain(" at ", stderr); // no stack trace
        Assert.Empty(stdout); // nor the help text
    }

    [Fact]
    public void Choices_ignore_case_and_map_to_the_library_values()
    {
        Assert.Equal(ModelKind.Srgan, TrainingChoices.Models.Single(m => m.Name == "srgan").Value);
        Assert.Equal([GanObjective.Bce, GanObjective.LeastSquares, GanObjective.WganGp, GanObjective.RelativisticAverage],
            TrainingChoices.Adversarial.Select(a => a.Value));
        Assert.Equal(TrainingConfig.ProfileNames, TrainingChoices.Profiles.Select(p => p.Name));
        var (code, _, stderr) = Srgan("train", "--model", "SRGAN", "--adversarial", "LSGAN", "--profile", "Smoke", "--steps", "0", "--out", Path.GetTempPath());
        Assert.Equal(CliErrors.UserError, code); // past the parser: the library rejects 0 steps
        Assert.Contains("Steps must be positive", stderr);
    }

    [Theory]
    [InlineData("--profile", "smoke")]
    [InlineData("--model", "srgan")]
    [InlineData("--content", "vgg54")]
    public void Config_with_an_option_it_states_is_an_error_naming_both(string option, string value)
    {
        using var temp = new SharedData.TempFolder();
        string config = temp.File("config.json");
        File.WriteAllText(config, TrainingConfig.ForProfile("smoke", ModelKind.Srgan).ToJson());
        var (code, _, stderr) = Srgan("train", "--config", config, option, value, "--out", temp.File("run"));
        Assert.Equal(CliErrors.UserError, code);
        string line = Assert.Single(Lines(stderr));
        Assert.StartsWith($"error: --config and {option} cannot be combined", line);
        Assert.False(Directory.Exists(temp.File("run"))); // rejected before anything ran
    }

    [Fact]
    public void Train_help_states_every_profiles_defaults_from_the_code()
    {
        var (code, stdout, _) = Srgan("train", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--adversarial <bce|lsgan|wgan-gp|ragan>", stdout);
        Assert.Matches(@"--model <srresnet\|srgan>\s+.*\[default: srresnet\]", stdout);

        // The cpu SRResNet's step count, decay and batch, read from the profile itself.
        var cpu = TrainingConfig.ForProfile("cpu", ModelKind.SRResNet);
        Assert.Matches(new Regex($@"^\s*cpu\s+srresnet\s+{cpu.Steps}\s+{Regex.Escape(TrainingChoices.Number(cpu.LearningRate))}, " +
            $@"{Regex.Escape(TrainingChoices.Number(cpu.DecayedLearningRate))} from {cpu.DecayAtStep}\s+{cpu.Data.BatchSize} x {cpu.Data.HrSize} px\s+mse\s+-\s*$", RegexOptions.Multiline), stdout);
        // Every profile and kind: steps, learning rate, batch/crop, content loss x weight, adversarial objective x weight.
        foreach (string profile in TrainingConfig.ProfileNames)
            foreach (var (name, kind) in TrainingChoices.Models)
            {
                var c = TrainingConfig.ForProfile(profile, kind);
                string content = kind == ModelKind.SRResNet ? $"{c.Content}" : $"{c.Content} x {TrainingChoices.Number(c.ContentWeight)}" +
                    (c.PixelWeight != 0 ? $" + mse x {TrainingChoices.Number(c.PixelWeight)}" : "") + (c.GridWeight != 0 ? $" + grid x {TrainingChoices.Number(c.GridWeight)}" : "") +
                    (c.ChromaWeight != 0 ? $" + chroma x {TrainingChoices.Number(c.ChromaWeight)}" : "");
                string adversarial = kind == ModelKind.SRResNet ? "-" : $"{TrainingChoices.Name(c.Adversarial)} x {TrainingChoices.Number(c.AdversarialWeight)}";
                string[] cells = [profile, name, c.Steps.ToString(), TrainingChoices.LearningRate(c), $"{c.Data.BatchSize} x {c.Data.HrSize} px", content, adversarial];
                Assert.Matches(new Regex("^ +" + string.Join(" {2,}", cells.Select(Regex.Escape)) + " *$", RegexOptions.Multiline), stdout);
            }
        // The numbers people look for: the cpu SRGAN's weights (1e-4 content, 1 pixel MSE, 10 grid, 10 chroma, 1e-3 adversarial when these lines were written).
        var cpuGan = TrainingConfig.ForProfile("cpu", ModelKind.Srgan);
        Assert.Matches(Regex.Escape($"{cpuGan.Content} x {TrainingChoices.Number(cpuGan.ContentWeight)} + mse x {TrainingChoices.Number(cpuGan.PixelWeight)} + grid x {TrainingChoices.Number(cpuGan.GridWeight)} + chroma x {TrainingChoices.Number(cpuGan.ChromaWeight)}") + " {2,}" +
            Regex.Escape($"{TrainingChoices.Name(cpuGan.Adversarial)} x {TrainingChoices.Number(cpuGan.AdversarialWeight)}"), stdout);
    }

    [Theory]
    [InlineData(1e-3, "1e-3")]
    [InlineData(5e-4, "5e-4")]
    [InlineData(1e-5, "1e-5")]
    [InlineData(1.0, "1")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.0, "0")]
    public void Numbers_are_written_as_people_write_them(double value, string text) => Assert.Equal(text, TrainingChoices.Number(value));
}
