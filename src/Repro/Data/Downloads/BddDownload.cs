using Repro.Data.Reading;

namespace Repro.Data.Downloads;

/// <summary>
/// BDD100K as downloaded from bdd-data.berkeley.edu and unpacked into one root (docs/datasets.md): the images
/// <c>images/100k/{train,val,test}/NAME.jpg</c>, and the detection labels of either release: 2018's
/// <c>labels/bdd100k_labels_images_{train,val}.json</c> or 2020's <c>labels/det_20/det_{train,val}.json</c>.
/// Both are JSON lists of frames (name, attributes, labels with category and box2d) that <see cref="Bdd.BddReader"/>
/// reads; the label map knows both vocabularies. The archives unpack into a <c>bdd100k/</c> folder, so that folder
/// and the one holding it are both accepted as the root.
/// </summary>
public static class BddDownload
{
    public const string Release2018 = "2018";
    public const string Release2020 = "2020";

    /// <summary>The 2018 release's label file of a split, relative to the root.</summary>
    public static string Labels2018(string split) => Path.Combine("labels", $"bdd100k_labels_images_{split}.json");

    /// <summary>The 2020 release's detection label file of a split, relative to the root.</summary>
    public static string Labels2020(string split) => Path.Combine("labels", "det_20", $"det_{split}.json");

    /// <summary>A split's image folder, relative to the root (the same in both releases).</summary>
    public static string Images(string split) => Path.Combine("images", "100k", split);

    /// <summary>
    /// The splits' label files and image folders under <paramref name="root"/>. <paramref name="release"/> "auto"
    /// takes 2020's labels where every split has them, else 2018's; a missing piece is an error naming the paths
    /// that were looked for.
    /// </summary>
    public static DownloadedDataset Find(string root, IReadOnlyList<string> splits, string release = "auto")
    {
        if (splits.Count == 0) throw new ArgumentException("data.bdd.splits: name at least one split (train, val)");
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"BDD100K root not found: {root}");
        if (!Directory.Exists(Path.Combine(root, "images")) && Directory.Exists(Path.Combine(root, "bdd100k", "images")))
            root = Path.Combine(root, "bdd100k");
        bool Has(Func<string, string> labels) => splits.All(s => File.Exists(Path.Combine(root, labels(s))));
        var chosen = release switch
        {
            "auto" => Has(Labels2020) ? Release2020 : Has(Labels2018) ? Release2018
                : throw new FileNotFoundException(
                    $"{root}: no BDD100K detection labels for {string.Join(" and ", splits)}: expected "
                    + string.Join(", ", splits.Select(s => Path.Combine(root, Labels2020(s))))
                    + " (2020 release) or " + string.Join(", ", splits.Select(s => Path.Combine(root, Labels2018(s)))) + " (2018 release)"),
            Release2018 or Release2020 => release,
            _ => throw new ArgumentException($"data.bdd.release: '{release}' is not auto, 2018 or 2020"),
        };
        var parts = splits.Select(split =>
        {
            var labels = DownloadedDataset.Existing(Path.Combine(root, chosen == Release2020 ? Labels2020(split) : Labels2018(split)),
                $"BDD100K {chosen} labels of split '{split}'", "Unpack the release's label archive into the BDD100K root.");
            var images = DownloadedDataset.Existing(Path.Combine(root, Images(split)),
                $"BDD100K images of split '{split}'", "Unpack bdd100k_images_100k.zip into the BDD100K root.");
            return new DownloadPart(split, DatasetSource.Bdd(labels, images));
        }).ToList();
        return new DownloadedDataset("bdd100k", chosen, root, parts);
    }
}
