using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;
using SrganWorkbench.Tests.Imaging;

namespace SrganWorkbench.Tests.Inference;

/// <summary>
/// Issue 31: `upscale --tile` reads, upscales and writes a band of tiles at a time. Its files are byte for byte the
/// in-memory tiled upscale's (the same blend, the same floats), on Set14 images with the committed SRResNet
/// (results/srresnet-cpu-continued), including grids whose last tiles overlap two others, and photos with grey,
/// alpha and 16 bits.
/// </summary>
public class BandedUpscaleTests
{
    static ModelUpscaler Model(TileOptions tiles, bool histogramMatch = false) =>
        TrainedModel.Load(Path.Combine(DataRoot.RepositoryRoot(), "results", "srresnet-cpu-continued"), tiles: tiles, histogramMatch: histogramMatch).Upscaler;

    /// <summary>The in-memory tiled upscale written by ImageFile, and the streamed one; the bands each write got.</summary>
    static (byte[] InMemory, byte[] Streamed, int Writes, string? Whole) Both(ModelUpscaler model, string input, SharedData.TempFolder temp)
    {
        string inMemory = temp.File("in-memory.png"), streamed = temp.File("streamed.png");
        ImageFile.WritePng(inMemory, model.Upscale(ImageFile.ReadPhoto(input)));
        using var rows = ImageFile.OpenRows(input);
        int writes = 0, s = model.Scale;
        var ticks = new List<(int Done, int Total)>();
        ImageFile.WritePng(streamed, rows.Width * s, rows.Height * s, rows.Channels, rows.BitDepth, png => model.Upscale(rows, band =>
        {
            writes++;
            png.WriteRows(band);
        }, (done, total) => ticks.Add((done, total))));
        Assert.True(ticks.Count == 0 || ticks[^1].Done == ticks[^1].Total);
        return (File.ReadAllBytes(inMemory), File.ReadAllBytes(streamed), writes, model.WholeBecause(rows.Width, rows.Height));
    }

    [Fact]
    public void Streamed_tiled_output_is_the_in_memory_tiled_output_byte_for_byte()
    {
        using var temp = new SharedData.TempFolder();
        // Set14's comic, 250 x 345: with 48 px tiles overlapping by 16 the last tile of each row and column starts within
        // 16 px of the one before it, so three tiles overlap there (what a band carries over is carried twice).
        string input = temp.File("comic.png");
        ImageFile.WritePng(input, ImageFile.Read(SharedData.Path_("Set14", "HR", "comic.png")).Crop(0, 0, 250, 345));
        var tiles = new TileOptions(48, 16);
        Assert.Equal([0, 32, 64, 96, 128, 160, 192, 202], tiles.Starts(250));
        Assert.Equal(297, tiles.Starts(345).Last());

        var (inMemory, streamed, writes, whole) = Both(Model(tiles), input, temp);
        Assert.Null(whole);
        Assert.Equal(11, writes); // a band at a time
        Assert.True(inMemory.SequenceEqual(streamed), "the streamed PNG differs from the in-memory tiled PNG");
    }

    [Fact]
    public void Grey_alpha_and_16_bit_photos_stream_to_the_same_files()
    {
        using var temp = new SharedData.TempFolder();
        var baboon = ImageFile.Read(SharedData.Path_("Set14", "HR", "baboon.png")).Crop(200, 150, 70, 61);
        var bridge = ImageFile.ReadPhoto(SharedData.Path_("Set14", "HR", "bridge.png")); // stored grey
        int n = 70 * 61;
        var rgba16 = new ushort[n * 4];
        var greyAlpha = new ushort[n * 2];
        for (int p = 0; p < n; p++)
        {
            int x = p % 70, y = p / 70;
            ushort alpha = (ushort)Math.Clamp((x - 20) * 9 + y, 0, 255); // transparent on the left, a soft edge
            for (int c = 0; c < 3; c++) rgba16[p * 4 + c] = (ushort)(baboon.Pixels[p * 3 + c] * 257 + (x * 7 + y) % 257);
            rgba16[p * 4 + 3] = (ushort)(alpha * 257);
            greyAlpha[p * 2] = bridge.Samples[(100 + y) * bridge.Width + 150 + x];
            greyAlpha[p * 2 + 1] = alpha;
        }
        var photos = new Dictionary<string, Photo>
        {
            ["rgba16"] = new(70, 61, 4, 16, rgba16),
            ["grey-alpha"] = new(70, 61, 2, 8, greyAlpha),
            ["grey"] = new(70, 61, 1, 8, greyAlpha.Where((_, i) => i % 2 == 0).ToArray()),
        };
        var model = Model(new TileOptions(32, 8));
        foreach (var (name, photo) in photos)
        {
            string input = temp.File(name + ".png");
            ImageFile.WritePng(input, photo);
            var (inMemory, streamed, writes, whole) = Both(model, input, temp);
            Assert.Null(whole);
            Assert.Equal(3, writes);
            Assert.True(inMemory.SequenceEqual(streamed), $"{name}: the streamed PNG differs from the in-memory tiled PNG");
        }
    }

    [Fact]
    public void What_needs_the_whole_image_is_upscaled_whole_and_says_why()
    {
        using var temp = new SharedData.TempFolder();
        string input = temp.File("baboon.png");
        ImageFile.WritePng(input, ImageFile.Read(SharedData.Path_("Set14", "HR", "baboon.png")).Crop(0, 0, 60, 50));
        var (inMemory, streamed, writes, whole) = Both(Model(new TileOptions(32, 8), histogramMatch: true), input, temp);
        Assert.Equal("--histogram-match maps the whole output's histogram", whole);
        Assert.Equal(1, writes);
        Assert.Equal(inMemory, streamed);
        Assert.Equal("it fits in one tile", Model(new TileOptions(64, 8)).WholeBecause(60, 50));
        Assert.Equal("it is upscaled whole (no --tile)", Model(new TileOptions()).WholeBecause(60, 50));
    }
}
