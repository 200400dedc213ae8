using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;
using SrganWorkbench.Kernel.Execution;
using SrganWorkbench.Kernel.Protocol;
using SrganWorkbench.Notebook;

namespace SrganWorkbench.Kernel;

/// <summary>
/// A Jupyter kernel (messaging protocol 5.3): heartbeat, shell, control and iopub sockets from the
/// connection file, every message signed with HMAC-SHA256. Shell requests are handled one at a
/// time on the shell thread (cells themselves run on the engine's cell thread); control requests
/// (interrupt, shutdown) are handled on their own thread so they reach a busy kernel.
/// </summary>
public sealed class KernelServer : IDisposable, IDisplaySink
{
    readonly ConnectionInfo _connection;
    readonly MessageCodec _codec;
    readonly string _session = Guid.NewGuid().ToString();
    readonly RouterSocket _shell = new(), _control = new(), _stdin = new();
    readonly PublisherSocket _iopub = new();
    readonly ResponseSocket _heartbeat = new();
    readonly object _iopubGate = new();
    readonly ScriptEngine _engine;
    readonly OutputRouter _output;
    readonly TextWriter _log;
    readonly CancellationTokenSource _stop = new();
    readonly CellHistory _history = new();
    Thread[] _threads = [];
    int _executionCount;
    Message? _currentCell;

    public KernelServer(ConnectionInfo connection, TextWriter log)
    {
        _connection = connection;
        _codec = new MessageCodec(connection.Key);
        _log = log;
        _engine = new ScriptEngine(Directory.GetCurrentDirectory());
        _output = new OutputRouter((cell, name, text) => Publish("stream", new JsonObject { ["name"] = name, ["text"] = text }, (Message)cell));
        _shell.Bind(connection.Address(connection.ShellPort));
        _control.Bind(connection.Address(connection.ControlPort));
        _stdin.Bind(connection.Address(connection.StdinPort));
        _iopub.Bind(connection.Address(connection.IopubPort));
        _heartbeat.Bind(connection.Address(connection.HeartbeatPort));
    }

    /// <summary>Serves until a shutdown request; returns the process exit code.</summary>
    public int Run()
    {
        Console.SetOut(_output.Out);
        Console.SetError(_output.Error);
        Console.SetIn(TextReader.Null);
        SrganWorkbench.Notebook.Display.Sink = this;
        var threads = _threads = new[]
        {
            new Thread(() => Loop(_heartbeat, frames => _heartbeat.SendMultipartMessage(frames))) { IsBackground = true, Name = "heartbeat" },
            new Thread(() => Serve(_control, isControl: true)) { IsBackground = true, Name = "control" },
        };
        foreach (var t in threads) t.Start();
        Publish("status", new JsonObject { ["execution_state"] = "starting" }, null);
        Serve(_shell, isControl: false);
        _output.Flush();
        return 0;
    }

    void Loop(NetMQSocket socket, Action<NetMQMessage> handle)
    {
        while (!_stop.IsCancellationRequested)
        {
            var frames = new NetMQMessage();
            if (socket.TryReceiveMultipartMessage(TimeSpan.FromMilliseconds(200), ref frames)) handle(frames);
        }
    }

    void Serve(RouterSocket socket, bool isControl)
    {
        Loop(socket, frames =>
        {
            var request = _codec.Decode(frames, out var problem);
            if (request == null) { _log.WriteLine($"kernel: dropped a message ({problem})"); return; }
            Publish("status", new JsonObject { ["execution_state"] = "busy" }, request);
            try { Handle(socket, request, isControl); }
            catch (Exception e) { _log.WriteLine($"kernel: {request.Type} failed: {e}"); }
            finally { Publish("status", new JsonObject { ["execution_state"] = "idle" }, request); }
        });
    }

