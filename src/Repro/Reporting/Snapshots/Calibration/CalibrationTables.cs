using System.IO.Compression;
using System.Text;
using Repro.Reporting.Tables;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// A calibration run's result tables as a folder holds them: <c>NAME.csv</c>, or <c>NAME.csv.gz</c> for a large table
/// that an earlier calibration kept compressed, so that a run kept in <c>calibration/RUN/</c> can be a run of the next
/// calibration as it stands (adding a new run to the old ones needs no rerun of those).
/// </summary>
internal static class CalibrationTables
{
    public const string GzipSuffix = ".gz";

    /// <summary>The names of the tables in a run's folder, either form.</summary>
    public static IEnumerable<string> Names(string dir) =>
        Directory.EnumerateFiles(dir, "*.csv").Concat(Directory.EnumerateFiles(dir, "*.csv" + GzipSuffix))
            .Select(p => Path.GetFileName(p)[..Path.GetFileName(p).IndexOf(".csv", StringComparison.Ordinal)]);

    public static bool Exists(string dir, string name) => Find(dir, name) is not null;

    public static CsvText Read(string dir, string name)
    {
        var path = Find(dir, name) ?? throw new FileNotFoundException($"CSV file not found: {Path.Combine(dir, name + ".csv")}");
        return CsvTable.Parse(Encoding.UTF8.GetString(ReadBytes(dir, name)), path);
    }

    /// <summary>The table's CSV bytes, decompressed when the folder holds it compressed.</summary>
    public static byte[] ReadBytes(string dir, string name)
    {
        var path = Find(dir, name) ?? throw new FileNotFoundException($"CSV file not found: {Path.Combine(dir, name + ".csv")}");
        if (!path.EndsWith(GzipSuffix, StringComparison.Ordinal)) return File.ReadAllBytes(path);
        try
        {
            using var input = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a readable gzip file ({e.Message})", e);
        }
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }

    // Plain first: a folder holding both is one an older tool wrote into; the plain file is what it wrote last.
    private static string? Find(string dir, string name)
    {
        var plain = Path.Combine(dir, name + ".csv");
        if (File.Exists(plain)) return plain;
        return File.Exists(plain + GzipSuffix) ? plain + GzipSuffix : null;
    }
}
