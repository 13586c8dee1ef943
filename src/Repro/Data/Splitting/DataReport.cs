using System.Text.Json;
using System.Text.Json.Serialization;
using Repro.Data.Reading;
using Repro.Torch.IO;

namespace Repro.Data.Splitting;

/// <summary>Images and boxes per common class in one split.</summary>
public sealed record SplitCounts(int Images, IReadOnlyDictionary<string, int> BoxesPerClass);

/// <summary>
/// What the data stage produced and left out: images and boxes per class per split, dropped boxes by reason,
/// skipped images, unknown categories and the first messages naming file and item.
/// </summary>
public sealed record DataReport(
    string Dataset,
    IReadOnlyDictionary<string, SplitCounts> Splits,
    IReadOnlyDictionary<string, int> DroppedBoxes,
    IReadOnlyDictionary<string, int> SkippedImages,
    int ClippedBoxes,
    IReadOnlyDictionary<string, int> UnknownCategories,
    int MessageCount,
    IReadOnlyList<string> Messages)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static DataReport Create(DatasetRead read, DatasetSplit split)
    {
        var byId = read.Images.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var splits = new SortedDictionary<string, SplitCounts>(StringComparer.Ordinal);
        foreach (var name in Enum.GetValues<SplitName>())
        {
            var perClass = CommonClasses.All.ToDictionary(c => c.Name(), _ => 0);
            foreach (var id in split[name])
            {
                if (!byId.TryGetValue(id, out var image))
                    throw new InvalidDataException($"split {DatasetSplit.FileName(name)} names image '{id}', which dataset '{read.Name}' does not have");
                foreach (var box in image.Boxes) perClass[box.Class.Name()]++;
            }
            splits[name.ToString().ToLowerInvariant()] = new SplitCounts(split[name].Count, perClass);
        }
        var r = read.Report;
        return new DataReport(
            read.Name,
            splits,
            r.DroppedBoxes.ToDictionary(p => Snake(p.Key.ToString()), p => p.Value),
            r.SkippedImages.ToDictionary(p => Snake(p.Key.ToString()), p => p.Value),
            r.ClippedBoxes,
            new SortedDictionary<string, int>(r.UnknownCategories, StringComparer.Ordinal),
            r.MessageCount,
            r.Messages.ToList());
    }

    private static string Snake(string pascal) => JsonNamingPolicy.SnakeCaseLower.ConvertName(pascal);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Write(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    public static DataReport Read(string path) =>
        JsonSerializer.Deserialize<DataReport>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty data report");
}
