using SrganWorkbench.Losses;
using SrganWorkbench.Metrics;
using SrganWorkbench.Models;
using SrganWorkbench.Speed;
using SrganWorkbench.Tests.Inference;
using SrganWorkbench.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Runtime;

/// <summary>
/// The numerics self-check: it covers every convolution the workspace's networks run, its verdict agrees with what a
/// whole generator laid out NCHW computes on this machine, and where it finds NCHW wrong the models stay channels-last
/// (forced here with an assumed faulty report, so the workaround's path runs on every CPU). One class: the tests that
/// change the process's check result run one after another.
/// </summary>
public class NumericsCheckTests(ITestOutputHelper output)
{
    /// <summary>Every network the workspace builds: the generator in each option variant, profile and preset; the
    /// discriminators of every profile and preset; VGG19 to each content layer; LPIPS-alex.</summary>
    static IEnumerable<(string Name, nn.Module Module)> Networks()
    {
        var generators = InferenceGeneratorTests.Variants.Cast<string>().Select(v => (Name: v, Options: InferenceGeneratorTests.Options(v)))
            .Append(("paper", GeneratorOptions.Paper))
            .Append(("leftthomas", PeerModels.LeftThomasOptions))
            .Append(("tensorlayer", PeerModels.TensorLayerOptions))
            .Concat(Enum.GetValues<UpsamplingType>().Select(u => ($"paper {u}", GeneratorOptions.Paper with { Upsampling = u })));
        var configs = new[] { "smoke", "cpu", "ablation", "paper" }.Select(p => (Name: $"{p} profile", Config: TrainingConfig.ForProfile(p, ModelKind.Srgan)))
            .Concat(Presets.All.SelectMany(p => new[] { "smoke", "cpu" }.Select(profile => (Name: $"{p.Name} {profile}", Config: p.For(profile)))))
            .ToList();
        foreach (var (name, o) in generators.Concat(configs.Select(c => (c.Name, c.Config.Generator))))
        {
            var g = new SRResNet(o);
            yield return ($"generator {name}", g);
            if (FastGenerator.Fuses(o)) // the training form's fused output convolution, a functional call on 4C maps
                yield return ($"generator {name} fused output", nn.Conv2d(4 * o.Channels, 12, 5, padding: 2));
        }
        foreach (var (name, c) in configs.DistinctBy(c => c.Config.Discriminator with { DenseWidth = 1, InputSize = 16 }))
            yield return ($"discriminator {name}", new Discriminator(c.Discriminator with { DenseWidth = 1, InputSize = 16 }));
        foreach (var layer in new[] { "relu2_2", "relu3_4", "relu5_4" })
            yield return ($"vgg19 {layer}", new Vgg19Features(layer, VggPreprocessing.Caffe));
        yield return ("lpips-alex", new Lpips());
    }

    [Fact]
    public void The_check_covers_every_convolution_of_the_workspaces_networks()
    {
        int count = 0;
        var missing = new List<string>();
        foreach (var (name, module) in Networks())
        {
            using (module)
                foreach (var shape in NumericsCheck.ShapesOf(module))
                {
                    if (!NumericsCheck.Shapes.Any(shape.SameAs)) missing.Add($"{name}: {shape}");
                    count++;
                }
        }
        Assert.True(missing.Count == 0, "convolutions not in NumericsCheck.Shapes: " + string.Join("; ", missing));
        // The chroma loss's convolution is a functional call: RGB residual -> Cb, Cr, 1x1.
        Assert.Contains(NumericsCheck.Shapes, s => s.SameAs(new ConvShape(3, 2, 1)));
        Assert.True(count > 100, $"only {count} convolutions were enumerated");
        output.WriteLine($"{count} convolutions of the networks, all among the check's {NumericsCheck.Shapes.Count} shapes");
    }

    /// <summary>The check's verdict for the generator's convolutions agrees with a whole 64-channel generator run NCHW on
    /// this machine: right against float64 exactly when the check finds no NCHW fault among its shapes. On AMD Zen 5 with
    /// libtorch 2.10 both say wrong; on the Intel machines the suite was written on, both say right.</summary>
    [Fact]
    public void Its_verdict_agrees_with_a_whole_generator_run_NCHW()
    {
        using var scope = NewDisposeScope();
        var report = NumericsCheck.Run(NumericsCheck.Shapes);
        output.WriteLine($"cpu: {CpuInfo.Model}; libtorch capability {CpuInfo.TorchCapability}");
        output.WriteLine(report.Summary);
        foreach (var fault in report.Faults) output.WriteLine($"  {fault}");

        var options = GeneratorOptions.Paper with { Blocks = 2 };
        var model = InferenceGeneratorTests.RandomModel(options, seed: 31);
        model.train();
        var reference = Float64Reference.Copy(model, () => new SRResNet(options));
        using (no_grad()) foreach (var p in model.parameters()) if (p.dim() == 4) p.set_(p.contiguous()); // NCHW, as PyTorch lays it out
        Assert.DoesNotContain(model.parameters(), p => p.dim() == 4 && ChannelsLast.Is(p));
        using var random = new Generator(8);
        var lr = rand(2, 3, 12, 10, generator: random);
        var upstream = randn(2, 3, 48, 40, generator: random);
        var expected = Float64Reference.Gradients(reference, () => reference.forward(lr.to(float64)).mul(upstream.to(float64)).sum());
        var actual = Float64Reference.Gradients(model, () => model.forward(lr).mul(upstream).sum());
        double worst = Float64Reference.Errors("generator laid out NCHW", actual, expected).Values.Max();

        var shapes = NumericsCheck.ShapesOf(model);
        bool checkSaysWrong = report.Faults.Any(f => f.Layout == NumericsReport.Nchw && shapes.Any(f.Shape.SameAs));
        bool modelIsWrong = worst > Float64Reference.Tolerance;
        output.WriteLine($"generator laid out NCHW: largest relative gradient error {worst:E2}; the check says {(checkSaysWrong ? "wrong" : "right")}");
        Assert.Equal(modelIsWrong, checkSaysWrong);
    }

