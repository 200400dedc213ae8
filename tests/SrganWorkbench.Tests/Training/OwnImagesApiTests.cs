using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Tests.Data;
using SrganWorkbench.Training;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Training;

/// <summary>README's "Your own images" in C#, as a notebook cell writes it: a TrainingConfig naming a folder, the Evaluator scoring one.</summary>
[Collection("training")]
public class OwnImagesApiTests(ITestOutputHelper output)
{
    [Fact]
    public void A_config_names_a_folder_to_train_on_and_resumes_from_it_and_the_evaluator_scores_a_folder()
    {
        using var temp = new SharedData.TempFolder();
        string photos = OwnImageFoldersTests.MakeGenerated(temp.File("photos")), run = temp.File("run");
        var config = TrainingConfig.ForProfile("smoke", ModelKind.SRResNet).WithImages(TrainingImages.OfFolders(photos)) with { Steps = 6, Device = "cpu" };
        var lines = new List<string>();
        var result = new Trainer(config, run, SharedData.Root, line => { lines.Add(line); output.WriteLine(line); }).Run();
        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.Contains(lines, l => l.StartsWith($"training images: 3 from the folder {photos}; skipped 1"));
        var saved = TrainingConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json")), "config.json");
        Assert.Equal([photos], saved.TrainFolders); // the folder, and no catalogued set
        Assert.Empty(saved.TrainSets);
        // A longer run resumes from it: the folder is part of the config a resumed run must match.
        Assert.Equal(TrainingStatus.Completed, new Trainer(config with { Steps = 8 }, run, SharedData.Root, output.WriteLine).Run(resume: true).Status);
        var other = Assert.Throws<InvalidDataException>(() => new Trainer(config.WithImages(TrainingImages.OfSets("Set5")) with { Steps = 10 }, run, SharedData.Root, output.WriteLine).Run(resume: true));
        Assert.Contains("trainFolders", other.Message);

        var model = TrainedModel.Load(run);
        Assert.Contains("trained on photos", model.Description);
        var scores = new Evaluator(new EvaluationOptions { ComputeNiqe = false, ComputeLpips = false }, SharedData.Root)
            .Run([model.Upscaler], [TestSet.FromFolder(SharedData.Set("Set5"), "my-set5"), TestSet.Catalogued("Set5")]);
        var summary = EvaluationReport.Summarise(scores);
        Assert.Equal(["my-set5", "Set5"], summary.Select(s => s.Set));
        Assert.Equal(summary[1].Psnr, summary[0].Psnr);
    }

    [Fact]
    public void A_preset_sizes_its_crop_on_the_runs_own_images()
    {
        using var temp = new SharedData.TempFolder();
        string photos = OwnImageFoldersTests.MakeGenerated(temp.File("photos"));
        var c = Presets.Keras384.ForData("ablation", dataRoot: SharedData.Root, images: TrainingImages.OfFolders(photos));
        Assert.Equal([photos], c.TrainFolders);
        Assert.Empty(c.TrainSets);
        Assert.Contains("training images: the original's data set; here photos, the run's own", c.Substitutions);
        // Shorter sides after modcrop 100, 88, 64, 20: at least half hold 88, so 80 (a multiple of 16) instead of 384.
        Assert.Equal(80, c.Data.HrSize);
        Assert.Contains(c.Substitutions, s => s.StartsWith("HR 384 / LR 96 crops in the original; here 80 / 20") && s.Contains("(photos)"));
    }
}
