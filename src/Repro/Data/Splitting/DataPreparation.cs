using Repro.Data.Labels;
using Repro.Data.Reading;

namespace Repro.Data.Splitting;

/// <summary>
/// The data stage for one dataset: read it through its reader, split 60/20/20 from the seed, and write the three
/// id lists and <c>report.json</c> into the output folder.
/// </summary>
public static class DataPreparation
{
    public const string ReportName = "report.json";

    public static (DatasetRead Read, DatasetSplit Split, DataReport Report) Prepare(
        DatasetSource source, long seed, string outDirectory, LabelMap? labelMap = null, BoxFilter? filter = null)
    {
        var read = source.Read(labelMap, filter);
        var split = DatasetSplit.Create(read.Images.Select(i => i.Id), seed);
        var report = DataReport.Create(read, split);
        split.Write(outDirectory);
        report.Write(Path.Combine(outDirectory, ReportName));
        return (read, split, report);
    }

    /// <summary>The images a split list names, in the list's order; an id the dataset lacks is an error naming it.</summary>
    public static IReadOnlyList<LabeledImage> Select(DatasetRead read, IReadOnlyList<string> ids)
    {
        var byId = read.Images.ToDictionary(i => i.Id, StringComparer.Ordinal);
        return ids.Select(id => byId.TryGetValue(id, out var image)
            ? image
            : throw new InvalidDataException($"split list names image '{id}', which dataset '{read.Name}' does not have")).ToList();
    }
}
