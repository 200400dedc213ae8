using SrganWorkbench.Bench;
using SrganWorkbench.Speed;

// The allocator the product runs with (lib/Speed/CachingAllocator.cs): tcmalloc when installed, SRGAN_ALLOCATOR=system for glibc's.
CachingAllocator.UseIfInstalled();
// A relative SRGAN_DATA / SRGAN_WEIGHTS means the repository root's, for this process and its children (lib/Data/DataRoot.cs).
SrganWorkbench.Data.DataRoot.PinVariables();

// Benchmarks print what they measured and the ratio that matters, with the machine they ran on.
string name = args.Length > 0 ? args[0] : "help";
switch (name)
{
    case "speed":
        SpeedBench.Run(args.Skip(1).ToArray());
        return 0;
    case "data":
        DataPipelineBench.Run(args.Skip(1).ToArray());
        return 0;
    case "memory":
        MemoryBench.Run(args.Skip(1).ToArray());
        return 0;
    default:
        Console.WriteLine("usage: dotnet run -c Release --project bench/SrganWorkbench.Bench -- data [--steps N] | speed [--steps N] [--threads T] [--nchw] [--inference-only]");
        Console.WriteLine("         | memory [--sizes 512,1024,2048,4096] [--tile 256] [--overlap 16] [--whole-max 1024] [--pytorch-max 1024] [--scratch DIR]");
        Console.WriteLine("  speed  training steps, inference and memory against PyTorch (python3-torch) in the same run, with the sgemm peak;");
        Console.WriteLine("         inference also by ONNX Runtime on the exported graph; --inference-only: inference alone (ours, ONNX Runtime, PyTorch)");
        Console.WriteLine("  data   crop + degradation (+ decoding) of a 16 x 96 px batch against one SRResNet training step");
        Console.WriteLine("  memory peak resident memory and time of `srgan upscale` (tiled and whole) against the input's size, beside PyTorch's forward");
        return name == "help" ? 0 : 2;
}
