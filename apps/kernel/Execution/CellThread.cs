using System.Collections.Concurrent;

namespace SrganWorkbench.Kernel.Execution;

/// <summary>
/// The one thread every cell runs on, with a synchronization context that keeps the
/// continuations of top-level <c>await</c> on that same thread: TorchSharp's dispose scopes are
/// per thread, so a cell must not hop between threads.
/// </summary>
public sealed class CellThread : IDisposable
{
    readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();
    readonly Thread _thread;

    public CellThread()
    {
        _thread = new Thread(Pump) { IsBackground = true, Name = "cells", };
        _thread.Start();
    }

    void Pump()
    {
        SynchronizationContext.SetSynchronizationContext(new Context(this));
        foreach (var (callback, state) in _queue.GetConsumingEnumerable()) callback(state);
    }

    /// <summary>Runs <paramref name="work"/> on the cell thread and waits for it, continuations included.</summary>
    public T Run<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((_ =>
        {
            Task<T> task;
            try { task = work(); }
            catch (Exception e) { done.SetException(e); return; }
            task.ContinueWith(t =>
            {
                if (t.IsFaulted) done.SetException(t.Exception!.InnerExceptions);
                else if (t.IsCanceled) done.SetCanceled();
                else done.SetResult(t.Result);
            }, TaskContinuationOptions.ExecuteSynchronously);
        }, null));
        return done.Task.GetAwaiter().GetResult();
    }

    public void Dispose() => _queue.CompleteAdding();

    sealed class Context(CellThread owner) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) => owner._queue.Add((d, state));
        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("Synchronous Send to the cell thread would deadlock.");
        public override SynchronizationContext CreateCopy() => this;
    }
}
