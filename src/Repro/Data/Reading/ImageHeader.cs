using System.Buffers.Binary;

namespace Repro.Data.Reading;

/// <summary>
/// Width and height from a PNG or JPEG header without decoding the pixels: indexing 100k images must not decode
/// them all, yet boxes must be clipped to the true image size and a missing or non-image file caught early.
/// </summary>
internal static class ImageHeader
{
    public static bool TryReadSize(string path, out int width, out int height, out string error)
    {
        width = height = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            Span<byte> head = stackalloc byte[24];
            var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (n >= 24 && head[0] == 0x89 && head[1] == (byte)'P' && head[2] == (byte)'N' && head[3] == (byte)'G')
            {
                width = BinaryPrimitives.ReadInt32BigEndian(head[16..]);
                height = BinaryPrimitives.ReadInt32BigEndian(head[20..]);
                error = "";
                return Valid(width, height, out error);
            }
            if (n >= 4 && head[0] == 0xFF && head[1] == 0xD8)
            {
                stream.Position = 2;
                return TryReadJpeg(stream, out width, out height, out error);
            }
            error = "not a PNG or JPEG file";
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return false;
        }
    }

    private static bool Valid(int width, int height, out string error)
    {
        error = width > 0 && height > 0 ? "" : $"header gives a size of {width}x{height}";
        return error.Length == 0;
    }

    // Walks the JPEG markers to the first start-of-frame, which holds the size.
    private static bool TryReadJpeg(Stream s, out int width, out int height, out string error)
    {
        width = height = 0;
        Span<byte> buf = stackalloc byte[7];
        while (true)
        {
            var b = s.ReadByte();
            if (b < 0) break;
            if (b != 0xFF) continue;
            int marker;
            do marker = s.ReadByte(); while (marker == 0xFF);
            if (marker < 0) break;
            if (marker is 0xD8 or 0x01 || marker is >= 0xD0 and <= 0xD7) continue; // no length field
            if (s.ReadAtLeast(buf[..2], 2, throwOnEndOfStream: false) < 2) break;
            var length = BinaryPrimitives.ReadUInt16BigEndian(buf);
            if (length < 2) break;
            var isStartOfFrame = marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC);
            if (isStartOfFrame)
            {
                if (s.ReadAtLeast(buf[..5], 5, throwOnEndOfStream: false) < 5) break;
                height = BinaryPrimitives.ReadUInt16BigEndian(buf[1..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(buf[3..]);
                return Valid(width, height, out error);
            }
            s.Seek(length - 2, SeekOrigin.Current);
        }
        error = "truncated JPEG: no frame header found";
        return false;
    }
}
