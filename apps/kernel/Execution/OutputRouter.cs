using System.Text;

namespace SrganWorkbench.Kernel.Execution;

/// <summary>
/// Console.Out and Console.Error while the kernel runs: text is buffered and sent as "stream"
/// messages to the cell that is running when it is written, whichever thread writes it, at each
/// newline burst (at most every 50 ms) and when the cell ends.
/// </summary>
public sealed class OutputRouter : IDisposable
{
    readonly object _gate = new();
    readonly Action<object, string, string> _send; // (cell, stream name, text)
    readonly Timer _timer;
    readonly Dictionary<string, StringBuilder> _buffers = new() { ["stdout"] = new(), ["stderr"] = new() };
    object? _cell;

    public OutputRouter(Action<object, string, string> send)
    {
        _send = send;
        _timer = new Timer(_ => Flush(), null, 50, 50);
        Out = new StreamWriter(this, "stdout");
        Error = new StreamWriter(this, "stderr");
    }

    public TextWriter Out { get; }
    public TextWriter Error { get; }

    /// <summary>Outputs written from now on belong to <paramref name="cell"/> (what was pending goes to the previous one).</summary>
    public void BeginCell(object cell)
    {
        Flush();
        lock (_gate) _cell = cell;
    }

    public void Flush()
    {
        lock (_gate)
        {
            if (_cell == null) { foreach (var b in _buffers.Values) b.Clear(); return; }
            foreach (var (name, buffer) in _buffers)
                if (buffer.Length > 0)
                {
                    _send(_cell, name, buffer.ToString());
                    buffer.Clear();
                }
        }
    }

    void Write(string stream, string text)
    {
        lock (_gate) _buffers[stream].Append(text);
    }

    public void Dispose() => _timer.Dispose();

    sealed class StreamWriter(OutputRouter router, string stream) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => router.Write(stream, value.ToString());
        public override void Write(string? value) { if (value != null) router.Write(stream, value); }
        public override void Write(char[] buffer, int index, int count) => router.Write(stream, new string(buffer, index, count));
        public override void WriteLine(string? value) => router.Write(stream, value + "\n");
        public override void Flush() => router.Flush();
    }
}