    [Fact]
    public void Where_NCHW_is_wrong_the_models_stay_channels_last_even_when_NCHW_is_asked_for()
    {
        var faulty = new NumericsReport([new ConvFault(new ConvShape(64, 3, 9), NumericsReport.Nchw, "input gradient", 0.56)], NumericsCheck.Shapes.Count, TimeSpan.FromMilliseconds(1));
        bool requested = ChannelsLast.Requested;
        NumericsCheck.Assume(faulty); // first, so that Enabled stays true for tests running beside this one
        try
        {
            ChannelsLast.Requested = false; // SRGAN_CHANNELS_LAST=0, the benchmark's --nchw
            Assert.True(ChannelsLast.Enabled);
            var logged = new List<string>();
            Assert.Same(faulty, NumericsCheck.Ensure(logged.Add));
            var line = Assert.Single(logged);
            Assert.Contains("64->3 9x9 NCHW: input gradient off by 56%", line);
            Assert.Contains("run channels-last, which is right here", line);

            using var scope = NewDisposeScope();
            var options = GeneratorOptions.Paper with { Blocks = 1 };
            nn.Module[] models = [new SRResNet(options), new Discriminator(new DiscriminatorOptions { InputSize = 16, DenseWidth = 8 }),
                                  new Vgg19Features("relu2_2", VggPreprocessing.Caffe), new Lpips()];
            foreach (var m in models)
                Assert.All(m.parameters().Where(p => p.dim() == 4), p => Assert.True(ChannelsLast.Is(p), $"{m.GetName()}: a weight is not channels-last"));

            // ... and so their gradients are float64's (the generator's 64 -> 3 9x9 output convolution among them).
            var g = InferenceGeneratorTests.RandomModel(options, seed: 2);
            g.train();
            var reference = Float64Reference.Copy(g, () => new SRResNet(options));
            using var random = new Generator(1);
            var lr = rand(2, 3, 10, 10, generator: random);
            var upstream = randn(2, 3, 40, 40, generator: random);
            Float64Reference.AssertClose("generator with NCHW asked for on a faulty CPU",
                Float64Reference.Gradients(g, () => g.forward(lr).mul(upstream).sum()),
                Float64Reference.Gradients(reference, () => reference.forward(lr.to(float64)).mul(upstream.to(float64)).sum()));
        }
        finally
        {
            ChannelsLast.Requested = requested;
            NumericsCheck.Assume(null);
        }
        // Where the check passes, asking for NCHW is honoured (the benchmark's comparison).
        var passed = new NumericsReport([], NumericsCheck.Shapes.Count, TimeSpan.Zero);
        Assert.True(passed.Passed);
        Assert.False(passed.NchwWrong);
        Assert.StartsWith("numerics self-check: passed", passed.Summary);
    }

    [Fact]
    public void Srgan_device_names_the_cpu_libtorchs_capability_and_the_checks_result()
    {
        var (code, stdout, stderr) = TestProcess.Srgan("device");
        Assert.True(code == 0, stderr);
        output.WriteLine(stdout);
        var cpu = Assert.Single(stdout.Split('\n'), l => l.StartsWith("cpu: "));
        Assert.Contains(CpuInfo.Model, cpu);
        Assert.Matches(@"libtorch CPU capability (DEFAULT|AVX2|AVX512|NEON|SVE\d*|ZVECTOR|VSX)\b", cpu);
        // The same verdict as this process's check: the faults are the kernels' on this CPU, not chance (which shapes
        // show them may vary, as the wrong values come from memory that was never written).
        var report = NumericsCheck.Result;
        Assert.Contains(report.Passed ? "numerics self-check: passed" : "numerics self-check: libtorch", stdout);
        Assert.Equal(report.NchwWrong, stdout.Split('\n').Any(l => l.StartsWith("  ") && l.Contains(" NCHW: ")));
    }
}
