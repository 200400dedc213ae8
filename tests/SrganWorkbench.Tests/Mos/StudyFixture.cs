using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Mos;

namespace SrganWorkbench.Tests.Mos;

/// <summary>Small real studies built once for the site tests: Set5 (17 rated items) and 100 rated items for load.</summary>
// public: xunit class fixtures must be; internal members keep the helper types internal.
public sealed class StudyFixture : IDisposable
{
    readonly SharedData.TempFolder _temp = new();
    public string Small { get; }
    public string Large { get; }

    public StudyFixture()
    {
        var methods = new ISuperResolver[] { new InterpolationUpscaler(ResizeKernel.Nearest), new InterpolationUpscaler(ResizeKernel.Bicubic) };
        Small = _temp.File("small");
        StudyBuilder.Build(Small, methods, new StudyOptions { Name = "small", Sets = ["Set5"], CalibrationPairs = 2, Repeats = 2, Seed = 1 }, SharedData.Root);
        Large = _temp.File("large");
        StudyBuilder.Build(Large, methods, new StudyOptions { Name = "large", Sets = ["BSD100"], ImagesPerSet = 33, CalibrationPairs = 0, Repeats = 1, Seed = 2 }, SharedData.Root);
    }

    /// <summary>A copy of a study with a fresh database, so tests do not share ratings.</summary>
    internal string Copy(string study, SharedData.TempFolder into)
    {
        string target = Path.Combine(into.Path, Path.GetFileName(study) + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(target, Study.ImagesFolder));
        File.Copy(Path.Combine(study, Study.ManifestName), Path.Combine(target, Study.ManifestName));
        foreach (var f in Directory.GetFiles(Path.Combine(study, Study.ImagesFolder)))
            File.Copy(f, Path.Combine(target, Study.ImagesFolder, Path.GetFileName(f)));
        return target;
    }

    public void Dispose() => _temp.Dispose();
}
