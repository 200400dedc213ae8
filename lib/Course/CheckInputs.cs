using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using static TorchSharp.torch;

namespace SrganWorkbench.Course;

/// <summary>Fixed inputs several notebooks' checks compare on, made one way.</summary>
static class CheckInputs
{
    /// <summary>Two 96x96 crops of Set5 (butterfly, bird): the bicubic x4 restoration of the bicubic LR and HR, in [-1, 1].</summary>
    internal static (Tensor Sr, Tensor Hr) Set5Crops(string? dataRoot)
    {
        string root = DataRoot.Resolve(dataRoot);
        var pairs = new[] { "butterfly.png", "bird.png" }.Select(name =>
        {
            var hr = ImageFile.Read(Path.Combine(root, "Set5", "HR", name)).ModCrop(4).Crop(0, 0, 96, 96);
            var sr = MatlabResize.Resize(new BicubicDegradation(4).Apply(hr), 4, ResizeKernel.Bicubic);
            return (Sr: ImageTensor.ToTensor(sr), Hr: ImageTensor.ToTensor(hr));
        }).ToList();
        return (stack(pairs.Select(p => p.Sr).ToArray()).mul(2).sub(1), stack(pairs.Select(p => p.Hr).ToArray()).mul(2).sub(1));
    }
}
