using System.CommandLine;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan device</c>: shows that TorchSharp loads and which device it will use.</summary>
static class DeviceCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda[:N].", DefaultValueFactory = _ => "auto" };
        var command = new Command("device", "Load TorchSharp and report the device, thread count and memory allocator it will use.") { device };
        command.SetAction(parse =>
        {
            TorchRuntime.SelectDevice(parse.GetValue(device)!, Console.WriteLine);
            Console.WriteLine(SrganWorkbench.Speed.CachingAllocator.Describe());
            return 0;
        });
        return command;
    }
}
