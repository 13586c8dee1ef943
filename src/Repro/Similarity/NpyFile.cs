using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Repro.Torch;
using Repro.Torch.IO;

namespace Repro.Similarity;

/// <summary>
/// NumPy's .npy format (versions 1–3), the subset activation dumps use: little-endian float32 ('&lt;f4') or
/// float64 ('&lt;f8'), C order, at least one axis. The first axis is examples; <see cref="ReadExamples"/> flattens the
/// rest. Anything else (other dtypes, big-endian, Fortran order, truncated data) is an error naming the file.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The array as an n × (product of the other axes) CPU tensor of its own dtype (float32 or float64).</summary>
    public static Tensor ReadExamples(string path)
    {
        var (data, shape, dtype) = Read(path);
        if (shape.Length == 0) throw new InvalidDataException($"{path}: a 0-d array has no axis of examples");
        var n = shape[0];
        var rest = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        if (n == 0) throw new InvalidDataException($"{path}: the array holds no examples (shape ({string.Join(", ", shape)}))");
        return dtype == ScalarType.Float32
            ? torch.tensor<float>(BytesAs<float>(data), n, rest)
            : torch.tensor<double>(BytesAs<double>(data), n, rest);
    }

    /// <summary>Raw contents: the little-endian element bytes, the shape and the dtype.</summary>
    public static (byte[] Data, long[] Shape, ScalarType Dtype) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic)) throw new InvalidDataException("not a .npy file (no \\x93NUMPY magic)");
            var major = reader.ReadByte();
            reader.ReadByte(); // minor version: no format differences we depend on
            long headerLength = major switch
            {
                1 => reader.ReadUInt16(),
                2 or 3 => reader.ReadUInt32(),
                _ => throw new InvalidDataException($"unsupported .npy format version {major}"),
            };
            var headerBytes = reader.ReadBytes(checked((int)headerLength));
            if (headerBytes.Length != headerLength) throw new EndOfStreamException();
            var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
            var (dtype, shape) = ParseHeader(header);
            var count = shape.Aggregate(1L, (a, b) => checked(a * b));
            var bytes = checked(count * (dtype == ScalarType.Float32 ? 4 : 8));
            if (bytes > Array.MaxLength) throw new InvalidDataException($"{bytes} bytes of data is more than one array can hold");
            var data = reader.ReadBytes((int)bytes);
            if (data.Length != bytes) throw new InvalidDataException($"data is truncated: shape needs {bytes} bytes, file has {data.Length}");
            return (data, shape, dtype);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OverflowException)
        {
            var why = e is EndOfStreamException ? "file is truncated" : e.Message;
            throw new InvalidDataException($"{path}: {why}", e);
        }
    }

    /// <summary>Writes a C-order little-endian float64 array (version 1.0 header), atomically.</summary>
    public static void Write(string path, ReadOnlySpan<double> data, params long[] shape) =>
        Write(path, MemoryMarshalBytes(data), "<f8", shape, data.Length);

    /// <summary>Writes a C-order little-endian float32 array (version 1.0 header), atomically.</summary>
    public static void Write(string path, ReadOnlySpan<float> data, params long[] shape) =>
        Write(path, MemoryMarshalBytes(data), "<f4", shape, data.Length);

    private static void Write(string path, byte[] bytes, string descr, long[] shape, int length)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != length) throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {count} elements, data has {length}");
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        // The header (magic through newline) is padded with spaces to a multiple of 64 bytes, as NumPy writes it.
        var unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        var padded = (unpadded + 63) / 64 * 64;
        var header = dict + new string(' ', padded - unpadded) + "\n";
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.WriteByte(1);
            stream.WriteByte(0);
            Span<byte> length16 = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(length16, (ushort)header.Length);
            stream.Write(length16);
            stream.Write(Encoding.Latin1.GetBytes(header));
            stream.Write(bytes);
        });
    }

    private static (ScalarType Dtype, long[] Shape) ParseHeader(string header)
    {
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new InvalidDataException($"malformed header (needs 'descr', 'fortran_order' and 'shape'): {header.Trim()}");
        if (fortran.Groups[1].Value == "True")
            throw new InvalidDataException("Fortran-order arrays are not supported; save with np.ascontiguousarray first");
        var dtype = descr.Groups[1].Value switch
        {
            "<f4" => ScalarType.Float32,
            "<f8" => ScalarType.Float64,
            var d => throw new InvalidDataException($"unsupported dtype '{d}': only little-endian float32 ('<f4') and float64 ('<f8')"),
        };
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new InvalidDataException($"malformed shape entry '{d}' in header"))
            .ToArray();
        return (dtype, dims);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();

    private static T[] BytesAs<T>(byte[] data) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy reading assumes a little-endian machine");
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(data).ToArray();
    }

    private static byte[] MemoryMarshalBytes<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy writing assumes a little-endian machine");
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(data).ToArray();
    }
}
