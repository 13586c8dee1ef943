using Repro.Torch.IO;
using static Repro.Torch.Native.LibTorch;
using static Repro.Torch.Native.NativeCheck;

namespace Repro.Torch;

/// <summary>Resampling filters for <see cref="Image.Resize"/> (OpenCV's numbering).</summary>
public enum Interpolation
{
    Nearest = 0,
    Bilinear = 1,
    Area = 3,
}

/// <summary>
/// JPEG / PNG decoding, encoding and resizing through OpenCV. Images are uint8 tensors H × W × 3 in RGB order.
/// </summary>
public static unsafe class Image
{
    public static Tensor Decode(ReadOnlySpan<byte> encoded)
    {
        fixed (byte* p = encoded) return Wrap(rt_image_decode(p, encoded.Length));
    }

    /// <summary>Reads and decodes an image file; a missing, corrupt or truncated file is an error naming it.</summary>
    public static Tensor Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read image: {e.Message}", e);
        }
        try { return Decode(bytes); }
        catch (TorchException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }

    /// <summary>Encodes as the format of the extension (".jpg" / ".png").</summary>
    public static byte[] Encode(Tensor image, string extension, int jpegQuality = 95)
    {
        using var bytes = Wrap(rt_image_encode(image, extension, jpegQuality));
        return bytes.ToArray<byte>();
    }

    /// <summary>Encodes by the path's extension and writes atomically.</summary>
    public static void Write(string path, Tensor image, int jpegQuality = 95) =>
        AtomicFile.WriteAllBytes(path, Encode(image, Path.GetExtension(path), jpegQuality));

    public static Tensor Resize(Tensor image, long height, long width, Interpolation interpolation = Interpolation.Bilinear) =>
        Wrap(rt_image_resize(image, height, width, (int)interpolation));
}
