using System.Text.Json;
using System.Text.Json.Serialization;

namespace SrganWorkbench.Kernel.Protocol;

/// <summary>The connection file a Jupyter client writes for a kernel: where to bind and how to sign.</summary>
public sealed record ConnectionInfo
{
    [JsonPropertyName("transport")] public string Transport { get; init; } = "tcp";
    [JsonPropertyName("ip")] public string Ip { get; init; } = "127.0.0.1";
    [JsonPropertyName("shell_port")] public int ShellPort { get; init; }
    [JsonPropertyName("iopub_port")] public int IopubPort { get; init; }
    [JsonPropertyName("stdin_port")] public int StdinPort { get; init; }
    [JsonPropertyName("control_port")] public int ControlPort { get; init; }
    [JsonPropertyName("hb_port")] public int HeartbeatPort { get; init; }
    [JsonPropertyName("key")] public string Key { get; init; } = "";
    [JsonPropertyName("signature_scheme")] public string SignatureScheme { get; init; } = "hmac-sha256";

    public string Address(int port) => Transport == "ipc" ? $"ipc://{Ip}-{port}" : $"{Transport}://{Ip}:{port}";

    public static ConnectionInfo Read(string path)
    {
        var info = JsonSerializer.Deserialize<ConnectionInfo>(File.ReadAllText(path))
                   ?? throw new InvalidDataException($"{path}: empty connection file.");
        if (info.SignatureScheme != "hmac-sha256" && info.Key.Length > 0)
            throw new InvalidDataException($"{path}: signature scheme '{info.SignatureScheme}' is not supported (hmac-sha256 is).");
        return info;
    }
}
