using SrganWorkbench.Data;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Tests.Data;

public class TrainingCropsTests
{
    static IReadOnlyList<string> Set5() => ImageFolder.List(SharedData.Set("Set5"));

    [Fact]
    public void Batches_have_the_papers_shapes_and_value_range()
    {
        var crops = new TrainingCrops(Set5(), new CropOptions { Seed = 1 });
        var batch = crops.GetBatch(0);
        Assert.Equal((16, 24, 96), (batch.Count, batch.LrSize, batch.HrSize));
        Assert.Equal(16 * 3 * 24 * 24, batch.Lr.Length);
        Assert.Equal(16 * 3 * 96 * 96, batch.Hr.Length);
        Assert.All(batch.Hr, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(batch.Hr, v => v > 0.5f);
    }

    [Fact]
    public void A_batch_depends_only_on_seed_and_index()
    {
        var a = new TrainingCrops(Set5(), new CropOptions { Seed = 42 });
        var b = new TrainingCrops(Set5(), new CropOptions { Seed = 42 });
        Assert.Equal(a.GetBatch(7).Hr, b.GetBatch(7).Hr);
        Assert.Equal(a.GetBatch(7).Lr, b.GetBatch(7).Lr);
        Assert.NotEqual(a.GetBatch(7).Hr, a.GetBatch(8).Hr);
        Assert.NotEqual(a.GetBatch(7).Hr, new TrainingCrops(Set5(), new CropOptions { Seed = 43 }).GetBatch(7).Hr);
    }

    [Fact]
    public void Batches_do_not_depend_on_the_number_of_workers()
    {
        var one = new TrainingCrops(Set5(), new CropOptions { Seed = 4, Workers = 1 }).GetBatch(2);
        var two = new TrainingCrops(Set5(), new CropOptions { Seed = 4, Workers = 2 }).GetBatch(2);
        Assert.Equal(one.Hr, two.Hr);
        Assert.Equal(one.Lr, two.Lr);
    }

    [Fact]
    public void Lr_crop_is_the_matching_region_of_the_whole_image_lr()
    {
        string file = Path.Combine(SharedData.Set("Set5"), "woman.png");
        var crops = new TrainingCrops([file], new CropOptions { Seed = 3, Augment = false, BatchSize = 4 });
        var hr = ImageFile.Read(file).ModCrop(4);
        var wholeLr = MatlabResize.Resize(hr, 0.25);
        var batch = crops.GetBatch(0);
        for (int i = 0; i < batch.Count; i++)
        {
            var hrCrop = batch.HrImage(i);
            var lrCrop = batch.LrImage(i);
            var (x, y) = Locate(hr, hrCrop);
            Assert.True(x % 4 == 0 && y % 4 == 0, $"HR crop at ({x},{y}) is not on the LR grid");
            Assert.Equal(wholeLr.Crop(x / 4, y / 4, 24, 24).Pixels, lrCrop.Pixels);
        }
    }

    [Fact]
    public void Augmentation_applies_the_same_symmetry_to_lr_and_hr()
    {
        var plain = new TrainingCrops(Set5(), new CropOptions { Seed = 5, Augment = false }).GetBatch(3);
        var augmented = new TrainingCrops(Set5(), new CropOptions { Seed = 5, Augment = true }).GetBatch(3);
        int nonIdentity = 0;
        for (int i = 0; i < plain.Count; i++)
        {
            var hrPlain = plain.HrImage(i);
            var hrAug = augmented.HrImage(i);
            int t = Enumerable.Range(0, 8).First(k => Transform(hrPlain, k).Pixels.SequenceEqual(hrAug.Pixels));
            Assert.Equal(Transform(plain.LrImage(i), t).Pixels, augmented.LrImage(i).Pixels);
            if (t != 0) nonIdentity++;
        }
        Assert.True(nonIdentity > 0);
    }

    [Fact]
    public void Prefetched_stream_yields_the_same_batches_in_order()
    {
        var crops = new TrainingCrops(Set5(), new CropOptions { Seed = 9, Prefetch = 2 });
        var streamed = crops.Stream(start: 5).Take(4).ToList();
        Assert.Equal([5L, 6, 7, 8], streamed.Select(b => b.Index));
        for (int k = 0; k < 4; k++) Assert.Equal(crops.GetBatch(5 + k).Hr, streamed[k].Hr);
    }

    [Fact]
    public void Stream_stops_when_cancelled()
    {
        var crops = new TrainingCrops(Set5(), new CropOptions { Seed = 9, BatchSize = 2 });
        using var cancel = new CancellationTokenSource();
        int n = 0;
        foreach (var _ in crops.Stream(0, cancel.Token)) { if (++n == 3) cancel.Cancel(); }
        Assert.Equal(3, n);
    }

    [Fact]
    public void Images_smaller_than_a_crop_are_skipped_and_reported()
    {
        var crops = new TrainingCrops(ImageFolder.List(SharedData.Set("T91")));
        Assert.Equal(["t20.png"], crops.Skipped.Select(Path.GetFileName));
        Assert.Equal(90, crops.Files.Count);
        var e = Assert.Throws<ArgumentException>(() => new TrainingCrops(crops.Skipped));
        Assert.Contains("96x96", e.Message);
    }

    [Fact]
    public void Gaussian_degradation_is_used_when_chosen()
    {
        var bicubic = new TrainingCrops(Set5(), new CropOptions { Seed = 2 }).GetBatch(0);
        var gaussian = new TrainingCrops(Set5(), new CropOptions { Seed = 2, Degradation = "gaussian" }).GetBatch(0);
        Assert.Equal(bicubic.Hr, gaussian.Hr);
        Assert.NotEqual(bicubic.Lr, gaussian.Lr);
    }

    static (int X, int Y) Locate(RgbImage whole, RgbImage crop)
    {
        for (int y = 0; y + crop.Height <= whole.Height; y++)
            for (int x = 0; x + crop.Width <= whole.Width; x++)
                if (whole[y, x, 0] == crop[0, 0, 0] && whole.Crop(x, y, crop.Width, crop.Height).Pixels.SequenceEqual(crop.Pixels)) return (x, y);
        throw new Xunit.Sdk.XunitException("crop not found in the image");
    }

    /// <summary>The 8 symmetries, independently of the dataset's code: bit 0 flips x, bit 1 flips y, bit 2 transposes.</summary>
    static RgbImage Transform(RgbImage image, int t)
    {
        int n = image.Width;
        var result = new RgbImage(n, n);
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                int sx = (t & 1) != 0 ? n - 1 - x : x, sy = (t & 2) != 0 ? n - 1 - y : y;
                if ((t & 4) != 0) (sx, sy) = (sy, sx);
                for (int c = 0; c < 3; c++) result[y, x, c] = image[sy, sx, c];
            }
        return result;
    }

    [Fact]
    public void Whole_image_items_are_the_image_resized_and_its_degraded_lr()
    {
        string baby = Path.Combine(SharedData.Set("Set5"), "baby.png");
        var crops = new TrainingCrops([baby], new CropOptions { HrSize = 64, BatchSize = 2, WholeImage = true, Augment = false });
        var batch = crops.GetBatch(3);
        var hr = MatlabResize.Resize(ImageFile.Read(baby).ModCrop(4), 64, 64);
        var lr = new BicubicDegradation(4).Apply(hr);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(hr.Pixels, batch.HrImage(i).Pixels);
            Assert.Equal(lr.Pixels, batch.LrImage(i).Pixels);
        }
        // No image is too small for a whole-image item: 512 px Set5 resized up to 1024 px.
        var large = new TrainingCrops(Set5(), new CropOptions { HrSize = 1024, BatchSize = 1, WholeImage = true });
        Assert.Empty(large.Skipped);
        Assert.Equal(1024, large.GetBatch(0).HrSize);
    }
}
