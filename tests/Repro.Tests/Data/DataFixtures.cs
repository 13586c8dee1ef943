using Repro.Torch;

namespace Repro.Tests.Data;

/// <summary>A temporary folder for hand-written fixtures, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "repro-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

internal static class DataFixtures
{
    /// <summary>Writes a width × height image whose pixel (x, y) is (x, y, 7) scaled, in the extension's format.</summary>
    public static string WriteImage(string path, int width, int height, Func<int, int, (byte R, byte G, byte B)>? pixel = null)
    {
        pixel ??= (x, y) => ((byte)(x * 255 / Math.Max(1, width - 1)), (byte)(y * 255 / Math.Max(1, height - 1)), 7);
        var data = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                var i = 3 * (y * width + x);
                (data[i], data[i + 1], data[i + 2]) = (r, g, b);
            }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var t = torch.tensor(data, height, width, 3);
        Image.Write(path, t);
        return path;
    }
}
