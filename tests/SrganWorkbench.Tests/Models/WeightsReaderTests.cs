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
