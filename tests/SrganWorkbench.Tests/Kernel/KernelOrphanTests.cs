using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>
/// A kernel whose client died without shutting it down ends itself (as ipykernel's does), even in the middle of a
/// cell: when the process named by JPY_PARENT_PID is gone, or when its own parent changes (it was handed to init).
/// </summary>
[Collection("training")]
public class KernelOrphanTests
{
    static readonly string Repo = DataRoot.RepositoryRoot();
    static readonly TimeSpan Grace = TimeSpan.FromSeconds(10); // a 1 s poll on a busy 2-core machine

    [Fact]
    public void Killing_the_jupyter_client_that_started_the_kernel_ends_the_kernel_and_its_running_cell()
    {
        using var temp = new SharedData.TempFolder();
        var install = TestProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "srgan-kernel.dll"), "install", "--dir", temp.File("jupyter/kernels")]);
        Assert.True(install.Code == 0, install.Out + install.Err);
        var start = TestProcess.Start("/usr/bin/python3", [Path.Combine(Repo, "tests", "kernel", "orphan_parent.py")],
            new Dictionary<string, string> { ["JUPYTER_PATH"] = temp.File("jupyter") });
        using var client = Process.Start(start)!;
        var err = new System.Collections.Concurrent.ConcurrentQueue<string>();
        client.ErrorDataReceived += (_, e) => { if (e.Data != null) err.Enqueue(e.Data); };
        client.BeginErrorReadLine();
        int kernel = 0;
        try
        {
            // The kernel inherits the client's stdout, so read lines, not to the end.
            var line = client.StandardOutput.ReadLineAsync();
            Assert.True(line.Wait(TimeSpan.FromMinutes(3)) && line.Result != null, "the client never had a busy kernel:\n" + string.Join("\n", err));
            var words = line.Result!.Split(' ');
            Assert.True(words is ["kernel", _, "busy"], line.Result);
            kernel = int.Parse(words[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Alive(kernel), $"kernel {kernel} is not running");

            client.Kill(); // SIGKILL: the client cannot shut its kernel down
            var clock = Stopwatch.StartNew();
            while (Alive(kernel) && clock.Elapsed < Grace) Thread.Sleep(100);
            Assert.False(Alive(kernel), $"the kernel {kernel} still runs {Grace.TotalSeconds} s after its client was killed");
        }
        finally
        {
            if (!client.HasExited) client.Kill();
            if (kernel > 0 && Alive(kernel)) Process.GetProcessById(kernel).Kill();
        }
    }

    [Fact]
    public void A_kernel_whose_JPY_PARENT_PID_process_exits_ends_itself_though_its_own_parent_lives()
    {
        using var temp = new SharedData.TempFolder();
        using var launcher = Process.Start(new ProcessStartInfo("sleep", "600"))!; // stands for the launching client
        int hb = FreePort.Next();
        var connection = new { transport = "tcp", ip = "127.0.0.1", shell_port = FreePort.Next(), iopub_port = FreePort.Next(), stdin_port = FreePort.Next(),
            control_port = FreePort.Next(), hb_port = hb, key = "", signature_scheme = "hmac-sha256" };
        File.WriteAllText(temp.File("connection.json"), JsonSerializer.Serialize(connection));
        var start = TestProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "srgan-kernel.dll"), temp.File("connection.json")],
            new Dictionary<string, string> { ["JPY_PARENT_PID"] = launcher.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var kernel = Process.Start(start)!;
        var stderr = kernel.StandardError.ReadToEndAsync();
        try
        {
            // Listening on its ports means the kernel is up (it watches its parent from then on).
            var clock = Stopwatch.StartNew();
            while (!Listening(hb) && !kernel.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(200);
            Assert.False(kernel.HasExited, "the kernel exited at start: " + (kernel.HasExited ? stderr.Result : ""));
            Thread.Sleep(1500); // it outlives a few polls while the launcher lives
            Assert.False(kernel.HasExited, "the kernel exited while its launcher ran: " + (kernel.HasExited ? stderr.Result : ""));

            launcher.Kill();
            launcher.WaitForExit();
            Assert.True(kernel.WaitForExit(Grace), $"the kernel still runs {Grace.TotalSeconds} s after its launcher exited");
            Assert.Equal(1, kernel.ExitCode);
            Assert.Contains($"the process that launched this kernel (JPY_PARENT_PID={launcher.Id}) has exited; exiting.", stderr.Result);
        }
        finally
        {
            if (!launcher.HasExited) launcher.Kill();
            if (!kernel.HasExited) kernel.Kill();
        }
    }

    static bool Listening(int port)
    {
        try
        {
            using var socket = new TcpClient();
            socket.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>Running: a zombie (exited, not yet reaped by whichever process it was handed to) is not.</summary>
    static bool Alive(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(") ").Last().Split(' ')[0] != "Z"; }
        catch (IOException) { return false; }
    }
}
