using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Metrics;

public class NiqeTests(ITestOutputHelper output)
{
    static Niqe Model() => Niqe.Load(SharedData.Path_("extra", "niqe", "niqe_pris_params.npz"));

    [Fact]
    public void Baboon_scores_as_matlab()
    {
        double score = Model().Compute(ImageFile.Read(SharedData.Path_("extra", "niqe", "baboon.png")));
        output.WriteLine($"NIQE(baboon) = {score:F8}; MATLAB 5.72957338");
        Assert.Equal(5.72957338, score, 0.001);
    }

    [Fact]
    public void Blur_makes_an_image_less_natural()
    {
        var hr = ImageFile.Read(Path.Combine(SharedData.Set("BSD100"), "3096.png")).ModCrop(4);
        var model = Model();
        double sharp = model.Compute(hr), blurred = model.Compute(MatlabResize.Resize(MatlabResize.Resize(hr, 0.25), 4));
        output.WriteLine($"NIQE sharp {sharp:F3}, bicubic 4x {blurred:F3}");
        Assert.True(blurred > sharp + 1, $"bicubic-upscaled image should score clearly worse: {blurred} vs {sharp}");
    }

    [Fact]
    public void Images_smaller_than_a_block_and_bad_parameter_files_are_refused()
    {
        Assert.Contains("96x96", Assert.Throws<ArgumentException>(() => Model().Compute(TestImagesFor.Flat(90, 200, 5))).Message);
        using var temp = new SharedData.TempFolder();
        File.WriteAllText(temp.File("bad.npz"), "not a zip");
        Assert.Contains("bad.npz", Assert.Throws<InvalidDataException>(() => Niqe.Load(temp.File("bad.npz"))).Message);
    }
}
