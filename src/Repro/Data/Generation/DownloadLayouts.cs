using Repro.Data.Downloads;
using Repro.Data.Reading;

namespace Repro.Data.Generation;

/// <summary>
/// Generated street scenes laid out as the real downloads are (docs/datasets.md): a BDD100K root of either release
/// (<c>images/100k/{train,val,test}</c>, labels for train and val only, as published) and a VIPER root
/// (<c>train/</c> and <c>val/</c>, each with <c>img/SEQ/</c> and <c>bb/SEQ/</c>). No <c>dataset.json</c>: the readers
/// must find these the way they find a download. Each split is generated with its own seed, so image names never
/// collide across splits, and the same options write the same bytes.
/// </summary>
public static class DownloadLayouts
{
    /// <summary>BDD100K's official split sizes, 70k / 10k / 20k, as fractions of a miniature's images.</summary>
    public static readonly IReadOnlyList<(string Split, double Share, bool Labelled)> BddSplits =
        [("train", 0.7, true), ("val", 0.1, true), ("test", 0.2, false)];

    /// <summary>VIPER's labelled splits, about 134k and 50k frames, as fractions of a miniature's frames.</summary>
    public static readonly IReadOnlyList<(string Split, double Share)> ViperSplits = [("train", 0.73), ("val", 0.27)];

    public static GenerationSummary WriteBdd(string root, string release, GeneratorOptions options)
    {
        var vocabulary = release switch
        {
            BddDownload.Release2018 => BddVocabulary.Bdd2018,
            BddDownload.Release2020 => BddVocabulary.Bdd2020,
            _ => throw new ArgumentException($"BDD100K release '{release}': expected 2018 or 2020"),
        };
        var summaries = new List<GenerationSummary>();
        foreach (var (index, (split, share, labelled)) in BddSplits.Index())
        {
            var staging = Path.Combine(root, $".generating-{split}");
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            summaries.Add(StreetSceneGenerator.Generate(options with
            {
                Domain = Domain.Real, Count = Share(options.Count, share), Seed = SplitSeed(options.Seed, index), BddVocabulary = vocabulary,
            }, staging));
            var images = Path.Combine(root, BddDownload.Images(split));
            Directory.CreateDirectory(images);
            foreach (var file in Directory.EnumerateFiles(Path.Combine(staging, "images")))
                File.Move(file, Path.Combine(images, Path.GetFileName(file)), overwrite: true);
            if (labelled)
            {
                var labels = Path.Combine(root, release == BddDownload.Release2020 ? BddDownload.Labels2020(split) : BddDownload.Labels2018(split));
                Directory.CreateDirectory(Path.GetDirectoryName(labels)!);
                File.Move(Path.Combine(staging, "labels.json"), labels, overwrite: true);
            }
            Directory.Delete(staging, recursive: true);
        }
        return Total(summaries);
    }

    public static GenerationSummary WriteViper(string root, GeneratorOptions options)
    {
        var summaries = new List<GenerationSummary>();
        foreach (var (index, (split, share)) in ViperSplits.Index())
        {
            var folder = Path.Combine(root, split);
            summaries.Add(StreetSceneGenerator.Generate(options with
            {
                Domain = Domain.Synthetic, Count = Share(options.Count, share), Seed = SplitSeed(options.Seed, index),
            }, folder));
            File.Delete(Path.Combine(folder, DatasetSource.ManifestName));
        }
        return Total(summaries);
    }

    private static int Share(int count, double share) => Math.Max(1, (int)Math.Round(count * share));

    private static long SplitSeed(long seed, int split) => seed * 10 + split;

    private static GenerationSummary Total(IReadOnlyList<GenerationSummary> parts) =>
        new(parts.Sum(p => p.Images), parts.Sum(p => p.LabelledBoxes), TimeSpan.FromTicks(parts.Sum(p => p.Elapsed.Ticks)));
}
