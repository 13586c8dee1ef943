using Repro.Data.Labels;
using Repro.Data.Reading;

namespace Repro.Data.Downloads;

/// <summary>One official split of a downloaded dataset (BDD100K's train, VIPER's val, …) and where its files are.</summary>
public sealed record DownloadPart(string Split, DatasetSource Source)
{
    /// <summary>The label files this split is read from (fingerprinted by content: an edited label changes the data).</summary>
    public string Labels => Source.LabelFile ?? Path.Combine(Source.Root, "bb");
}

/// <summary>
/// A dataset as its publisher ships it, found under one download root: the official splits the profile pools
/// (BDD100K's train and val, VIPER's train), each read through the dataset's reader and pooled into one dataset that
/// the study then splits 60/20/20 from its own seed, as the paper does.
/// </summary>
public sealed record DownloadedDataset(string Name, string Release, string Root, IReadOnlyList<DownloadPart> Parts)
{
    /// <summary>
    /// Reads every part and pools them in the order given. An image whose id another part already gave is skipped,
    /// counted and named (the same frame in two official splits would sit on both sides of the study's split).
    /// </summary>
    public DatasetRead Read(LabelMap? labelMap = null, Action<string>? log = null) => ReadParts(labelMap, log).Pooled;

    /// <summary><see cref="Read"/>, with each part's own read beside the pooled dataset (for <c>repro data inspect</c>).</summary>
    public (DatasetRead Pooled, IReadOnlyList<DatasetRead> Parts) ReadParts(LabelMap? labelMap = null, Action<string>? log = null)
    {
        var parts = new List<DatasetRead>();
        var report = new ReadReport();
        var images = new List<LabeledImage>();
        var firstSplit = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in Parts)
        {
            log?.Invoke($"reading {Name} {part.Split} ({part.Labels})");
            var read = part.Source.Read(labelMap);
            parts.Add(read);
            report.Absorb(read.Report);
            foreach (var image in read.Images)
            {
                if (firstSplit.TryGetValue(image.Id, out var earlier))
                {
                    report.Skip(SkipReason.DuplicateImage,
                        $"{part.Labels}: image '{image.Id}' of split {part.Split} is also in split {earlier}; the first one is kept");
                    continue;
                }
                firstSplit[image.Id] = part.Split;
                images.Add(image);
            }
            log?.Invoke($"{Name} {part.Split}: {read.Images.Count} images");
        }
        return (new DatasetRead(Name, images, report), parts);
    }

    /// <summary>The image files a part's folders hold (BDD100K: the split's image folder; VIPER: the split's img/).</summary>
    public static IEnumerable<string> ImageFiles(DownloadPart part) =>
        part.Source.Format == DatasetFormat.Viper
            ? Directory.EnumerateFiles(Path.Combine(part.Source.Root, "img"), "*", SearchOption.AllDirectories)
            : Directory.EnumerateFiles(part.Source.ImageDirectory!);

    /// <summary>The folder or file the settings name must exist; the error names the setting and the path expected.</summary>
    internal static string Existing(string path, string what, string hint)
    {
        if (File.Exists(path) || Directory.Exists(path)) return path;
        throw new DirectoryNotFoundException($"{what} not found: expected {path}. {hint}");
    }
}
