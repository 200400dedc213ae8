using System.CommandLine;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan device</c>: shows that TorchSharp loads, which device it will use, which CPU this is and whether
/// libtorch's convolutions compute right on it (the numerics self-check).</summary>
static class DeviceCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda[:N].", DefaultValueFactory = _ => "auto" };
        var command = new Command("device", "Load TorchSharp and report the device, thread count, memory allocator, CPU and libtorch's CPU " +
                                            "capability, and run the numerics self-check (float32 convolutions against float64).") { device };
        command.SetAction(parse =>
        {
            TorchRuntime.SelectDevice(parse.GetValue(device)!, Console.WriteLine);
            Console.WriteLine(SrganWorkbench.Speed.CachingAllocator.Describe());
            Console.WriteLine($"cpu: {CpuInfo.Model}; libtorch CPU capability {CpuInfo.TorchCapability}");
            var report = NumericsCheck.Result;
            Console.WriteLine(report.Summary);
            foreach (var fault in report.Faults) Console.WriteLine($"  {fault}");
            return 0;
        });
        return command;
    }
}
