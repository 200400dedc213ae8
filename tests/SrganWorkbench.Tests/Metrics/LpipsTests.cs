using System.Diagnostics;
using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using SrganWorkbench.Imaging;
using SrganWorkbench.Metrics;
using SrganWorkbench.Tests.Imaging;
using SrganWorkbench.Weights;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Metrics;

/// <summary>
/// LPIPS v0.1 alex against the fixtures of ../shared/weights/lpips-alex/SOURCE.txt (an independent PyTorch
/// forward, float64, agreeing with the official lpips code to 6e-8). Tolerance 1e-5 on float32.
/// </summary>
public class LpipsTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-5;
    static readonly string Folder = Path.GetFullPath(Path.Combine(SharedData.Root, "..", "weights", "lpips-alex"));
    static readonly string WeightsFile = Path.Combine(Folder, "lpips_alex_v0.1.safetensors");
    // One model for the whole class, as an evaluator would share it.
    static readonly Lazy<Lpips> Shared = new(() => Lpips.Load(WeightsFile));
    static Lpips Model => Shared.Value;

    static RgbImage Example(string name) => ImageFile.Read(Path.Combine(Folder, $"ex_{name}.png"));

    /// <summary>SOURCE.txt's table: LPIPS float64, float32, per layer (float64) relu1..relu5, spatial=True mean.</summary>
    public static TheoryData<string, string, double, double, double[], double> Pairs => new()
    {
        { "ref", "p0", 0.7218807125, 0.72188073, [0.01813169, 0.28696841, 0.15985768, 0.11900357, 0.13791936], 0.72185814 },
        { "ref", "p1", 0.1375656095, 0.13756560, [0.01173868, 0.02971470, 0.03538044, 0.03436843, 0.02636336], 0.13755415 },
        { "p0", "p1", 0.7196576852, 0.71965760, [0.02180530, 0.27277909, 0.17794416, 0.11672704, 0.13040210], 0.71961725 },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Example_pairs_match_the_fixtures_in_total_per_layer_and_spatially(string a, string b, double total, double float32, double[] layers, double spatialMean)
    {
        using var scope = NewDisposeScope();
        var x = Lpips.InputTensor(Example(a));
        var y = Lpips.InputTensor(Example(b));
        double distance = Model.Distance(Example(a), Example(b));
        double forward = Model.forward(x, y).item<float>();
        var perLayer = Model.LayerDistances(x, y).to(float64).flatten().data<double>().ToArray();
        var map = Model.SpatialMap(x, y);
        double spatial = map.to(float64).mean().item<double>();

        double layerDiff = layers.Zip(perLayer, (e, v) => Math.Abs(e - v)).Max();
        output.WriteLine($"d(ex_{a}, ex_{b}) = {distance:F10}: |diff| {Math.Abs(distance - total):E2} vs float64 {total}, {Math.Abs(distance - float32):E2} vs float32 {float32}; " +
                         $"per layer max |diff| {layerDiff:E2} ({string.Join(" ", perLayer.Select(v => v.ToString("F8")))}); spatial mean {spatial:F8} |diff| {Math.Abs(spatial - spatialMean):E2}");
        Assert.Equal(total, distance, Tolerance);
        Assert.Equal(distance, forward); // Distance is forward on InputTensor
        for (int k = 0; k < Lpips.Layers; k++) Assert.Equal(layers[k], perLayer[k], Tolerance);
        Assert.Equal(new long[] { 1, 1, 64, 64 }, map.shape);
        Assert.Equal(spatialMean, spatial, Tolerance);
    }

    [Fact]
    public void A_float64_copy_reproduces_the_float64_fixtures_to_1e_10()
    {
        // The same forward on doubles: whatever float32 rounding leaves aside, the computation is the fixtures'.
        using var scope = NewDisposeScope();
        using var model = Lpips.Load(WeightsFile);
        model.to(float64);
        Tensor Input(string name)
        {
            var image = Example(name);
            var data = new double[3 * 64 * 64];
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 64; x++)
                    for (int c = 0; c < 3; c++) data[c * 4096 + y * 64 + x] = image[y, x, c] / 127.5 - 1;
            return tensor(data, [1, 3, 64, 64]);
        }
        (string A, string B, double Total)[] pairs = [("ref", "p0", 0.7218807125), ("ref", "p1", 0.1375656095), ("p0", "p1", 0.7196576852)];
        foreach (var (a, b, total) in pairs)
        {
            double d = model.forward(Input(a), Input(b)).item<double>();
            output.WriteLine($"float64 d(ex_{a}, ex_{b}) = {d:F12}, |diff| {Math.Abs(d - total):E2}");
            Assert.Equal(total, d, 1e-10);
        }
    }

    [Fact]
    public void Taps_of_ex_ref_match_the_debug_sums_and_maxima()
    {
        using var scope = NewDisposeScope();
        (long[] Shape, double Sum, double Max)[] expected =
        [
            ([1, 64, 15, 15], 15163.769119, 21.885485), ([1, 192, 7, 7], 8930.557332, 35.246175), ([1, 384, 3, 3], 5378.567175, 53.501658),
            ([1, 256, 3, 3], 3921.824076, 24.871102), ([1, 256, 3, 3], 2198.429381, 17.832825),
        ];
        var taps = Model.Features(Lpips.InputTensor(Example("ref")));
        Assert.Equal(Lpips.Layers, taps.Count);
        for (int k = 0; k < taps.Count; k++)
        {
            double sum = taps[k].to(float64).sum().item<double>(), max = taps[k].max().item<float>();
            output.WriteLine($"relu{k + 1} {string.Join("x", taps[k].shape.Skip(1))}: sum {sum:F6} (rel. diff {Math.Abs(sum / expected[k].Sum - 1):E2}), max {max:F6} (diff {Math.Abs(max - expected[k].Max):E2})");
            Assert.Equal(expected[k].Shape, taps[k].shape);
            Assert.Equal(expected[k].Sum, sum, expected[k].Sum * Tolerance);
            Assert.Equal(expected[k].Max, max, Tolerance * 10); // float32 carries ~7 digits of a value near 50
        }
    }

    [Fact]
    public void Distance_to_itself_is_zero_and_distance_is_symmetric_bit_for_bit()
    {
        string[] names = ["ref", "p0", "p1"];
        foreach (string n in names) Assert.Equal(0.0, Model.Distance(Example(n), Example(n)));
        foreach (var (a, b) in new[] { ("ref", "p0"), ("ref", "p1"), ("p0", "p1") })
        {
            using var scope = NewDisposeScope();
            Assert.Equal(Model.Distance(Example(a), Example(b)), Model.Distance(Example(b), Example(a)));
            var x = Lpips.InputTensor(Example(a));
            var y = Lpips.InputTensor(Example(b));
            Assert.True(Model.LayerDistances(x, y).eq(Model.LayerDistances(y, x)).all().item<bool>(), $"per-layer values of ({a}, {b})");
        }
    }

    /// <summary>SOURCE.txt check 5: A = sin(0.3x + 0.2y + c), B = 0.8 sin(0.3x + 0.2y + c) + 0.1 cos(0.5y - 0.7x + c).</summary>
    static (Tensor A, Tensor B) Synthetic(int height, int width)
    {
        var a = new float[3 * height * width];
        var b = new float[a.Length];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int i = (c * height + y) * width + x;
                    double s = Math.Sin(0.3 * x + 0.2 * y + c);
                    a[i] = (float)s;
                    b[i] = (float)(0.8 * s + 0.1 * Math.Cos(0.5 * y - 0.7 * x + c));
                }
        return (tensor(a, [1, 3, height, width]), tensor(b, [1, 3, height, width]));
    }

    [Fact]
    public void Synthetic_pair_matches_its_value_square_and_non_square()
    {
        using var scope = NewDisposeScope();
        var (a, b) = Synthetic(64, 64);
        double d = Model.forward(a, b).item<float>();
        var layers = Model.LayerDistances(a, b).to(float64).flatten().data<double>().ToArray();
        double[] expected = [0.00022748, 0.00445105, 0.00230082, 0.00343733, 0.00179618];
        var (a48, b48) = Synthetic(48, 64);
        double d48 = Model.forward(a48, b48).item<float>();
        output.WriteLine($"synthetic 64x64: {d:F10} |diff| {Math.Abs(d - 0.0122128595):E2}, per layer max |diff| {expected.Zip(layers, (e, v) => Math.Abs(e - v)).Max():E2}; " +
                         $"48x64: {d48:F10} |diff| {Math.Abs(d48 - 0.0090433584):E2}");
        Assert.Equal(0.0122128595, d, Tolerance);
        for (int k = 0; k < Lpips.Layers; k++) Assert.Equal(expected[k], layers[k], Tolerance);
        Assert.Equal(0.0090433584, d48, Tolerance);
    }

    [Fact]
    public void Smallest_input_is_31x31_and_smaller_is_refused_clearly()
    {
        using var scope = NewDisposeScope();
        var taps = Model.Features(Lpips.InputTensor(TestImages.Pattern(31, 31)));
        Assert.All(taps.Skip(2), t => Assert.Equal(new long[] { 1, 1 }, t.shape[2..]));
        double d = Model.Distance(TestImages.Pattern(31, 31, seed: 1), TestImages.Pattern(31, 31, seed: 2));
        Assert.True(d > 0 && double.IsFinite(d), $"31x31 distance {d}");

        var small = Assert.Throws<ArgumentException>(() => Model.Distance(TestImages.Pattern(30, 30), TestImages.Pattern(30, 30)));
        Assert.Contains("31x31", small.Message);
        Assert.Contains("30x30", small.Message);
        // 39 - 2 x 4 = 31 runs; 38 leaves 30 after the border, and the message says so.
        Model.Distance(TestImages.Pattern(39, 39), TestImages.Pattern(39, 39, seed: 3), cropBorder: 4);
        var cropped = Assert.Throws<ArgumentException>(() => Model.Distance(TestImages.Pattern(38, 60), TestImages.Pattern(38, 60), cropBorder: 4));
        Assert.Contains("30x52 after removing a 4-pixel border", cropped.Message);
        var tensorInput = Assert.Throws<ArgumentException>(() => Model.forward(zeros(1, 3, 31, 30), zeros(1, 3, 31, 30)));
        Assert.Contains("31x31", tensorInput.Message);
        Assert.Contains("differ in size", Assert.Throws<ArgumentException>(() => Model.Distance(TestImages.Pattern(40, 40), TestImages.Pattern(40, 41))).Message);
    }

    [Fact]
    public void Missing_or_wrong_weights_files_are_named()
    {
        using var temp = new SharedData.TempFolder();
        string missing = temp.File("nowhere.safetensors");
        var notFound = Assert.Throws<FileNotFoundException>(() => Lpips.Load(missing));
        Assert.Contains(missing, notFound.Message);
        Assert.Contains(DataRoot.WeightsVariable, notFound.Message);

        File.WriteAllText(temp.File("garbage.safetensors"), "not a safetensors file at all");
        Assert.Contains("garbage.safetensors", Assert.Throws<InvalidDataException>(() => Lpips.Load(temp.File("garbage.safetensors"))).Message);

        // The real file without lin2, with conv2's kernel cut to the wrong shape and a stray tensor.
        using var scope = NewDisposeScope();
        var tensors = SafeTensors.Read(WeightsFile).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
        tensors.Remove("lin2.model.1.weight");
        tensors["features.3.weight"] = zeros(192, 64, 3, 3);
        tensors["classifier.1.weight"] = zeros(4);
        string bad = temp.File("bad.safetensors");
        SafeTensors.Write(bad, tensors);
        var e = Assert.Throws<InvalidDataException>(() => Lpips.Load(bad));
        output.WriteLine(e.Message);
        Assert.Contains(bad, e.Message);
        Assert.Contains("'lin2.model.1.weight'", e.Message);
        Assert.Contains("'features.3.weight' has shape [192, 64, 3, 3]", e.Message);
        Assert.Contains("'classifier.1.weight'", e.Message);
    }

    [Fact]
    public void The_weights_are_frozen_and_keyed_as_the_file()
    {
        var keys = Model.state_dict().Keys.Order(StringComparer.Ordinal).ToArray();
        var fileKeys = SafeTensors.Read(WeightsFile).Tensors.Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(fileKeys, keys);
        Assert.Equal(15, keys.Length);
        Assert.All(Model.parameters(), p => Assert.False(p.requires_grad));
        Assert.False(Model.training);
        Assert.EndsWith(Path.Combine("lpips-alex", "lpips_alex_v0.1.safetensors"), Lpips.DefaultWeightsPath());
    }

    [Fact]
    public void Concurrent_distances_equal_sequential_ones_bit_for_bit()
    {
        var pairs = Enumerable.Range(0, 8).Select(i => (A: TestImages.Pattern(96 + 8 * i, 80, seed: i), B: TestImages.Pattern(96 + 8 * i, 80, seed: 100 + i))).ToArray();
        var sequential = pairs.Select(p => Model.Distance(p.A, p.B, 4)).ToArray();
        var concurrent = new double[pairs.Length];
        Parallel.For(0, pairs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => concurrent[i] = Model.Distance(pairs[i].A, pairs[i].B, 4));
        Assert.Equal(sequential, concurrent);
    }

    /// <summary>
    /// Not a fixture: LPIPS of MATLAB-bicubic 4x against HR on Set5 and Set14 under the evaluation conventions
    /// (HR modcropped to 4, LR by the MATLAB-exact bicubic downscale, bicubic upscale, 4-pixel border), printed;
    /// and the time of one 512x512 distance.
    /// </summary>
    [Fact]
    public void Bicubic_4x_on_Set5_and_Set14_is_measured()
    {
        var degradation = new BicubicDegradation(4);
        var bicubic = new InterpolationUpscaler(ResizeKernel.Bicubic);
        foreach (string set in new[] { "Set5", "Set14" })
        {
            var scores = new List<double>();
            foreach (string file in ImageFolder.List(SharedData.Set(set)))
            {
                var hr = ImageFile.Read(file).ModCrop(4);
                var sr = bicubic.Upscale(degradation.Apply(hr));
                double d = Model.Distance(sr, hr, cropBorder: 4);
                output.WriteLine($"{set} {Path.GetFileName(file)} {hr.Width}x{hr.Height}: LPIPS {d:F4}");
                Assert.InRange(d, 1e-3, 1);
                scores.Add(d);
            }
            output.WriteLine($"{set}: bicubic 4x mean LPIPS {scores.Average():F4} over {scores.Count} images");
        }

        var a = TestImages.Pattern(512, 512, seed: 1);
        var b = TestImages.Pattern(512, 512, seed: 2);
        Model.Distance(a, b); // warm-up
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            Model.Distance(a, b);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        output.WriteLine($"one 512x512 distance: median {times.Order().ElementAt(2):F1} ms (min {times.Min():F1}, max {times.Max():F1}), {get_num_threads()} torch threads");
    }
}
