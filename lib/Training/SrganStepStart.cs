using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Models;
using SrganWorkbench.Speed;
using SrganWorkbench.Weights;
using static TorchSharp.torch;

namespace SrganWorkbench.Training;

/// <summary>
/// Everything one SRGAN step needs, as a run of <see cref="Config"/> has it before its first step: the networks
/// (initialised from the seed, or G from <see cref="TrainingConfig.InitFrom"/>), G's training form, both Adam
/// optimisers, the content term, the first batch and the first learning rate. So a step written out by hand (notebook
/// 03) holds only the step itself, and starts from exactly what <see cref="Trainer"/>'s first step starts from.
/// </summary>
public sealed class SrganStepStart
{
    public required TrainingConfig Config { get; init; }
    public required SRResNet G { get; init; }
    /// <summary>G's form that training runs (<see cref="FastGenerator"/>): the same weights and function, channels-last
    /// from the input on, the layout in which libtorch computes right gradients on every CPU (<see cref="ChannelsLast"/>).</summary>
    public required FastGenerator FastG { get; init; }
    public required Discriminator D { get; init; }
    public required Adam OptimG { get; init; }
    public required Adam OptimD { get; init; }
    /// <summary>The content loss the config names (VGG22 or the pixel MSE), on SR and HR in [-1, 1].</summary>
    public required ContentTerm Content { get; init; }
    /// <summary>The first batch: LR in the generator's input range ([0, 1] for the paper's), HR in [-1, 1].</summary>
    public required Tensor Lr { get; init; }
    public required Tensor Hr { get; init; }
    /// <summary>The learning rate of the first step.</summary>
    public required double Rate { get; init; }

    /// <summary>The start of a run of <paramref name="config"/> (an SRGAN config), as <see cref="Trainer"/> builds it.</summary>
    public static SrganStepStart Of(TrainingConfig config, string? dataRoot = null)
    {
        if (config.Kind != ModelKind.Srgan) throw new ArgumentException($"an SRGAN step needs an SRGAN config, got {config.Kind}");
        var g = new SRResNet(config.Generator);
        ModelInit.Reset(g, config.Seed);
        if (config.Icnr) ModelInit.Icnr(g, config.Seed + 3);
        if (config.InitFrom != null)
            using (var c = Checkpoint.Read(DataRoot.ResolvePortable(config.InitFrom))) StateDict.Load(g, c.WithPrefix("generator."), c.Path + " (generator)");
        var d = new Discriminator(config.Discriminator);
        ModelInit.Reset(d, config.Seed + 1);
        g.train(); d.train();
        var batch = TrainingCrops.From(config.Images, dataRoot, config.Data with { Seed = config.Seed }).GetBatch(0);
        var (lrUnit, hrUnit) = ImageTensor.ToTensors(batch);
        return new SrganStepStart
        {
            Config = config, G = g, FastG = new FastGenerator(g), D = d,
            OptimG = new Adam(g, config.Beta1, config.Beta2), OptimD = new Adam(d, config.Beta1, config.Beta2),
            Content = ContentTerm.Create(config.Content, config.VggWeights, CPU),
            Lr = config.Generator.Input.FromUnit(lrUnit), Hr = hrUnit.mul(2).sub(1), Rate = config.LearningRateAt(0),
        };
    }
}
