using System.CommandLine;
using SrganWorkbench.Cli;
using SrganWorkbench.Speed;

// tcmalloc for tensor memory when it is installed: restarts this process with it preloaded (lib/Speed/CachingAllocator.cs).
CachingAllocator.UseIfInstalled();
// A relative SRGAN_DATA / SRGAN_WEIGHTS means the repository root's, for this process and its children (lib/Data/DataRoot.cs).
SrganWorkbench.Data.DataRoot.PinVariables();

// `srgan`: the workspace's command line. Each command is a thin layer over lib/.
var root = new RootCommand("SRGAN Workbench: reproduce Ledig et al. (CVPR 2017) 4x super-resolution.");
var train = TrainCommand.Create();
root.Subcommands.Add(train);
root.Subcommands.Add(UpscaleCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(WebCommand.Create());
root.Subcommands.Add(ReproduceCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(WeightsCommand.Create());
root.Subcommands.Add(MosCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(DeviceCommand.Create());
// `srgan train --help` ends with every profile's defaults, made from TrainingConfig.ForProfile.
CliHelp.AddSections(root, new Dictionary<Command, Func<string>> { [train] = TrainingChoices.Describe });
// Exit codes: 0 done; 1 `data verify` found problems, or `upscale` skipped images it could not read (the rest done); 2 a user error (bad arguments, missing or invalid files:
// one line); 3 training stopped on NaN/Inf; 70 a bug (stack trace); 130 cancelled (CliErrors).
return CliErrors.Invoke(root, args);
