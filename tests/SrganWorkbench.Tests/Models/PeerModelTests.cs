using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;
using SrganWorkbench.Models;
using SrganWorkbench.Weights;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Models;

/// <summary>The peers' pretrained generators through our SRResNet class, against PyTorch's outputs of the same weights.</summary>
public class PeerModelTests(ITestOutputHelper output)
{
    static string Weights => Path.Combine(SharedData.Root, "..", "weights", "leftthomas-srgan-x4", "netG_epoch_4_100.safetensors");
    static string Fixture => Path.Combine(DataRoot.RepositoryRoot(), "tests", "fixtures", "peer-leftthomas-set5.safetensors");
    static string TensorLayerWeights => Path.Combine(SharedData.Root, "..", "weights", "tensorlayer-srgan-x4", "tensorlayer_srgan_g_x4.safetensors");
    static string TensorLayerFixture => Path.Combine(DataRoot.RepositoryRoot(), "tests", "fixtures", "peer-tensorlayer-set5.safetensors");

    [Fact]
    public void Outputs_on_set5_match_pytorch_within_1e_4()
    {
        using var scope = NewDisposeScope();
        var model = PeerModels.LoadLeftThomas(Weights);
        // SOURCE.txt's 735,372 counts the state dict, BatchNorm running statistics included.
        Assert.Equal(734_092, model.ParameterCount());
        Assert.Equal(735_372, model.state_dict().Where(kv => !kv.Key.EndsWith("num_batches_tracked")).Sum(kv => kv.Value.numel()));
        var expected = SafeTensors.Read(Fixture).Tensors;
        Assert.Equal(5, expected.Count);
        using var _ = no_grad();
        foreach (var (name, reference) in expected)
        {
            var lr = ImageTensor.ToTensor(ImageFile.Read(SharedData.Path_("extra", "matlab_bicubic_x4", "Set5", name))).unsqueeze(0);
            var sr = model.forward(lr)[0];
            Assert.Equal(reference.shape, sr.shape);
            double maxDiff = (sr - reference).abs().max().item<float>();
            output.WriteLine($"{name}: max |ours - PyTorch| = {maxDiff:E2}");
            Assert.True(maxDiff < 1e-4, $"{name}: max abs difference {maxDiff:E3}");
        }
    }

    /// <summary>The fixture (tests/fixtures/make_tensorlayer_fixture.py) holds PyTorch's outputs on central 48x48 crops of
    /// Set5's MATLAB-made LR images, mapped to [0,1]; each crop's place is in its metadata.</summary>
    static IEnumerable<(string Name, RgbImage Lr, Tensor Expected)> TensorLayerCases()
    {
        var fixture = SafeTensors.Read(TensorLayerFixture);
        Assert.Equal(5, fixture.Tensors.Count);
        foreach (var (name, expected) in fixture.Tensors.OrderBy(kv => kv.Key))
        {
            int[] c = fixture.Metadata[$"crop:{name}"].Split(',').Select(int.Parse).ToArray();
            var lr = ImageFile.Read(SharedData.Path_("extra", "matlab_bicubic_x4", "Set5", name)).Crop(c[0], c[1], c[2], c[3]);
            yield return (name, lr, expected);
        }
    }

    [Fact]
    public void TensorLayer_outputs_on_set5_crops_match_pytorch_within_1e_4()
    {
        using var scope = NewDisposeScope();
        var model = PeerModels.LoadTensorLayer(TensorLayerWeights);
        using var _ = no_grad();
        double worst = 0;
        foreach (var (name, lr, reference) in TensorLayerCases())
        {
            // The network's own ranges: LR in [-1,1], output in [-1,1]; compared on the [0,1] scale.
            var x = ImageTensor.ToTensor(lr).unsqueeze(0).mul(2).sub(1);
            var sr = model.forward(x)[0].add(1).div(2);
            Assert.Equal(reference.shape, sr.shape);
            double maxDiff = (sr - reference).abs().max().item<float>();
            worst = Math.Max(worst, maxDiff);
            output.WriteLine($"{name}: max |ours - PyTorch| = {maxDiff:E2} on [0,1]");
            Assert.True(maxDiff < 1e-4, $"{name}: max abs difference {maxDiff:E3}");
        }
        output.WriteLine($"all 5: max {worst:E2}");
    }

