using System.Text.Json;
using SrganWorkbench.Data;
using SrganWorkbench.Models;
using SrganWorkbench.Weights;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Models;

/// <summary>Weight files from PyTorch and safetensors, against values PyTorch itself wrote.</summary>
public class WeightsReaderTests
{
    static string Fixture(string name) => Path.Combine(DataRoot.RepositoryRoot(), "tests", "fixtures", name);
    static string PartialVgg => Path.Combine(SharedData.Root, "..", "weights", "vgg19-imagenet-partial", "vgg19_features_0-16_caffeRGB.safetensors");

    [Fact]
    public void Torch_save_zip_is_read_with_strides_offsets_and_dtypes()
    {
        using var scope = NewDisposeScope();
        var state = PyTorchZip.ReadStateDict(Fixture("tiny-vgg19-features.pth"));
        using var json = JsonDocument.Parse(File.ReadAllText(Fixture("tiny-vgg19-features.expected.json")));
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            var t = state[entry.Name];
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(shape, t.shape);
            if (entry.Value.TryGetProperty("values", out var values))
            {
                var expected = values.EnumerateArray().Select(e => e.GetDouble()).ToArray();
                var actual = t.to(float64).flatten().data<double>().ToArray();
                Assert.Equal(expected, actual);
            }
            else
            {
                Assert.Equal(entry.Value.GetProperty("sum").GetDouble(), t.to(float64).sum().item<double>(), 6);
                Assert.Equal(entry.Value.GetProperty("first").GetDouble(), t.flatten()[0].item<float>(), 6);
            }
        }
        Assert.Equal(ScalarType.Float16, state["extra.half"].dtype);
        Assert.Equal(ScalarType.Int64, state["extra.long"].dtype);
    }

    [Fact]
    public void Safetensors_round_trip_keeps_values_dtypes_and_metadata()
    {
        using var scope = NewDisposeScope();
        using var temp = new SharedData.TempFolder();
        var tensors = new Dictionary<string, Tensor> { ["a"] = randn(3, 4), ["b.c"] = arange(5, int64), ["h"] = randn(2).half() };
        SafeTensors.Write(temp.File("x.safetensors"), tensors, new Dictionary<string, string> { ["step"] = "12" });
        var back = SafeTensors.Read(temp.File("x.safetensors"));
        Assert.Equal("12", back.Metadata["step"]);
        foreach (var (k, v) in tensors) Assert.True(v.eq(back.Tensors[k]).all().item<bool>(), k);
    }

    [Fact]
    public void Safetensors_stream_each_tensor_between_its_storage_and_the_file_without_a_managed_copy()
    {
        // A checkpoint with a large discriminator is several GB (keras-384's at 320 px: ~2.5 GB): the old writer held
        // every tensor as a byte[] plus the whole file in a MemoryStream, and a run died of it (out of memory, and a
        // MemoryStream stops at 2 GB). 64 MB here: managed allocation while writing and reading must stay far below it.
        using var scope = NewDisposeScope();
        using var temp = new SharedData.TempFolder();
        var big = randn(16L * 1024 * 1024); // 64 MB of float32
        var channelsLast = randn(8, 16, 5, 7).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2); // NHWC in memory, written row-major
        var tensors = new Dictionary<string, Tensor> { ["big"] = big, ["conv.weight"] = channelsLast, ["steps"] = tensor(new long[] { 7 }) };
        string file = temp.File("large.safetensors");

        long before = GC.GetAllocatedBytesForCurrentThread();
        SafeTensors.Write(file, tensors, new Dictionary<string, string> { ["step"] = "7" });
        long writing = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var back = SafeTensors.Read(file);
        long reading = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(writing < 4_000_000, $"writing allocated {writing:N0} managed bytes");
        Assert.True(reading < 4_000_000, $"reading allocated {reading:N0} managed bytes");
        Assert.Equal(64L * 1024 * 1024 + 8 * 16 * 5 * 7 * 4 + 8, new FileInfo(file).Length - 8 - BitConverter.ToInt64(File.ReadAllBytes(file).AsSpan(0, 8)));
        foreach (var (k, v) in tensors) Assert.True(v.eq(back.Tensors[k]).all().item<bool>(), k);
        Assert.Equal(channelsLast.shape, back.Tensors["conv.weight"].shape);

        // Cut short, it is an error naming the file; the writer's failure leaves the old file whole and no temporary behind.
        using (var stream = new FileStream(file, FileMode.Open)) stream.SetLength(stream.Length - 100);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(file));
        Assert.Contains("large.safetensors", e.Message);
        Assert.Contains("truncated", e.Message);
        File.WriteAllText(temp.File("kept.txt"), "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(temp.File("kept.txt"), s => { s.Write(new byte[1000]); throw new IOException("disk full"); }));
        Assert.Equal("old", File.ReadAllText(temp.File("kept.txt")));
        Assert.Equal(2, Directory.GetFiles(temp.Path).Length); // large.safetensors and kept.txt
    }

    [Fact]
    public void Vgg_features_load_from_the_partial_file_and_stop_at_the_layer()
    {
        using var scope = NewDisposeScope();
        var vgg22 = Vgg19Features.Load("VGG22", PartialVgg);
        Assert.Equal("relu2_2", vgg22.Layer);
        Assert.All(vgg22.parameters(), p => Assert.False(p.requires_grad));
        using var _ = no_grad();
        var f = vgg22.forward(rand(1, 3, 32, 32));
        Assert.Equal([1L, 128, 16, 16], f.shape);
        Assert.True(f.min().item<float>() >= 0); // a ReLU output
        var vgg34 = Vgg19Features.Load("relu3_4", PartialVgg);
        Assert.Equal([1L, 256, 8, 8], vgg34.forward(rand(1, 3, 32, 32)).shape);
    }

    [Fact]
    public void A_layer_the_weights_do_not_cover_is_a_clear_error()
    {
        var e = Assert.Throws<InvalidDataException>(() => Vgg19Features.Load("VGG54", PartialVgg));
        Assert.Contains(PartialVgg, e.Message);
        Assert.Contains("conv4_1", e.Message);
        Assert.Contains("relu5_4", e.Message);
        Assert.Contains("conv1_1..conv3_4", e.Message);
        Assert.Contains("srgan weights download vgg19", e.Message);
        Assert.Contains("no layer", Assert.Throws<ArgumentException>(() => new Vgg19Features("relu2_3", VggPreprocessing.Caffe)).Message);
        Assert.Contains("Unknown VGG layer", Assert.Throws<ArgumentException>(() => Vgg19Features.Normalise("conv5")).Message);
        var missing = Assert.Throws<FileNotFoundException>(() => Vgg19Features.Load("VGG22", "/nonexistent/vgg19.safetensors"));
        Assert.Contains("/nonexistent/vgg19.safetensors", missing.Message);
        Assert.Contains(DataRoot.WeightsVariable, missing.Message);
    }

    [Theory]
    [InlineData("relu1_1", 1)]
    [InlineData("relu2_2", 8)]
    [InlineData("relu3_4", 17)]
    [InlineData("relu4_4", 26)]
    [InlineData("VGG54", 35)]
    public void Layer_indices_are_torchvisions(string layer, int index) => Assert.Equal(index, Vgg19Features.FeatureIndex(layer));

    [Fact]
    public void Torchvision_pth_weights_drive_the_extractor()
    {
        using var scope = NewDisposeScope();
        var vgg = Vgg19Features.Load("relu1_2", Fixture("tiny-vgg19-features.pth"));
        Assert.Equal(VggPreprocessing.Torchvision, vgg.Preprocessing);
        var state = PyTorchZip.ReadStateDict(Fixture("tiny-vgg19-features.pth"));
        Assert.True(state["features.2.weight"].eq(vgg.state_dict()["features.2.weight"]).all().item<bool>());
    }

    [Fact]
    public void Corrupt_weight_files_are_named()
    {
        using var temp = new SharedData.TempFolder();
        File.WriteAllText(temp.File("bad.pth"), "not a zip");
        Assert.Contains("bad.pth", Assert.Throws<InvalidDataException>(() => PyTorchZip.ReadStateDict(temp.File("bad.pth"))).Message);
        File.WriteAllBytes(temp.File("bad.safetensors"), [1, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);
        Assert.Contains("bad.safetensors", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(temp.File("bad.safetensors"))).Message);
    }
}
