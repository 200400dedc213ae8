using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Imaging;

/// <summary>Conversions between images and float tensors (3 x H x W, values in [0,1]).</summary>
public static class ImageTensor
{
    public static Tensor ToTensor(RgbImage image, Device? device = null)
    {
        int plane = image.Width * image.Height;
        var data = new float[3 * plane];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) data[c * plane + p] = image.Pixels[p * 3 + c] / 255f;
        return tensor(data, [3, image.Height, image.Width], device: device);
    }

    public static Tensor ToTensor(PlanarImage image, Device? device = null) =>
        tensor(image.Data, [3, image.Height, image.Width], device: device);

    /// <summary>A 3 x H x W (or 1 x 3 x H x W) tensor in [0,1] to uint8, clamped and rounded half away from zero.</summary>
    public static RgbImage ToImage(Tensor t)
    {
        var (w, h, samples) = ToSamples(t, 255);
        return new RgbImage(w, h, Array.ConvertAll(samples, v => (byte)v));
    }

    /// <summary>A 3 x H x W (or 1 x 3 x H x W) tensor in [0,1] to interleaved RGB samples of 0..<paramref name="maxValue"/>
    /// (255: uint8; 65535: uint16), clamped and rounded half away from zero as MATLAB converts doubles.</summary>
    public static (int Width, int Height, ushort[] Samples) ToSamples(Tensor t, int maxValue)
    {
        using var scope = NewDisposeScope();
        var x = t.dim() == 4 ? t.squeeze(0) : t;
        if (x.dim() != 3 || x.shape[0] != 3)
            throw new ArgumentException($"Expected a 3 x H x W image tensor, got shape [{string.Join(", ", t.shape)}].");
        int h = (int)x.shape[1], w = (int)x.shape[2];
        var data = x.detach().to(float64).cpu().contiguous().data<double>().ToArray();
        var samples = new ushort[3 * w * h];
        int plane = w * h;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) samples[p * 3 + c] = ToSample(data[c * plane + p], maxValue);
        return (w, h, samples);
    }

    /// <summary>A value in [0,1] to a sample of 0..<paramref name="maxValue"/>: clamped and rounded half away from zero,
    /// as MATLAB converts doubles (a float32 value converted to double first, exactly).</summary>
    public static ushort ToSample(double value, int maxValue)
    {
        double r = Math.Round(value * maxValue, MidpointRounding.AwayFromZero);
        return (ushort)(r <= 0 ? 0 : r >= maxValue ? maxValue : r);
    }

    /// <summary>A batch of crops as tensors (N x 3 x size x size).</summary>
    public static (Tensor Lr, Tensor Hr) ToTensors(Data.CropBatch batch, Device? device = null) => (
        tensor(batch.Lr, [batch.Count, 3, batch.LrSize, batch.LrSize], device: device),
        tensor(batch.Hr, [batch.Count, 3, batch.HrSize, batch.HrSize], device: device));
}
