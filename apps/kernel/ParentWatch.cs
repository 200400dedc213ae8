using System.Runtime.InteropServices;

namespace SrganWorkbench.Kernel;

/// <summary>
/// Ends an orphaned kernel, as ipykernel's parent poller does: a kernel whose client (jupyter_client's KernelManager,
/// a notebook server) died without shutting it down would otherwise live on, holding its memory and any running
/// cell, with nobody able to reach it. Once a second it checks that the process named by JPY_PARENT_PID (which
/// jupyter_client sets when it launches a kernel) is alive, and that this process's parent is still the one it started
/// with (a dead parent's children are handed to init or a subreaper). Unix only: on Windows JPY_PARENT_PID is a handle.
/// </summary>
public sealed class ParentWatch : IDisposable
{
    readonly Timer _timer;
    readonly int _parent;
    readonly int? _launcher;
    readonly Action<string> _orphaned;
    int _fired;

    ParentWatch(int parent, int? launcher, Action<string> orphaned, TimeSpan interval)
    {
        _parent = parent;
        _launcher = launcher;
        _orphaned = orphaned;
        _timer = new Timer(_ => Check(), null, TimeSpan.Zero, interval);
    }

    /// <summary>Starts watching; <paramref name="orphaned"/> is called once, with the reason, when the parent is gone.
    /// Null where there is nothing to watch (Windows).</summary>
    public static ParentWatch? Start(Action<string> orphaned, TimeSpan? interval = null)
    {
        if (OperatingSystem.IsWindows()) return null;
        // JPY_PARENT_PID=1 would be init, which never dies: ipykernel ignores it too.
        int? launcher = int.TryParse(Environment.GetEnvironmentVariable("JPY_PARENT_PID"), out int pid) && pid > 1 ? pid : null;
        return new ParentWatch(getppid(), launcher, orphaned, interval ?? TimeSpan.FromSeconds(1));
    }

    void Check()
    {
        string? reason = null;
        if (_launcher is { } launcher && !Alive(launcher)) reason = $"the process that launched this kernel (JPY_PARENT_PID={launcher}) has exited";
        else if (getppid() is var now && now != _parent) reason = $"the parent process {_parent} has exited (this kernel now belongs to process {now})";
        if (reason != null && Interlocked.Exchange(ref _fired, 1) == 0) _orphaned(reason);
    }

    /// <summary>Whether <paramref name="pid"/> runs: a zombie (dead, not yet reaped by its own parent) does not.</summary>
    static bool Alive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try { return File.ReadAllText($"/proc/{pid}/stat").Split(") ").Last().Split(' ')[0] != "Z"; }
            catch (IOException) { return false; } // no such process (or it went while being read)
        }
        return kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1; // EPERM: it exists, owned by someone else
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>
    /// Ends the process at once, as ipykernel's os._exit: no exit handlers, no native libraries' static destructors.
    /// Environment.Exit runs libtorch's while a cell or the numerics check may be inside it, which crashed the process
    /// (SIGSEGV) instead of ending it with this code.
    /// </summary>
    public static void ExitNow(int code)
    {
        Console.Error.Flush();
        _exit(code);
    }

    [DllImport("libc")]
    static extern void _exit(int code);

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    [DllImport("libc")]
    static extern int getppid();
}
