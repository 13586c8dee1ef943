using System.Buffers.Binary;
using System.Text;

namespace Repro.Torch.IO;

/// <summary>
/// Named tensors in one file (checkpoints, caches). The format, little-endian throughout:
/// <code>
///   magic   8 bytes  "REPROTNS"
///   version uint32   1
///   count   uint32   number of tensors
///   then per tensor, in the order given:
///     name    uint32 byte length + UTF-8 bytes
///     dtype   int8   libtorch ScalarType code (Float32 = 6, Float64 = 7, Int64 = 4, Byte = 0, Bool = 11, …)
///     rank    uint32
///     shape   int64 × rank
///     data    int64 byte length + the elements, row-major
/// </code>
/// Files are written atomically; a truncated or foreign file is an error naming the file and the tensor.
/// </summary>
public static class TensorFile
{
    private static readonly byte[] Magic = "REPROTNS"u8.ToArray();
    private const uint Version = 1;

    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var items = tensors.ToList();
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(Version);
            w.Write((uint)items.Count);
            foreach (var (name, tensor) in items)
            {
                var nameBytes = Encoding.UTF8.GetBytes(name);
                w.Write((uint)nameBytes.Length);
                w.Write(nameBytes);
                using var host = tensor.detach().cpu().contiguous();
                var shape = host.shape;
                w.Write((sbyte)host.dtype);
                w.Write((uint)shape.Length);
                foreach (var s in shape) w.Write(s);
                var bytes = Bytes(host);
                w.Write((long)bytes.Length);
                w.Write(bytes);
            }
        });
    }

    /// <summary>Reads every tensor of the file, in file order, as new CPU tensors owned by the caller.</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"tensor file not found: {path}", path);
        var result = new Dictionary<string, Tensor>();
        var item = "header";
        try
        {
            using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new InvalidDataException("not a Repro tensor file (bad magic)");
            var version = r.ReadUInt32();
            if (version != Version) throw new InvalidDataException($"unsupported version {version}");
            var count = r.ReadUInt32();
            for (var i = 0; i < count; i++)
            {
                item = $"tensor #{i}";
                var name = Encoding.UTF8.GetString(r.ReadBytes(checked((int)r.ReadUInt32())));
                item = $"tensor '{name}'";
                var dtype = (ScalarType)r.ReadSByte();
                var shape = new long[r.ReadUInt32()];
                for (var d = 0; d < shape.Length; d++) shape[d] = r.ReadInt64();
                var length = r.ReadInt64();
                var expected = shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize();
                if (length != expected) throw new InvalidDataException($"{length} data bytes, shape and dtype need {expected}");
                var data = r.ReadBytes(checked((int)length));
                if (data.Length != length) throw new EndOfStreamException();
                var t = FromBytes(data, shape, dtype).DetachFromDisposeScope();
                if (!result.TryAdd(name, t)) throw new InvalidDataException("duplicate name");
            }
            return result;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or OverflowException)
        {
            foreach (var t in result.Values) t.Dispose();
            var why = e is EndOfStreamException ? "file is truncated" : e.Message;
            throw new InvalidDataException($"{path}: {item}: {why}", e);
        }
    }

    private static unsafe byte[] Bytes(Tensor host)
    {
        var size = checked((int)(host.numel() * host.dtype.ElementSize()));
        if (size == 0) return [];
        var bytes = new byte[size];
        var p = Native.LibTorch.rt_data_ptr(host);
        Native.NativeCheck.ThrowIfError();
        new ReadOnlySpan<byte>(p, size).CopyTo(bytes);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("tensor files are little-endian");
        return bytes;
    }

    private static unsafe Tensor FromBytes(byte[] data, long[] shape, ScalarType dtype)
    {
        fixed (byte* d = data)
        fixed (long* s = shape)
            return Native.NativeCheck.Wrap(Native.LibTorch.rt_from_data(d, s, shape.Length, (sbyte)dtype));
    }
}
