using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace SrganWorkbench.Numerics;

/// <summary>A float64 array read from a NumPy .npy file, C order.</summary>
public sealed record NpyArray(int[] Shape, double[] Data)
{
    public double this[int i, int j] => Data[i * Shape[1] + j];
}

/// <summary>
/// Reads NumPy's .npz archives (a zip of .npy files) without Python: enough of the .npy format
/// (versions 1-3, little-endian float64/float32, C or Fortran order) for the NIQE parameters.
/// </summary>
public static partial class Npz
{
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: .npz file not found.", path);
        var result = new Dictionary<string, NpyArray>();
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries)
            {
                if (!entry.Name.EndsWith(".npy", StringComparison.Ordinal)) continue;
                using var stream = entry.Open();
                var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                result[entry.Name[..^4]] = ReadNpy(buffer.ToArray(), $"{path}:{entry.Name}");
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a valid .npz (zip) archive: {e.Message}", e);
        }
        return result;
    }

    public static NpyArray ReadNpy(byte[] bytes, string name)
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || bytes[1] != (byte)'N' || bytes[2] != (byte)'U')
            throw new InvalidDataException($"{name}: not a .npy array (bad magic).");
        int major = bytes[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        int headerStart = major == 1 ? 10 : 12;
        string header = System.Text.Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        string descr = DescrPattern().Match(header).Groups[1].Value;
        bool fortran = header.Contains("'fortran_order': True", StringComparison.Ordinal);
        var shapeText = ShapePattern().Match(header).Groups[1].Value;
        int[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        int count = shape.Aggregate(1, (a, b) => a * b);
        int offset = headerStart + headerLength;
        var data = new double[count];
        for (int i = 0; i < count; i++)
            data[i] = descr switch
            {
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(offset + 8 * i)),
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset + 4 * i)),
                _ => throw new InvalidDataException($"{name}: dtype {descr} is not supported (expected <f8 or <f4)."),
            };
        if (fortran && shape.Length == 2) data = Transpose(data, shape[1], shape[0]);
        return new NpyArray(shape, data);
    }

    static double[] Transpose(double[] data, int rows, int cols)
    {
        var t = new double[data.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = data[r * cols + c];
        return t;
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();
    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
