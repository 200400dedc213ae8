using SrganWorkbench.Kernel;
using SrganWorkbench.Kernel.Protocol;
using SrganWorkbench.Speed;

// srgan-kernel CONNECTION_FILE      run the kernel (Jupyter starts it this way, from kernel.json)
// srgan-kernel install [--user | --prefix DIR | --dir KERNELS_DIR]   write the kernelspec
// srgan-kernel run [--param name=value]... [--kernel NAME] [--out DIR] NOTEBOOK...   execute notebooks headless, in order (NAME: another kernelspec, e.g. .net-csharp)
// srgan-kernel student [--out DIR] NOTEBOOK...   student copies (notebooks/student/): solutions replaced by stubs, answers left out, outputs cleared
// srgan-kernel store NOTEBOOK...   executed copies for the repository (plotly.js from its CDN instead of embedded; each chart also as a PNG)
// srgan-kernel dotnet-interactive setup [--tool-path DIR] [--dir KERNELS_DIR | --prefix DIR] [--packages DIR]
//     install .NET Interactive if missing, write its .net-csharp kernelspec, patch the TorchSharp it loads
// tcmalloc for tensor memory when it is installed: restarts this process with it preloaded (lib/Speed/CachingAllocator.cs).
CachingAllocator.UseIfInstalled();
// A relative SRGAN_DATA / SRGAN_WEIGHTS means the repository root's, for this process and its children (lib/Data/DataRoot.cs).
SrganWorkbench.Data.DataRoot.PinVariables();
var log = Console.Error;
if (args.Length >= 1 && args[0] == "install")
{
    string? Value(string flag) => args.SkipWhile(a => a != flag).Skip(1).FirstOrDefault();
    string folder = Kernelspec.Install(
        kernelsDir: Value("--dir"),
        prefix: Value("--prefix"));
    Console.WriteLine($"Installed kernelspec '{Kernelspec.Name}' in {folder}");
    Console.WriteLine("Open a notebook in VS Code or JupyterLab and pick \"C# (SRGAN Workbench)\", or run: jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=" + Kernelspec.Name + " NOTEBOOK.ipynb");
    return 0;
}
if (args.Length >= 1 && args[0] == "run")
    return NotebookRunner.Run(args[1..], Console.Out, Console.Error);
if (args.Length >= 1 && args[0] == "student")
    return StudentCopies.Run(args[1..], Console.Out, Console.Error);
if (args.Length >= 1 && args[0] == "store")
{
    // The executed copies kept in the repository (notebooks/refresh-executed.sh): plotly.js from its CDN, not embedded,
    // and each chart drawn as a PNG too (GitHub's notebook view runs no JavaScript).
    foreach (string path in args[1..])
    {
        int bundles = ExecutedCopies.DropPlotlyBundle(path);
        int charts = ExecutedCopies.AddStaticImages(path, ExecutedCopies.Chromium);
        Console.WriteLine($"{path}: {bundles} plotly.js bundle(s) replaced by the CDN's, {charts} chart(s) drawn as PNG; {new FileInfo(path).Length / 1e6:F2} MB");
    }
    return 0;
}
if (args.Length >= 1 && args[0] == "dotnet-interactive")
    return DotNetInteractiveSetup.Run(args[1..], Console.Out, Console.Error);
if (args.Length != 1 || !File.Exists(args[0]))
{
    log.WriteLine("usage: srgan-kernel CONNECTION_FILE | srgan-kernel install [--prefix DIR | --dir KERNELS_DIR] | srgan-kernel run [--param name=value]... [--kernel NAME] [--out DIR] NOTEBOOK... | srgan-kernel student [--out DIR] NOTEBOOK... | srgan-kernel dotnet-interactive setup [--tool-path DIR]");
    return 2;
}
// The numerics self-check, before any cell's first backward pass (once per process; a cell that needs it waits for it):
// one line in the kernel's log when this CPU computes some convolution wrong. Notebooks show it from their setup cell.
_ = Task.Run(() => SrganWorkbench.NumericsCheck.Ensure(line => log.WriteLine($"srgan-kernel: {line}")));
using var server = new KernelServer(ConnectionInfo.Read(args[0]), log);
// An orphaned kernel ends itself (the client that started it died without shutting it down): the process exits at
// once, a running cell with it, as ipykernel's does.
using var parentWatch = ParentWatch.Start(reason =>
{
    log.WriteLine($"srgan-kernel: {reason}; exiting.");
    ParentWatch.ExitNow(1);
});
return server.Run();
