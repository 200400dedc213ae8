namespace SrganWorkbench;

/// <summary>
/// The "Stop" button, for code that runs in a notebook: the kernel starts a scope per cell and
/// requests an interruption when the user presses Stop. The library's long loops (training,
/// evaluation) observe <see cref="Token"/> and stop at their next step; the kernel also inserts
/// <see cref="ThrowIfRequested"/> into every loop of a cell so user loops stop too.
/// Outside a kernel the token never fires.
/// </summary>
public static class Interruption
{
    static CancellationTokenSource _current = new();

    /// <summary>Fires when the current cell is interrupted.</summary>
    public static CancellationToken Token => Volatile.Read(ref _current).Token;

    /// <summary>Starts a fresh scope (the kernel calls this before each cell).</summary>
    public static void Reset()
    {
        var old = Interlocked.Exchange(ref _current, new CancellationTokenSource());
        old.Dispose();
    }

    /// <summary>Interrupts the code now running (the kernel calls this on interrupt_request).</summary>
    public static void Request() => Volatile.Read(ref _current).Cancel();

    /// <summary>Throws <see cref="OperationCanceledException"/> once an interruption was requested.</summary>
    public static void ThrowIfRequested() => Token.ThrowIfCancellationRequested();
}
