using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Tests.Imaging;

namespace SrganWorkbench.Tests.Evaluation;

/// <summary>A folder of one's own HR images as a test set (<see cref="TestSet"/>): the catalogued sets' protocol, its own name.</summary>
public class FolderTestSetTests
{
    static readonly ISuperResolver[] Bicubic = [new InterpolationUpscaler(ResizeKernel.Bicubic)];

    static Evaluator NewEvaluator(bool niqe = false) =>
        new(new EvaluationOptions { ComputeNiqe = niqe, ComputeLpips = false, ComputePeriodic = true, ComputeSsimDaala = true }, SharedData.Root);

    [Fact]
    public void A_copy_of_set5_in_subfolders_scores_set5s_numbers_under_its_own_name()
    {
        using var temp = new SharedData.TempFolder();
        string copy = temp.File("mine");
        foreach (string file in Directory.GetFiles(SharedData.Set("Set5")))
        {
            // Two of the five one folder down: a folder is searched recursively and names them by their path in it.
            string name = Path.GetFileName(file), target = name is "baby.png" or "woman.png" ? Path.Combine(copy, "people", name) : Path.Combine(copy, name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var catalogued = NewEvaluator().Run(Bicubic, ["Set5"]).ToDictionary(s => s.Image);
        var folder = NewEvaluator().Run(Bicubic, [TestSet.FromFolder(copy)]);
        Assert.Equal(["bird.png", "butterfly.png", "head.png", "people/baby.png", "people/woman.png"], folder.Select(s => s.Image));
        Assert.All(folder, s => Assert.Equal("mine", s.Set));
        foreach (var s in folder)
            Assert.Equal(catalogued[Path.GetFileName(s.Image)] with { Set = "mine", Image = s.Image }, s); // every measure, exactly
        Assert.Null(EvaluationReport.Summarise(folder).Single().Paper); // no paper numbers beside other images
    }

    [Fact]
    public void Names_are_the_folders_or_given_and_cannot_be_a_catalogued_sets()
    {
        using var temp = new SharedData.TempFolder();
        Assert.Equal(("photos", Path.Combine(temp.Path, "photos")), (TestSet.Parse(temp.File("photos") + "/").Name, TestSet.Parse(temp.File("photos")).Folder));
        Assert.Equal(("micro", temp.File("a=b")), (TestSet.Parse($"micro={temp.File("a=b")}").Name, TestSet.Parse($"micro={temp.File("a=b")}").Folder));
        Assert.Equal("a=b", TestSet.Parse(temp.File("a=b")).Name); // '=' after a path separator is part of the folder
        Assert.Contains("cannot name the test images", Assert.Throws<ArgumentException>(() => TestSet.Parse($"a,b={temp.Path}")).Message);

        var e = Assert.Throws<ArgumentException>(() => NewEvaluator().Run(Bicubic, [TestSet.FromFolder(SharedData.Set("Set5"), "set5")]));
        Assert.Contains("'set5' is the name of the catalogued set Set5; name the folder apart (NAME=DIR)", e.Message);
        var twice = Assert.Throws<ArgumentException>(() => NewEvaluator().Run(Bicubic, [TestSet.FromFolder(SharedData.Set("Set5"), "x"), TestSet.FromFolder(SharedData.Set("Set14"), "X")]));
        Assert.StartsWith("Two test sets are named 'x'", twice.Message);
    }

    [Fact]
    public void Images_too_small_for_a_measure_are_named_with_what_it_needs()
    {
        using var temp = new SharedData.TempFolder();
        string folder = temp.File("small");
        Directory.CreateDirectory(folder);
        ImageFile.WritePng(Path.Combine(folder, "ok.png"), TestImages.Pattern(120, 120));
        ImageFile.WritePng(Path.Combine(folder, "thumb.png"), TestImages.Pattern(102, 200)); // 100 px after modcrop: NIQE needs 96 inside a 4 px border
        var e = Assert.Throws<ArgumentException>(() => NewEvaluator(niqe: true).Run(Bicubic, [TestSet.FromFolder(folder)]));
        Assert.Equal($"small={folder}: 1 of 2 image(s) too small to score at 4x: thumb.png (102x200); NIQE needs at least 104x104 px after modcrop " +
            "to a multiple of 4 (its minimum inside the 4-px border). Remove them, or leave NIQE out (srgan eval --no-niqe, ComputeNiqe = false).", e.Message);
        Assert.Equal(2, NewEvaluator(niqe: false).Run(Bicubic, [TestSet.FromFolder(folder)]).Count); // without NIQE, both are scored

        var matlab = new Evaluator(new EvaluationOptions { LrSource = LrSource.Matlab, ComputeNiqe = false, ComputeLpips = false }, SharedData.Root);
        Assert.Contains("MATLAB-made LR images exist for the catalogued Set5 and Set14 only", Assert.Throws<ArgumentException>(() => matlab.Run(Bicubic, [TestSet.FromFolder(folder)])).Message);
    }
}
