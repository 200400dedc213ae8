using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Bench;

/// <summary>
/// Issue 31's benchmark: peak resident memory and wall time of `srgan upscale` against the input's size (squares of
/// BSD100's 253027, resized by MATLAB's bicubic imresize), tiled and whole, beside PyTorch's whole-image forward of the
/// same network (Debian's python3-torch, bench/pytorch_reference.py --upscale). Each run is its own process measured by
/// `/usr/bin/time -v` (its "Maximum resident set size"), as a user would measure it; the ratio that matters is each
/// tiled peak against the smallest size's tiled peak, measured in the same run.
/// </summary>
static class MemoryBench
{
    public static void Run(string[] args)
    {
        int[] sizes = Option(args, "--sizes", "512,1024,2048,4096").Split(',').Select(int.Parse).ToArray();
        int tile = int.Parse(Option(args, "--tile", "256")), overlap = int.Parse(Option(args, "--overlap", "16"));
        // Whole-image runs grow with the image (~4x per doubling of the side): beyond these sides they would not fit in
        // this machine's memory, so they are not started unless asked for.
        int wholeMax = int.Parse(Option(args, "--whole-max", "1024")), pytorchMax = int.Parse(Option(args, "--pytorch-max", "1024"));
        string root = DataRoot.RepositoryRoot();
        string model = Option(args, "--model", Path.Combine("results", "srresnet-cpu-continued"));
        string scratch = Path.GetFullPath(Option(args, "--scratch", Path.Combine(Path.GetTempPath(), "srgan-bench-memory")));
        string srgan = Path.Combine(root, "apps", "srgan", "bin", "Release", "net10.0", "srgan.dll");
        if (!File.Exists(srgan)) throw new FileNotFoundException($"{srgan}: build the workspace first (dotnet build -c Release).");
        if (!File.Exists("/usr/bin/time")) throw new FileNotFoundException("/usr/bin/time is needed (apt-get install time).");
        Directory.CreateDirectory(scratch);

        Console.WriteLine($"machine: {Timing.Machine()}; cpu: {CpuInfo.Model}; code: {Git(root, "rev-parse", "--short", "HEAD")}{(Git(root, "status", "--porcelain", "--untracked-files=no").Length > 0 ? " + uncommitted changes" : "")}");
        Console.WriteLine($"inputs: BSD100 253027 resized to squares by MATLAB's bicubic imresize, in {scratch}; model {model}");
        var rows = new List<(int Size, Measure? Tiled, Measure? Whole, Measure? PyTorch)>();
        foreach (int size in sizes)
        {
            string input = Path.Combine(scratch, $"253027-{size}.png");
            if (!File.Exists(input))
            {
                var hr = ImageFile.Read(Path.Combine(DataRoot.Resolve(), "BSD100", "HR", "253027.png"));
                ImageFile.WritePng(input, MatlabResize.Resize(hr, size, size));
            }
            string[] upscale = ["upscale", input, "-o", Path.Combine(scratch, $"sr-{size}"), "--model", model];
            var tiled = Srgan(srgan, [.. upscale, "--tile", tile.ToString(), "--overlap", overlap.ToString()], root);
            var whole = size <= wholeMax ? Srgan(srgan, [.. upscale, "--tile", "0"], root) : null;
            var pytorch = size <= pytorchMax ? PyTorch(size, root) : null;
            rows.Add((size, tiled, whole, pytorch));
        }

        double smallest = rows[0].Tiled?.PeakMb ?? double.NaN;
        Console.WriteLine();
        Console.WriteLine($"| input -> output (px) | tiled peak (MB) | vs {rows[0].Size} px | tiled time (s) | whole peak (MB) | whole time (s) | PyTorch forward peak (MB) | PyTorch forward (s) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (size, t, w, p) in rows)
            Console.WriteLine($"| {size} -> {4 * size} | {Cell(t?.PeakMb, "N0", size, int.MaxValue)} | {Cell(t?.PeakMb / smallest, "F2", size, int.MaxValue)}x | " +
                              $"{Cell(t?.Seconds, "F1", size, int.MaxValue)} | {Cell(w?.PeakMb, "N0", size, wholeMax)} | " +
                              $"{Cell(w?.Seconds, "F1", size, wholeMax)} | {Cell(p?.PeakMb, "N0", size, pytorchMax)} | {Cell(p?.Seconds, "F1", size, pytorchMax)} |");
        Console.WriteLine();
        Console.WriteLine($"tiled: `/usr/bin/time -v srgan upscale 253027-N.png -o OUT --model {model} --tile {tile} --overlap {overlap}`; " +
                          $"whole: the same with `--tile 0`; PyTorch: `/usr/bin/time -v /usr/bin/python3 bench/pytorch_reference.py --upscale N --threads {Environment.ProcessorCount}` " +
                          "(the paper's SRResNet, random weights, one forward of a random N x N input under no_grad; its time is the forward's alone, srgan's the whole command's: read, upscale, write).");
    }

    /// <summary>One process's peak resident set (MB) and time (s).</summary>
    sealed record Measure(double PeakMb, double Seconds);

    static string Cell(double? value, string format, int size, int max) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : size > max ? "not run" : "failed";

    static Measure? Srgan(string dll, string[] args, string root) => TimeV(["dotnet", dll, .. args], root)?.Measure;

    /// <summary>PyTorch's whole-image forward: its peak from /usr/bin/time, its time from the script (the forward alone).</summary>
    static Measure? PyTorch(int size, string root)
    {
        string script = Path.Combine(root, "bench", "pytorch_reference.py");
        if (TimeV(["/usr/bin/python3", script, "--upscale", size.ToString(), "--threads", Environment.ProcessorCount.ToString()], root) is not var (time, output))
            return null;
        var json = JsonDocument.Parse(output.Trim().Split('\n').Last()).RootElement;
        return time with { Seconds = json.GetProperty("forward_s").GetDouble() };
    }

    /// <summary>Runs a command under `/usr/bin/time -v`: its maximum resident set size, elapsed wall time and standard
    /// output; null (its error printed) when it failed.</summary>
    static (Measure Measure, string Output)? TimeV(string[] command, string root)
    {
        Console.WriteLine($"$ /usr/bin/time -v {string.Join(' ', command.Select(a => a.Replace(root + "/", "")))}");
        var start = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var a in (string[])["-v", .. command]) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        string err = stderr.Result;
        if (p.ExitCode != 0)
        {
            Console.WriteLine($"  failed, exit code {p.ExitCode}: {string.Join(" | ", err.Split('\n').Where(l => l.Length > 0).Take(3))}");
            return null;
        }
        string Field(string name) => err.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim();
        double peakMb = long.Parse(Field("Maximum resident set size (kbytes):")) / 1024.0;
        double seconds = Field("Elapsed (wall clock) time (h:mm:ss or m:ss):").Split(':').Aggregate(0.0, (t, part) => t * 60 + double.Parse(part, CultureInfo.InvariantCulture));
        Console.WriteLine($"  peak {peakMb:N0} MB, {seconds:F1} s");
        return (new Measure(peakMb, seconds), stdout.Result);
    }

    static string Option(string[] args, string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;

    static string Git(string root, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, WorkingDirectory = root };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        string text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return text;
    }
}
