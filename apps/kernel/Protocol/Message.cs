using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetMQ;

namespace SrganWorkbench.Kernel.Protocol;

/// <summary>
/// A Jupyter message (messaging protocol 5.3): routing identities, then "&lt;IDS|MSG&gt;", the HMAC
/// signature, header, parent header, metadata and content as JSON, then optional buffers.
/// </summary>
public sealed class Message
{
    public const string Delimiter = "<IDS|MSG>";
    public const string ProtocolVersion = "5.3";

    public List<byte[]> Identities { get; init; } = [];
    public JsonObject Header { get; init; } = new();
    public JsonObject ParentHeader { get; init; } = new();
    public JsonObject Metadata { get; init; } = new();
    public JsonObject Content { get; init; } = new();

    public string Type => Header["msg_type"]?.GetValue<string>() ?? "";
    public string Id => Header["msg_id"]?.GetValue<string>() ?? "";

    /// <summary>A new message of <paramref name="type"/> in reply to (or caused by) <paramref name="parent"/>.</summary>
    public static Message Create(string type, JsonObject content, Message? parent, string session)
    {
        return new Message
        {
            Identities = parent?.Identities.ToList() ?? [], // a copy: iopub replaces them with a topic
            Header = new JsonObject
            {
                ["msg_id"] = Guid.NewGuid().ToString(),
                ["session"] = session,
                ["username"] = "kernel",
                ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
                ["msg_type"] = type,
                ["version"] = ProtocolVersion,
            },
            ParentHeader = parent?.Header.DeepClone().AsObject() ?? new JsonObject(),
            Content = content,
        };
    }
}

/// <summary>Signs and verifies messages with the connection's key, and converts them to and from ZeroMQ frames.</summary>
public sealed class MessageCodec(string key)
{
    readonly byte[] _key = Encoding.UTF8.GetBytes(key);

    public string Sign(params string[] parts)
    {
        if (_key.Length == 0) return "";
        using var hmac = new HMACSHA256(_key);
        foreach (var p in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(p);
            hmac.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }
        hmac.TransformFinalBlock([], 0, 0);
        return Convert.ToHexStringLower(hmac.Hash!);
    }

    public NetMQMessage Encode(Message m)
    {
        string header = m.Header.ToJsonString(), parent = m.ParentHeader.ToJsonString(), metadata = m.Metadata.ToJsonString(), content = m.Content.ToJsonString();
        var frames = new NetMQMessage();
        foreach (var id in m.Identities) frames.Append(id);
        frames.Append(Message.Delimiter);
        frames.Append(Sign(header, parent, metadata, content));
        frames.Append(header);
        frames.Append(parent);
        frames.Append(metadata);
        frames.Append(content);
        return frames;
    }

    /// <summary>Parses frames; returns null (and the reason) for a message whose signature does not verify.</summary>
    public Message? Decode(NetMQMessage frames, out string? problem)
    {
        problem = null;
        var identities = new List<byte[]>();
        int i = 0;
        for (; i < frames.FrameCount && frames[i].ConvertToString() != Message.Delimiter; i++) identities.Add(frames[i].ToByteArray());
        if (i + 5 >= frames.FrameCount) { problem = "too few frames"; return null; }
        string signature = frames[i + 1].ConvertToString(Encoding.UTF8);
        string header = frames[i + 2].ConvertToString(Encoding.UTF8), parent = frames[i + 3].ConvertToString(Encoding.UTF8);
        string metadata = frames[i + 4].ConvertToString(Encoding.UTF8), content = frames[i + 5].ConvertToString(Encoding.UTF8);
        if (_key.Length > 0 && !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(header, parent, metadata, content)), Encoding.ASCII.GetBytes(signature)))
        {
            problem = "invalid signature";
            return null;
        }
        return new Message
        {
            Identities = identities,
            Header = Parse(header),
            ParentHeader = Parse(parent),
            Metadata = Parse(metadata),
            Content = Parse(content),
        };
    }

    static JsonObject Parse(string json) => JsonNode.Parse(json) as JsonObject ?? new JsonObject();
}
