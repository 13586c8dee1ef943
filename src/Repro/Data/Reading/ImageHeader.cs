using System.Buffers.Binary;

namespace Repro.Data.Reading;

/// <summary>
/// Width and height from a PNG or JPEG header without decoding the pixels: indexing 100k images must not decode
/// them all, yet boxes must be clipped to the true image size and a missing or non-image file caught early. A file
/// cut short (an interrupted download or copy) keeps its header, so the end is checked too: a JPEG must end with its
/// end-of-image marker and a PNG with its IEND chunk, within the last <see cref="TailBytes"/> (some writers pad).
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
                return Valid(width, height, out error) && EndsWith(stream, PngEnd, "truncated PNG: no IEND chunk at its end", out error);
            }
            if (n >= 4 && head[0] == 0xFF && head[1] == 0xD8)
            {
                stream.Position = 2;
                return TryReadJpeg(stream, out width, out height, out error)
                       && EndsWith(stream, JpegEnd, "truncated JPEG: no end-of-image marker (FF D9) at its end", out error);
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

    /// <summary>How far from the end the end marker may sit (writers and cameras sometimes pad after it).</summary>
    public const int TailBytes = 1024;

    private static readonly byte[] JpegEnd = [0xFF, 0xD9];
    private static readonly byte[] PngEnd = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]; // "IEND" and its CRC

    private static bool EndsWith(FileStream stream, byte[] marker, string problem, out string error)
    {
        var tail = new byte[(int)Math.Min(TailBytes, stream.Length)];
        stream.Position = stream.Length - tail.Length;
        stream.ReadExactly(tail);
        error = tail.AsSpan().LastIndexOf(marker) >= 0 ? "" : $"{problem} ({stream.Length} bytes)";
        return error.Length == 0;
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
