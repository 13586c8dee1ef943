using System.Text.Json;
using Repro.Data.Bdd;
using Repro.Data.Labels;
using Repro.Data.Viper;
using Repro.Torch.IO;

namespace Repro.Data.Reading;

public enum DatasetFormat
{
    Bdd100k,
    Viper,
}

/// <summary>
/// Where a dataset lives and in which format: a BDD100K label file with its image folder, or a VIPER root.
/// Generated datasets carry a small <c>dataset.json</c> saying so; real ones are recognised by their layout or
/// given explicitly.
/// </summary>
public sealed record DatasetSource(DatasetFormat Format, string Root, string? LabelFile = null, string? ImageDirectory = null)
{
    /// <summary>
    /// For data rendered smaller than the dataset it stands in for: the original width, so the area filter's
    /// 100 px² keeps its meaning (see <see cref="BoxFilter.AreaReferenceWidth"/>).
    /// </summary>
    public int? AreaReferenceWidth { get; init; }

    /// <summary>Put before every image id (VIPER splits pooled into one dataset: each numbers its sequences from 001).</summary>
    public string IdPrefix { get; init; } = "";

    public const string ManifestName = "dataset.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Manifest(string Format, string? Labels, string? Images, int? AreaReferenceWidth = null);

    public static DatasetSource Bdd(string labelFile, string imageDirectory) =>
        new(DatasetFormat.Bdd100k, Path.GetDirectoryName(Path.GetFullPath(labelFile))!, labelFile, imageDirectory);

    public static DatasetSource ViperRoot(string root) => new(DatasetFormat.Viper, root);

    /// <summary>Writes <c>dataset.json</c> into <see cref="Root"/>, with paths relative to it.</summary>
    public void WriteManifest()
    {
        var manifest = new Manifest(
            Format == DatasetFormat.Bdd100k ? "bdd100k" : "viper",
            LabelFile is null ? null : Path.GetRelativePath(Root, LabelFile),
            ImageDirectory is null ? null : Path.GetRelativePath(Root, ImageDirectory),
            AreaReferenceWidth);
        AtomicFile.WriteAllText(Path.Combine(Root, ManifestName), JsonSerializer.Serialize(manifest, Json) + "\n");
    }

    /// <summary>Recognises a dataset folder: its manifest, else a VIPER <c>bb/</c> + <c>img/</c> pair, else null.</summary>
    public static DatasetSource? TryDetect(string directory)
    {
        var manifestPath = Path.Combine(directory, ManifestName);
        if (File.Exists(manifestPath))
        {
            Manifest? m;
            try { m = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath), Json); }
            catch (JsonException e) { throw new InvalidDataException($"{manifestPath}: not a valid dataset manifest: {e.Message}", e); }
            return m?.Format switch
            {
                "bdd100k" when m.Labels is not null && m.Images is not null =>
                    new DatasetSource(DatasetFormat.Bdd100k, directory, Path.Combine(directory, m.Labels), Path.Combine(directory, m.Images))
                    { AreaReferenceWidth = m.AreaReferenceWidth },
                "viper" => new DatasetSource(DatasetFormat.Viper, directory) { AreaReferenceWidth = m.AreaReferenceWidth },
                _ => throw new InvalidDataException($"{manifestPath}: format must be 'bdd100k' (with 'labels' and 'images') or 'viper'"),
            };
        }
        if (Directory.Exists(Path.Combine(directory, "bb")) && Directory.Exists(Path.Combine(directory, "img")))
            return new DatasetSource(DatasetFormat.Viper, directory);
        return null;
    }

    /// <summary>
    /// Reads through the matching reader; the filter defaults to the paper's (none for BDD100K, hood + area for
    /// VIPER, the area scaled by <see cref="AreaReferenceWidth"/> when set).
    /// </summary>
    public DatasetRead Read(LabelMap? labelMap = null, BoxFilter? filter = null)
    {
        if (filter is null && Format == DatasetFormat.Viper) filter = BoxFilter.Gtav with { AreaReferenceWidth = AreaReferenceWidth };
        var name = Path.GetFileName(Path.GetFullPath(Root).TrimEnd(Path.DirectorySeparatorChar));
        return Format switch
        {
            DatasetFormat.Bdd100k => BddReader.Read(LabelFile!, ImageDirectory!, labelMap, filter, name),
            _ => ViperReader.Read(Root, labelMap, filter, name, IdPrefix),
        };
    }
}
