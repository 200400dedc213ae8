using System.CommandLine;
using SrganWorkbench.Cli;

// `srgan`: the workspace's command line. Each command is a thin layer over lib/.
var root = new RootCommand("SRGAN Workbench: reproduce Ledig et al. (CVPR 2017) 4x super-resolution.");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(UpscaleCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(WeightsCommand.Create());
root.Subcommands.Add(MosCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(DeviceCommand.Create());
// The library's expected errors become one line and exit code 2 (CliErrors), not a stack trace.
return CliErrors.Run(() => root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
