using Repro.Data.Reading;

namespace Repro.Data.Downloads;

/// <summary>
/// VIPER (GTAV, playing-for-benchmarks.org) as downloaded and unpacked into one root (docs/datasets.md): a folder
/// per split (<c>train/</c>, <c>val/</c>, <c>test/</c>), each with the frames <c>img/SEQ/SEQ_FRAME.jpg|png</c> and
/// their boxes <c>bb/SEQ/SEQ_FRAME.csv</c>. Each split numbers its sequences from 001, so a frame's id is
/// <c>SPLIT/SEQ/SEQ_FRAME</c>.
/// </summary>
public static class ViperDownload
{
    public const string Release = "viper";

    public static DownloadedDataset Find(string root, IReadOnlyList<string> splits)
    {
        if (splits.Count == 0) throw new ArgumentException("data.gtav.splits: name at least one split (train)");
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"VIPER root not found: {root}");
        if (Directory.Exists(Path.Combine(root, "bb")) && Directory.Exists(Path.Combine(root, "img")))
            throw new InvalidDataException(
                $"{root} holds img/ and bb/ itself: it is one split's folder. GTAV_ROOT is VIPER's download root, the folder that holds {string.Join(", ", splits.Select(s => s + "/"))}");
        var parts = splits.Select(split =>
        {
            var folder = Path.Combine(root, split);
            foreach (var sub in new[] { "img", "bb" })
                DownloadedDataset.Existing(Path.Combine(folder, sub), $"VIPER's {split}/{sub} folder",
                    $"Unpack VIPER's {split} archives (images and bounding boxes) into the VIPER root.");
            return new DownloadPart(split, DatasetSource.ViperRoot(folder) with { IdPrefix = split + "/" });
        }).ToList();
        return new DownloadedDataset("viper", Release, root, parts);
    }
}
