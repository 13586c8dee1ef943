using System.Text.Json;
using System.Text.Json.Serialization;
using Repro.Data.Reading;
using Repro.Data.Splitting;
using Repro.Torch.IO;

namespace Repro.Experiments.Stages;

/// <summary>
/// A dataset as the data stage left it: every usable image with its boxes in the common label space, and the
/// 60/20/20 split. Later stages read this instead of re-parsing BDD100K's gigabyte of JSON.
/// </summary>
public sealed record DatasetIndex(string Domain, IReadOnlyList<LabeledImage> Images, DatasetSplit Split)
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public IReadOnlyList<LabeledImage> this[SplitName split]
    {
        get
        {
            var ids = Split[split].ToHashSet();
            return Images.Where(i => ids.Contains(i.Id)).ToList();
        }
    }

    public static string PathIn(string dataDir, string domain) => Path.Combine(dataDir, $"{domain}.index.json");

    public void Write(string dataDir)
    {
        AtomicFile.WriteAllText(PathIn(dataDir, Domain), JsonSerializer.Serialize(Images, Json));
        Split.Write(Path.Combine(dataDir, $"{Domain}-split"));
    }

    public static DatasetIndex Read(string dataDir, string domain)
    {
        var path = PathIn(dataDir, domain);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: run the Data stage first", path);
        var images = JsonSerializer.Deserialize<List<LabeledImage>>(File.ReadAllText(path), Json)
                     ?? throw new InvalidDataException($"{path}: empty index");
        return new DatasetIndex(domain, images, DatasetSplit.Read(Path.Combine(dataDir, $"{domain}-split")));
    }
}
