using Repro.Data.Reading;

namespace Repro.Data.Statistics;

/// <summary>
/// Counts that describe a dataset's content: images, boxes per class, and a histogram of box sizes (square root
/// of the area, in pixels of the image as stored), for comparing the two domains side by side.
/// </summary>
public sealed record DatasetStatistics(
    string Name,
    int Images,
    IReadOnlyDictionary<CommonClass, int> BoxesPerClass,
    IReadOnlyList<(string Bin, int Count)> SizeHistogram,
    double MedianBoxSize,
    ReadReport Report)
{
    /// <summary>Upper edges of the size bins (√area in px); the last bin is open.</summary>
    public static readonly double[] SizeBinEdges = [8, 16, 32, 64, 128];

    public int Boxes => BoxesPerClass.Values.Sum();

    public static DatasetStatistics Compute(DatasetRead read)
    {
        var perClass = CommonClasses.All.ToDictionary(c => c, _ => 0);
        var bins = new int[SizeBinEdges.Length + 1];
        var sizes = new List<double>();
        foreach (var image in read.Images)
            foreach (var box in image.Boxes)
            {
                perClass[box.Class]++;
                var size = Math.Sqrt(box.Area);
                sizes.Add(size);
                var bin = Array.FindIndex(SizeBinEdges, e => size < e);
                bins[bin < 0 ? SizeBinEdges.Length : bin]++;
            }
        sizes.Sort();
        var median = sizes.Count == 0 ? 0 : sizes.Count % 2 == 1 ? sizes[sizes.Count / 2] : (sizes[sizes.Count / 2 - 1] + sizes[sizes.Count / 2]) / 2;
        var histogram = new List<(string, int)>();
        for (var i = 0; i < bins.Length; i++)
        {
            var label = i == 0 ? $"< {SizeBinEdges[0]}" : i == SizeBinEdges.Length ? $">= {SizeBinEdges[^1]}" : $"{SizeBinEdges[i - 1]}-{SizeBinEdges[i]}";
            histogram.Add((label, bins[i]));
        }
        return new DatasetStatistics(read.Name, read.Images.Count, perClass, histogram, median, read.Report);
    }
}