    [Fact]
    public void TensorLayer_through_the_upscaler_maps_input_and_output_ranges()
    {
        // What srgan eval/upscale run: an 8-bit image in, [0,1] -> [-1,1] in, the inference form (folded batch norm
        // of bias-free convs, ReLU, no output fusion for the 1x1 conv, bands), (y+1)/2 out, rounded to 8 bits.
        var upscaler = new ModelUpscaler(PeerModels.LoadTensorLayer(TensorLayerWeights), "tensorlayer-srgan");
        foreach (var (name, lr, reference) in TensorLayerCases())
        {
            var expected = ImageTensor.ToImage(reference);
            var sr = upscaler.Upscale(lr);
            int max = sr.Pixels.Zip(expected.Pixels, (a, b) => Math.Abs(a - b)).Max();
            double differing = sr.Pixels.Zip(expected.Pixels, (a, b) => a != b ? 1.0 : 0).Average();
            output.WriteLine($"{name}: max |upscaler - PyTorch| = {max} (8-bit), {differing:P3} of values differ");
            Assert.True(max <= 1, $"{name}: 8-bit outputs differ by {max}"); // only values at a rounding boundary may differ
        }
    }

    [Fact]
    public void Key_map_covers_every_peer_tensor()
    {
        Assert.Equal("conv_input.weight", PeerModels.LeftThomasKey("block1.0.weight"));
        Assert.Equal("prelu_input.weight", PeerModels.LeftThomasKey("block1.1.weight"));
        Assert.Equal("blocks.4.bn2.running_var", PeerModels.LeftThomasKey("block6.bn2.running_var"));
        Assert.Equal("prelu_mid.weight", PeerModels.LeftThomasKey("block7.1.weight"));
        Assert.Equal("upsample.1.prelu.weight", PeerModels.LeftThomasKey("block8.1.prelu.weight"));
        Assert.Equal("conv_output.bias", PeerModels.LeftThomasKey("block8.2.bias"));
    }

    [Fact]
    public void Weights_that_do_not_fit_are_refused_with_every_problem_named()
    {
        using var scope = NewDisposeScope();
        var paper = new SRResNet(); // 16 blocks, BN mid: the peer's 5-block file cannot fill it
        var tensors = SafeTensors.Read(Weights).Tensors;
        var e = Assert.Throws<InvalidDataException>(() => StateDict.Load(paper, tensors, Weights, PeerModels.LeftThomasKey));
        Assert.Contains(Weights, e.Message);
        Assert.Contains("missing (", e.Message);
        Assert.Contains("'blocks.5.conv1.weight'", e.Message);
        Assert.Contains("unexpected (1): 'block7.1.weight' (as 'prelu_mid.weight')", e.Message);

        var wide = new SRResNet(PeerModels.LeftThomasOptions with { Channels = 32 });
        var shape = Assert.Throws<InvalidDataException>(() => StateDict.Load(wide, tensors, Weights, PeerModels.LeftThomasKey));
        Assert.Contains("wrong shape (", shape.Message);
        Assert.Contains("'block1.0.weight' has shape [64, 3, 9, 9], the model expects [32, 3, 9, 9]", shape.Message);
    }

    [Fact]
    public void Corrupt_or_missing_weight_files_are_named()
    {
        using var temp = new SharedData.TempFolder();
        Assert.Contains("not found", Assert.Throws<FileNotFoundException>(() => PeerModels.LoadLeftThomas(temp.File("none.safetensors"))).Message);
        File.WriteAllBytes(temp.File("short.safetensors"), File.ReadAllBytes(Weights)[..5000]);
        var e = Assert.Throws<InvalidDataException>(() => PeerModels.LoadLeftThomas(temp.File("short.safetensors")));
        Assert.Contains("short.safetensors", e.Message);
    }
}
