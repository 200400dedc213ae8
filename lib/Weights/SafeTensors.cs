using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace SrganWorkbench.Weights;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping names to {dtype, shape, data_offsets} plus an optional "__metadata__" string map, then
/// the raw little-endian tensor bytes. Used for pretrained weights and for this workspace's
/// checkpoints, so both open in Python with <c>safetensors.torch.load_file</c>.
/// </summary>
public static class SafeTensors
{
    public sealed record Contents(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>Reads every tensor (on the CPU) and the metadata; errors name the file. Each tensor's bytes go from the
    /// file straight into its storage (a checkpoint may be larger than a managed array can hold).</summary>
    public static Contents Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights file not found.", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
        long fileLength = file.Length;
        if (fileLength < 8) throw new InvalidDataException($"{path}: not a safetensors file (only {fileLength} bytes).");
        Span<byte> prefix = stackalloc byte[8];
        file.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)fileLength - 8 || headerLength > 100_000_000)
            throw new InvalidDataException($"{path}: not a safetensors file, or truncated (header of {headerLength} bytes in a {fileLength}-byte file).");
        var headerBytes = new byte[headerLength];
        file.ReadExactly(headerBytes);
        JsonObject header;
        try { header = JsonNode.Parse(Encoding.UTF8.GetString(headerBytes))!.AsObject(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        { throw new InvalidDataException($"{path}: not a safetensors file (unreadable header: {e.Message}).", e); }

        long dataStart = 8 + (long)headerLength;
        var tensors = new Dictionary<string, Tensor>();
        var metadata = new Dictionary<string, string>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    foreach (var (k, v) in node!.AsObject()) metadata[k] = v?.GetValue<string>() ?? "";
                    continue;
                }
                var entry = node!.AsObject();
                string dtype = entry["dtype"]!.GetValue<string>();
                long[] shape = entry["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                var offsets = entry["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                long begin = dataStart + offsets[0], end = dataStart + offsets[1];
                if (end > fileLength || begin > end)
                    throw new InvalidDataException($"{path}: tensor '{name}' lies beyond the end of the file (truncated?).");
                var (type, size) = dtype switch
                {
                    "F32" => (ScalarType.Float32, 4), "F64" => (ScalarType.Float64, 8), "F16" => (ScalarType.Float16, 2),
                    "BF16" => (ScalarType.BFloat16, 2), "I64" => (ScalarType.Int64, 8), "I32" => (ScalarType.Int32, 4),
                    "U8" => (ScalarType.Byte, 1),
                    _ => throw new InvalidDataException($"{path}: tensor '{name}' has unsupported dtype {dtype}."),
                };
                long count = shape.Aggregate(1L, (a, b) => a * b);
                if (count * size != end - begin)
                    throw new InvalidDataException($"{path}: tensor '{name}' has {end - begin} bytes for shape [{string.Join(",", shape)}] of {dtype}.");
                var t = empty(shape, type);
                tensors[name] = t;
                file.Position = begin;
                file.ReadExactly(t.bytes);
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new Contents(tensors, metadata);
    }

    /// <summary>Writes tensors (any device; copied to the CPU one at a time) and metadata, atomically. Each tensor's
    /// bytes go from its storage straight to the file: a checkpoint of several GB (a discriminator with a 200M-weight
    /// dense layer and its Adam state) is never copied into managed memory.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            string dtype = tensor.dtype switch
            {
                ScalarType.Float32 => "F32", ScalarType.Float64 => "F64", ScalarType.Float16 => "F16",
                ScalarType.BFloat16 => "BF16", ScalarType.Int64 => "I64", ScalarType.Int32 => "I32", ScalarType.Byte => "U8",
                _ => throw new ArgumentException($"Tensor '{name}' has dtype {tensor.dtype}, which safetensors output does not support here."),
            };
            long length = tensor.numel() * tensor.ElementSize;
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + length),
            };
            offset += length;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padding = (8 - json.Length % 8) % 8; // keep tensor data 8-byte aligned, as the reference writer does
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(json.Length + padding));
            stream.Write(length);
            stream.Write(json);
            for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
            // Row-major order: .contiguous() copies a channels-last weight, and only that (disposed at once).
            foreach (var (_, tensor) in ordered)
            {
                using var cpu = tensor.detach().cpu().contiguous();
                stream.Write(cpu.bytes);
            }
        });
    }
}
