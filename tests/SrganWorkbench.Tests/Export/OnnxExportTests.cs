using SrganWorkbench.Export;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;
using SrganWorkbench.Metrics;
using SrganWorkbench.Models;
using SrganWorkbench.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Export;

/// <summary>The ONNX export (lib/Export) run by ONNX Runtime against the workspace's own TorchSharp inference, on the
/// real test sets and committed weights.</summary>
public class OnnxExportTests(ITestOutputHelper output)
{
    static string Repo(params string[] parts) => Path.Combine([SrganWorkbench.Data.DataRoot.RepositoryRoot(), .. parts]);
    static string Weights(params string[] parts) => Path.Combine([SharedData.Root, "..", "weights", .. parts]);
    static readonly MetricOptions Paper = new() { Channel = MetricChannel.Y, CropBorder = 4 };

    /// <summary>Set5 and Set14 under the paper's protocol (HR modcropped, LR by MATLAB's bicubic): srgan-vgg22-cpu through
    /// the exported file in ONNX Runtime and through TorchSharp give floats within 1e-4 of each other, 8-bit images at most
    /// one level apart (a float on a rounding tie), and PSNRs within 0.5e-4 dB image by image (equal to 4 decimals; a
    /// value like 31.41615 may still print as .4161 and .4162), and the sets' means printed to 4 decimals are equal.</summary>
    [Fact]
    public void Exported_srgan_matches_torch_on_Set5_and_Set14()
    {
        using var temp = new SharedData.TempFolder();
        var model = Checkpoint.LoadGenerator(Repo("results", "srgan-vgg22-cpu"));
        string file = temp.File("srgan.onnx");
        GeneratorExport.Write(model, file, new OnnxExportOptions { Name = "srgan-vgg22-cpu" });
        using var onnx = OnnxUpscaleSession.Open(file);
        using var torch = new TorchUpscaleNetwork(model);
        double maxDiff = 0, maxPsnrDiff = 0;
        foreach (string set in new[] { "Set5", "Set14" })
        {
            var torchPsnr = new List<double>();
            var onnxPsnr = new List<double>();
            foreach (string path in Directory.GetFiles(SharedData.Set(set)).Order(StringComparer.Ordinal))
            {
                var hr = ImageFile.Read(path).ModCrop(4);
                var lr = new BicubicDegradation(4).Apply(hr);
                using var scope = NewDisposeScope();
                var input = ImageTensor.ToTensor(lr).unsqueeze(0);
                var a = torch.Run(input);
                var b = onnx.Run(input);
                Assert.Equal(a.shape, b.shape);
                maxDiff = Math.Max(maxDiff, a.sub(b).abs().max().item<float>());
                RgbImage ta = Image(a), tb = Image(b);
                torchPsnr.Add(Psnr.Compute(ta, hr, Paper));
                onnxPsnr.Add(Psnr.Compute(tb, hr, Paper));
                int levels = ta.Pixels.Zip(tb.Pixels, (x, y) => Math.Abs(x - y)).Max();
                int samples = ta.Pixels.Zip(tb.Pixels).Count(p => p.First != p.Second);
                maxPsnrDiff = Math.Max(maxPsnrDiff, Math.Abs(torchPsnr[^1] - onnxPsnr[^1]));
                output.WriteLine($"  {set}/{Path.GetFileName(path)}: PSNR torch {torchPsnr[^1]:F5}, ONNX Runtime {onnxPsnr[^1]:F5}; " +
                    $"{samples} of {ta.Pixels.Length} 8-bit samples differ, by at most {levels}");
                Assert.True(levels <= 1, "a sample differs by more than one level: more than a rounding tie apart");
            }
            output.WriteLine($"{set}: mean PSNR (Y, border 4) torch {torchPsnr.Average():F4} dB, ONNX Runtime {onnxPsnr.Average():F4} dB");
            Assert.Equal(torchPsnr.Average().ToString("F4"), onnxPsnr.Average().ToString("F4"));
        }
        output.WriteLine($"max |torch - ONNX Runtime| over Set5+Set14 outputs in [0,1]: {maxDiff:E2}");
        output.WriteLine($"max |PSNR torch - PSNR ONNX Runtime| per image: {maxPsnrDiff:E2} dB");
        Assert.True(maxDiff < 1e-4, $"max abs difference {maxDiff}");
        Assert.True(maxPsnrDiff < 0.5e-4, $"PSNRs differ by {maxPsnrDiff} dB: not equal to 4 decimals");
    }

    static RgbImage Image(Tensor sr)
    {
        var (w, h, samples) = ImageTensor.ToSamples(sr[0], 255);
        return new RgbImage(w, h, Array.ConvertAll(samples, v => (byte)v));
    }

