using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using static TorchSharp.torch;

namespace SrganWorkbench.Weights;

/// <summary>
/// Reads a state dict saved by PyTorch's <c>torch.save</c> (the zip format of PyTorch 1.6 and
/// later, e.g. torchvision's <c>vgg19-dcbb9e9d.pth</c>) without Python: a small unpickler for the
/// opcodes torch.save emits, tensors rebuilt from the archive's raw storages with their offsets
/// and strides. Only what a state dict holds is supported (dicts of names to tensors); anything
/// else is refused with an error naming the file.
/// </summary>
public static class PyTorchZip
{
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights file not found.", path);
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a PyTorch zip checkpoint (torch.save of PyTorch >= 1.6); legacy pickle files are not supported. {e.Message}", e);
        }
        using (zip)
        {
            var pickle = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
                ?? throw new InvalidDataException($"{path}: no data.pkl inside; not a torch.save archive.");
            string prefix = pickle.FullName[..^"data.pkl".Length];
            byte[] program;
            using (var s = pickle.Open()) { var m = new MemoryStream(); s.CopyTo(m); program = m.ToArray(); }

            var storages = new Dictionary<string, byte[]>();
            byte[] Storage(string key)
            {
                if (storages.TryGetValue(key, out var b)) return b;
                var entry = zip.GetEntry($"{prefix}data/{key}") ?? throw new InvalidDataException($"{path}: storage data/{key} is missing.");
                using var s = entry.Open();
                var m = new MemoryStream();
                s.CopyTo(m);
                return storages[key] = m.ToArray();
            }

            object? root;
            try { root = new Unpickler(program, Storage).Load(); }
            catch (Exception e) when (e is not InvalidDataException)
            {
                throw new InvalidDataException($"{path}: cannot read the pickled state dict: {e.Message}", e);
            }
            if (root is PyDict { } dict && dict.Items.Count == 1 && dict.Items.TryGetValue("state_dict", out var inner) && inner is PyDict nested)
                dict = nested; // checkpoints that wrap the state dict
            if (root is not PyDict stateDict)
                throw new InvalidDataException($"{path}: the pickled object is not a state dict (a mapping of names to tensors).");
            var result = new Dictionary<string, Tensor>();
            foreach (var (k, v) in stateDict.Items)
                if (k is string name && v is Tensor t) result[name] = t;
            if (result.Count == 0) throw new InvalidDataException($"{path}: the state dict holds no tensors.");
            return result;
        }
    }

    sealed class PyDict { public readonly Dictionary<object, object?> Items = new(); }
    sealed record Global(string Module, string Name);
    sealed record StorageRef(ScalarType Type, byte[] Bytes);
    sealed class Mark { public static readonly Mark Instance = new(); }

    /// <summary>Pickle protocol 2-4 subset: enough for torch.save's state dicts.</summary>
    sealed class Unpickler(byte[] code, Func<string, byte[]> storage)
    {
        readonly Stack<object?> _stack = new();
        readonly Dictionary<long, object?> _memo = new();
        int _pos;

        public object? Load()
        {
            while (true)
            {
                byte op = code[_pos++];
                switch (op)
                {
                    case 0x80: _pos++; break;                                       // PROTO
                    case 0x95: _pos += 8; break;                                     // FRAME
                    case (byte)'.': return _stack.Pop();                            // STOP
                    case (byte)'}': _stack.Push(new PyDict()); break;                // EMPTY_DICT
                    case (byte)']': _stack.Push(new List<object?>()); break;         // EMPTY_LIST
                    case (byte)')': _stack.Push(Array.Empty<object?>()); break;      // EMPTY_TUPLE
                    case (byte)'(': _stack.Push(Mark.Instance); break;               // MARK
                    case (byte)'N': _stack.Push(null); break;
                    case 0x88: _stack.Push(true); break;
                    case 0x89: _stack.Push(false); break;
                    case (byte)'q': _memo[code[_pos++]] = _stack.Peek(); break;      // BINPUT
                    case (byte)'r': _memo[ReadInt32()] = _stack.Peek(); break;       // LONG_BINPUT
                    case 0x94: _memo[_memo.Count] = _stack.Peek(); break;            // MEMOIZE
                    case (byte)'h': _stack.Push(_memo[code[_pos++]]); break;         // BINGET
                    case (byte)'j': _stack.Push(_memo[ReadInt32()]); break;          // LONG_BINGET
                    case (byte)'K': _stack.Push((long)code[_pos++]); break;          // BININT1
                    case (byte)'M': _stack.Push((long)BinaryPrimitives.ReadUInt16LittleEndian(code.AsSpan(Advance(2)))); break;
                    case (byte)'J': _stack.Push((long)ReadInt32()); break;           // BININT
                    case 0x8a:                                                       // LONG1
                    {
                        int n = code[_pos++];
                        long v = 0;
                        for (int i = 0; i < n; i++) v |= (long)code[_pos + i] << (8 * i);
                        if (n > 0 && n < 8 && (code[_pos + n - 1] & 0x80) != 0) v -= 1L << (8 * n);
                        _pos += n;
                        _stack.Push(v);
                        break;
                    }
                    case (byte)'G': _stack.Push(BinaryPrimitives.ReadDoubleBigEndian(code.AsSpan(Advance(8)))); break;
                    case (byte)'X': { int n = ReadInt32(); _stack.Push(Encoding.UTF8.GetString(code, Advance(n), n)); break; }
                    case 0x8c: { int n = code[_pos++]; _stack.Push(Encoding.UTF8.GetString(code, Advance(n), n)); break; }
                    case (byte)'U': { int n = code[_pos++]; _stack.Push(Encoding.Latin1.GetString(code, Advance(n), n)); break; }
                    case (byte)'T': { int n = ReadInt32(); _stack.Push(Encoding.Latin1.GetString(code, Advance(n), n)); break; }
                    case (byte)'C': { int n = code[_pos++]; _stack.Push(code.AsSpan(Advance(n), n).ToArray()); break; }
                    case (byte)'B': { int n = ReadInt32(); _stack.Push(code.AsSpan(Advance(n), n).ToArray()); break; }
                    case (byte)'c':                                                  // GLOBAL "module\nname\n"
                    {
                        string module = ReadLine(), name = ReadLine();
                        _stack.Push(new Global(module, name));
                        break;
                    }
                    case 0x93: { var name = (string)_stack.Pop()!; var module = (string)_stack.Pop()!; _stack.Push(new Global(module, name)); break; }
                    case (byte)'t': _stack.Push(PopToMark().ToArray()); break;       // TUPLE
                    case 0x85: _stack.Push(new[] { _stack.Pop() }); break;
                    case 0x86: { var b = _stack.Pop(); var a = _stack.Pop(); _stack.Push(new[] { a, b }); break; }
                    case 0x87: { var c = _stack.Pop(); var b = _stack.Pop(); var a = _stack.Pop(); _stack.Push(new[] { a, b, c }); break; }
                    case (byte)'a': { var v = _stack.Pop(); ((List<object?>)_stack.Peek()!).Add(v); break; }
                    case (byte)'e': { var items = PopToMark(); ((List<object?>)_stack.Peek()!).AddRange(items); break; }
                    case (byte)'s': { var v = _stack.Pop(); var k = _stack.Pop()!; ((PyDict)_stack.Peek()!).Items[k] = v; break; }
                    case (byte)'u':
                    {
                        var items = PopToMark();
                        var d = (PyDict)_stack.Peek()!;
                        for (int i = 0; i < items.Count; i += 2) d.Items[items[i]!] = items[i + 1];
                        break;
                    }
                    case (byte)'Q': _stack.Push(PersistentLoad(_stack.Pop())); break; // BINPERSID
                    case (byte)'R':                                                  // REDUCE
                    {
                        var args = (object?[])_stack.Pop()!;
                        var callable = _stack.Pop();
                        _stack.Push(Call(callable, args));
                        break;
                    }
                    case 0x81: { var args = (object?[])_stack.Pop()!; var cls = _stack.Pop(); _stack.Push(Call(cls, args)); break; } // NEWOBJ
                    case (byte)'b': _stack.Pop(); break;                              // BUILD: state (e.g. _metadata) is not needed
                    default:
                        throw new InvalidDataException($"unsupported pickle opcode 0x{op:x2} at byte {_pos - 1}");
                }
            }
        }

        int Advance(int n) { int p = _pos; _pos += n; return p; }
        int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(code.AsSpan(Advance(4)));

        string ReadLine()
        {
            int end = Array.IndexOf(code, (byte)'\n', _pos);
            string s = Encoding.ASCII.GetString(code, _pos, end - _pos);
            _pos = end + 1;
            return s;
        }

        List<object?> PopToMark()
        {
            var items = new List<object?>();
            while (_stack.Peek() is not Mark) items.Add(_stack.Pop());
            _stack.Pop();
            items.Reverse();
            return items;
        }

        /// <summary>('storage', storage_type, key, location, numel) -> the storage's bytes and element type.</summary>
        object PersistentLoad(object? pid)
        {
            if (pid is not object?[] { Length: >= 5 } t || t[0] as string != "storage" || t[1] is not Global type || t[2] is not string key)
                throw new InvalidDataException("unexpected persistent id (not a tensor storage)");
            var scalar = type.Name switch
            {
                "FloatStorage" => ScalarType.Float32, "DoubleStorage" => ScalarType.Float64, "HalfStorage" => ScalarType.Float16,
                "BFloat16Storage" => ScalarType.BFloat16, "LongStorage" => ScalarType.Int64, "IntStorage" => ScalarType.Int32,
                "ByteStorage" => ScalarType.Byte, "BoolStorage" => ScalarType.Bool,
                _ => throw new InvalidDataException($"unsupported storage type {type.Module}.{type.Name}"),
            };
            return new StorageRef(scalar, storage(key));
        }

        static object? Call(object? callable, object?[] args)
        {
            if (callable is not Global g) throw new InvalidDataException("REDUCE on something that is not a global");
            switch ($"{g.Module}.{g.Name}")
            {
                case "collections.OrderedDict":
                    return new PyDict();
                case "torch._utils._rebuild_tensor_v2":
                case "torch._utils._rebuild_tensor":
                {
                    var s = (StorageRef)args[0]!;
                    long offset = (long)args[1]!;
                    long[] size = ((object?[])args[2]!).Select(o => (long)o!).ToArray();
                    long[] stride = ((object?[])args[3]!).Select(o => (long)o!).ToArray();
                    int elementSize = s.Type switch
                    {
                        ScalarType.Float64 or ScalarType.Int64 => 8, ScalarType.Float32 or ScalarType.Int32 => 4,
                        ScalarType.Float16 or ScalarType.BFloat16 => 2, _ => 1,
                    };
                    var flat = empty([s.Bytes.Length / elementSize], s.Type);
                    s.Bytes.CopyTo(flat.bytes);
                    using (flat)
                        return size.Length == 0 ? flat[offset].clone() : flat.as_strided(size, stride, offset).contiguous();
                }
                default:
                    throw new InvalidDataException($"unsupported pickled object {g.Module}.{g.Name}");
            }
        }
    }
}