    void Handle(RouterSocket socket, Message request, bool isControl)
    {
        var c = request.Content;
        switch (request.Type)
        {
            case "kernel_info_request":
                Reply(socket, request, "kernel_info_reply", KernelInfo());
                break;
            case "execute_request":
                Reply(socket, request, "execute_reply", Execute(request));
                break;
            case "is_complete_request":
            {
                string status = ScriptEngine.IsComplete(c["code"]?.GetValue<string>() ?? "");
                var reply = new JsonObject { ["status"] = status };
                if (status == "incomplete") reply["indent"] = "    ";
                Reply(socket, request, "is_complete_reply", reply);
                break;
            }
            case "complete_request":
            {
                string code = c["code"]?.GetValue<string>() ?? "";
                int cursor = c["cursor_pos"]?.GetValue<int>() ?? code.Length;
                var (matches, start) = _engine.Complete(code, cursor);
                Reply(socket, request, "complete_reply", new JsonObject
                {
                    ["status"] = "ok", ["matches"] = new JsonArray(matches.Select(m => (JsonNode)m).ToArray()),
                    ["cursor_start"] = start, ["cursor_end"] = cursor, ["metadata"] = new JsonObject(),
                });
                break;
            }
            case "inspect_request":
            {
                string code = c["code"]?.GetValue<string>() ?? "";
                Inspection? inspection;
                try { inspection = _engine.Inspect(code, c["cursor_pos"]?.GetValue<int>() ?? code.Length); }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A reply in any case: a client waits for one (the tooltip would hang), and the cause is worth a line.
                    _log.WriteLine($"kernel: inspect_request failed: {e}");
                    Reply(socket, request, "inspect_reply", new JsonObject { ["status"] = "error", ["ename"] = e.GetType().Name, ["evalue"] = $"inspect: {e.Message}", ["traceback"] = new JsonArray() });
                    break;
                }
                var data = inspection == null ? new JsonObject() : new JsonObject { ["text/plain"] = inspection.Text, ["text/markdown"] = inspection.Markdown };
                Reply(socket, request, "inspect_reply", new JsonObject { ["status"] = "ok", ["found"] = inspection != null, ["data"] = data, ["metadata"] = new JsonObject() });
                break;
            }
            case "comm_info_request":
                Reply(socket, request, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() });
                break;
            case "history_request":
                Reply(socket, request, "history_reply", _history.Reply(c));
                break;
            case "interrupt_request":
                Interruption.Request();
                Reply(socket, request, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                break;
            case "shutdown_request":
                bool restart = c["restart"]?.GetValue<bool>() ?? false;
                Reply(socket, request, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = restart });
                Interruption.Request();
                _stop.Cancel();
                break;
            case "comm_open":
            case "comm_msg":
            case "comm_close":
                break; // no comm targets
            default:
                _log.WriteLine($"kernel: ignoring {request.Type} on {(isControl ? "control" : "shell")}");
                break;
        }
    }

    JsonObject Execute(Message request)
    {
        var c = request.Content;
        string code = c["code"]?.GetValue<string>() ?? "";
        bool silent = c["silent"]?.GetValue<bool>() ?? false;
        bool storeHistory = (c["store_history"]?.GetValue<bool>() ?? true) && !silent;
        if (storeHistory) _executionCount++;
        int number = Math.Max(_executionCount, 1);
        if (!silent) Publish("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = number }, request);

        _currentCell = request;
        _output.BeginCell(request);
        var result = _engine.Execute(code, number);
        _output.Flush();

        // Formatted once, for the output and for history's "output" (a silent cell has neither).
        var value = result.Ok && result.HasValue && !silent ? Data(Formatter.Format(result.Value)) : null;
        if (storeHistory) _history.Add(number, code, value?["text/plain"]?.GetValue<string>());
        if (result.Ok)
        {
            if (value != null)
                Publish("execute_result", new JsonObject { ["execution_count"] = number, ["data"] = value, ["metadata"] = new JsonObject() }, request);
            return new JsonObject { ["status"] = "ok", ["execution_count"] = number, ["user_expressions"] = new JsonObject(), ["payload"] = new JsonArray() };
        }
        var traceback = new JsonArray((result.Traceback ?? []).Select(t => (JsonNode)t).ToArray());
        Publish("error", new JsonObject { ["ename"] = result.ErrorName, ["evalue"] = result.ErrorValue, ["traceback"] = traceback.DeepClone() }, request);
        return new JsonObject { ["status"] = "error", ["execution_count"] = number, ["ename"] = result.ErrorName, ["evalue"] = result.ErrorValue, ["traceback"] = traceback };
    }

    // ---- IDisplaySink: outputs from Display.Show / handle.Update during a cell ----

    public void Display(MimeBundle bundle, string? displayId)
    {
        if (_currentCell == null) return;
        _output.Flush(); // keep printed text and displays in order
        var content = new JsonObject { ["data"] = Data(bundle), ["metadata"] = new JsonObject() };
        if (displayId != null) content["transient"] = new JsonObject { ["display_id"] = displayId };
        Publish("display_data", content, _currentCell);
    }

    public void Update(MimeBundle bundle, string displayId)
    {
        if (_currentCell == null) return;
        Publish("update_display_data", new JsonObject
        {
            ["data"] = Data(bundle), ["metadata"] = new JsonObject(), ["transient"] = new JsonObject { ["display_id"] = displayId },
        }, _currentCell);
    }

    static JsonObject Data(MimeBundle bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in bundle)
            data[mime] = value switch { string s => s, JsonNode n => n.DeepClone(), _ => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(value)) };
        return data;
    }

    static JsonObject KernelInfo() => new()
    {
        ["status"] = "ok",
        ["protocol_version"] = Message.ProtocolVersion,
        ["implementation"] = "srgan-csharp",
        ["implementation_version"] = typeof(KernelServer).Assembly.GetName().Version?.ToString() ?? "0",
        ["language_info"] = new JsonObject
        {
            ["name"] = "csharp", ["version"] = "13", ["mimetype"] = "text/x-csharp", ["file_extension"] = ".cs",
            ["pygments_lexer"] = "csharp", ["codemirror_mode"] = "text/x-csharp",
        },
        ["banner"] = "C# (SRGAN Workbench): Roslyn scripting with the workspace library and TorchSharp",
        ["help_links"] = new JsonArray(),
    };

    void Reply(RouterSocket socket, Message request, string type, JsonObject content) =>
        socket.SendMultipartMessage(_codec.Encode(Message.Create(type, content, request, _session)));

    void Publish(string type, JsonObject content, Message? parent)
    {
        var message = Message.Create(type, content, parent, _session);
        message.Identities.Clear();
        message.Identities.Add(System.Text.Encoding.UTF8.GetBytes($"kernel.{type}"));
        var frames = _codec.Encode(message);
        lock (_iopubGate) _iopub.SendMultipartMessage(frames);
    }

    public void Dispose()
    {
        // The heartbeat and control threads leave their loops within one receive timeout once stopped; closing the
        // sockets under them (a restart from a client) would end the process with an unhandled TerminatingException.
        _stop.Cancel();
        foreach (var t in _threads) t.Join(TimeSpan.FromSeconds(2));
        _output.Dispose();
        _engine.Dispose();
        foreach (var s in new NetMQSocket[] { _shell, _control, _stdin, _iopub, _heartbeat }) s.Dispose();
        NetMQConfig.Cleanup(block: false);
    }
}