    /// <summary>Every generator variant the workspace holds weights for (the peers' ReLU, [-1,1] input, tanh, bias-free body,
    /// 1x1 and 3x3 kernels, conv+PReLU mid; the ablations' nearest and transposed-conv upsampling and reflection padding)
    /// exports to a graph whose output is torch's, on a non-square image (dynamic height and width).</summary>
    [Theory]
    [InlineData("tensorlayer")]
    [InlineData("leftthomas")]
    [InlineData("results/ablations/up-nearest")]
    [InlineData("results/ablations/up-deconv")]
    [InlineData("results/ablations/tf-nn-reflect")]
    [InlineData("results/srresnet-cpu-continued")]
    public void Every_generator_variant_exports_exactly(string which)
    {
        var model = which switch
        {
            "tensorlayer" => PeerModels.LoadTensorLayer(Weights("tensorlayer-srgan-x4", "tensorlayer_srgan_g_x4.safetensors")),
            "leftthomas" => PeerModels.LoadLeftThomas(Weights("leftthomas-srgan-x4", "netG_epoch_4_100.safetensors")),
            _ => Checkpoint.LoadGenerator(Repo(which.Split('/'))),
        };
        var hr = ImageFile.Read(SharedData.Path_("Set14", "HR", "comic.png")).ModCrop(4);
        var lr = new BicubicDegradation(4).Apply(hr);
        using var scope = NewDisposeScope();
        var input = ImageTensor.ToTensor(lr).unsqueeze(0).narrow(2, 10, 37).narrow(3, 5, 53); // odd sizes, not the training crop's
        using var onnx = OnnxUpscaleSession.From(GeneratorExport.ToBytes(model, new OnnxExportOptions()));
        using var torch = new TorchUpscaleNetwork(model);
        var a = torch.Run(input);
        var b = onnx.Run(input);
        Assert.Equal(new long[] { 1, 3, 37 * 4, 53 * 4 }, b.shape);
        double diff = a.sub(b).abs().max().item<float>();
        output.WriteLine($"{which}: max |torch - ONNX Runtime| {diff:E2}, output range [{b.min().item<float>():F3}, {b.max().item<float>():F3}]");
        Assert.True(diff < 1e-4, $"{which}: max abs difference {diff}");
    }

    /// <summary>The file states what it is: opset 17, named input and output with symbolic N, H, W, no BatchNormalization
    /// node (folded), and sub-pixel stages as DepthToSpace in PyTorch's CRD order.</summary>
    [Fact]
    public void The_file_states_opset_dynamic_sizes_and_folded_batch_norm()
    {
        var model = Checkpoint.LoadGenerator(Repo("results", "srresnet-cpu-continued"));
        var proto = Onnx.ModelProto.Parser.ParseFrom(GeneratorExport.ToBytes(model, new OnnxExportOptions { Name = "srresnet" }));
        Assert.Equal(17, proto.OpsetImport.Single().Version);
        Assert.Equal("lr", proto.Graph.Input.Single().Name);
        Assert.Equal("sr", proto.Graph.Output.Single().Name);
        Assert.Equal(["batch", "", "height", "width"], proto.Graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimParam));
        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType == "BatchNormalization");
        var shuffles = proto.Graph.Node.Where(n => n.OpType == "DepthToSpace").ToList();
        Assert.Equal(2, shuffles.Count);
        Assert.All(shuffles, n => Assert.Equal("CRD", n.Attribute.Single(a => a.Name == "mode").S.ToStringUtf8()));
        Assert.Equal(16 * 2 + 1 + 1 + 2 + 1, proto.Graph.Node.Count(n => n.OpType == "Conv"));
    }

    [Fact]
    public void Export_command_writes_a_file_and_refuses_bad_input_in_one_line()
    {
        using var temp = new SharedData.TempFolder();
        string file = temp.File("tl.onnx");
        var (code, stdout, stderr) = TestProcess.Srgan("export", "--peer", "tensorlayer", "-o", file);
        Assert.True(code == 0, stderr);
        Assert.Contains("ONNX opset 17", stdout);
        using (var session = OnnxUpscaleSession.Open(file)) { }

        (code, _, stderr) = TestProcess.Srgan("export", "--model", temp.File("no-such-run"), "-o", temp.File("x.onnx"));
        Assert.Equal(2, code);
        Assert.Single(stderr.Split('\n'), l => l.StartsWith("error:"));
        Assert.Contains("no-such-run", stderr);
        Assert.DoesNotContain("   at ", stderr);

        (code, _, stderr) = TestProcess.Srgan("export", "--model", "tensorlayer", "-o", temp.File("x.onnx")); // a peer named as a run
        Assert.Equal(2, code);
        Assert.Contains("error: --model tensorlayer: no run of that name here; tensorlayer is a peer's model: give --peer tensorlayer.", stderr);

        (code, _, stderr) = TestProcess.Srgan("export", "--peer", "tensorlayer", "-o", Path.Combine(temp.Path, "missing", "x.onnx"));
        Assert.Equal(2, code);
        Assert.Contains("error: --out ", stderr);
        Assert.DoesNotContain("   at ", stderr);

        (code, _, stderr) = TestProcess.Srgan("export", "--peer", "tensorlayer", "-o", "/proc/x.onnx"); // exists, not writable
        Assert.Equal(2, code);
        Assert.Contains("error: --out /proc/x.onnx: cannot write there", stderr);
        Assert.False(File.Exists(temp.File("x.onnx")));
    }
}
