namespace SrganWorkbench.Notebook;

/// <summary>
/// The notebook's "Stop" button: the kernel starts a scope per cell (<see cref="Reset"/>) and
/// requests an interruption when the user presses Stop. The kernel inserts
/// <see cref="ThrowIfRequested"/> into every loop of a cell, so a cell's own loops stop; a library
/// call that takes a <see cref="CancellationToken"/> stops when a cell passes it <see cref="Token"/>,
/// e.g. <c>trainer.Run(cancel: Interruption.Token)</c> (a training run then saves a checkpoint and
/// returns, as on Ctrl-C). The core library knows nothing of this class. Outside a kernel the token
/// never fires.
/// </summary>
public static class Interruption
{
    static CancellationTokenSource _current = new();

    /// <summary>Fires when the current cell is interrupted (in .NET Interactive: its cell's cancellation token).</summary>
    public static CancellationToken Token => DotNetInteractive.CellCancellation() ?? Volatile.Read(ref _current).Token;

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
