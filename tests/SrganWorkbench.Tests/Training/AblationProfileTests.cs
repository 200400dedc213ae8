using SrganWorkbench.Losses;
using SrganWorkbench.Training;

namespace SrganWorkbench.Tests.Training;

/// <summary>The ablation profile: the cpu profile's recipes on the shorter schedules the grid of results/ablations.sh needs.</summary>
public class AblationProfileTests
{
    [Fact]
    public void Srresnet_takes_2000_steps_and_srgan_400_with_the_cpu_recipes()
    {
        var srresnet = TrainingConfig.ForProfile("ablation", ModelKind.SRResNet);
        Assert.Equal(("ablation", 2000L, 5e-4, 1600L, 5e-5), (srresnet.Profile, srresnet.Steps, srresnet.LearningRate, srresnet.DecayAtStep, srresnet.DecayedLearningRate));
        var cpuSrresnet = TrainingConfig.ForProfile("cpu", ModelKind.SRResNet);
        Assert.Equal((cpuSrresnet.Generator, cpuSrresnet.Data, cpuSrresnet.Content), (srresnet.Generator, srresnet.Data, srresnet.Content));
        Assert.Equal(cpuSrresnet.TrainSets, srresnet.TrainSets);

        foreach (var content in new[] { ContentLoss.Vgg22, ContentLoss.Mse, ContentLoss.Vgg("relu3_4") })
        {
            var srgan = TrainingConfig.ForProfile("ablation", ModelKind.Srgan, content);
            var cpu = TrainingConfig.ForProfile("cpu", ModelKind.Srgan, content);
            Assert.Equal((400L, 300L, 1e-4, 1e-5), (srgan.Steps, srgan.DecayAtStep, srgan.LearningRate, srgan.DecayedLearningRate));
            // Everything but the schedule (and how often it logs, checkpoints and evaluates) is the cpu SRGAN's, except the
            // chroma loss, added to the cpu profile after the grid's runs were trained: the ablation profile keeps their recipe.
            Assert.Equal((cpu with { Profile = "ablation", Steps = 400, DecayAtStep = 300, CheckpointEvery = srgan.CheckpointEvery, EvalEvery = srgan.EvalEvery, ChromaWeight = 0 }).ToJson(), srgan.ToJson());
            Assert.Equal((TrainingConfig.CpuChromaWeight, 0.0), (cpu.ChromaWeight, srgan.ChromaWeight));
            Assert.Equal((1e-3, StepOrder.GeneratorFirst, TrainingConfig.CpuGridWeight), (srgan.AdversarialWeight, srgan.Order, srgan.GridWeight));
        }
        Assert.Equal((1e-4, 1.0), (TrainingConfig.ForProfile("ablation", ModelKind.Srgan).ContentWeight, TrainingConfig.ForProfile("ablation", ModelKind.Srgan).PixelWeight));
        Assert.Contains("ablation", TrainingConfig.ProfileNames);
    }
}
