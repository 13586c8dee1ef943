using System.Globalization;
using Repro.Data.Labels;
using Repro.Data.Reading;

namespace Repro.Data.Viper;

/// <summary>
/// VIPER ("Playing for Benchmarks", GTAV) boxes: one headerless CSV per frame, a row per object instance:
/// <c>class id, instance id, left, top, right, bottom</c>, then (in VIPER's own files) the 3D box (6 values) and its
/// 4×4 transform (16): 28 columns, of which the first six are read; rows of exactly six are read too. Sequences are
/// folders. Two layouts are read: VIPER's own (<c>ROOT/bb/SEQ/FRAME.csv</c> with <c>ROOT/img/SEQ/FRAME.png|jpg</c>)
/// and the CSV beside its image (<c>ROOT/SEQ/FRAME.csv</c> + <c>ROOT/SEQ/FRAME.png</c>). Image ids are
/// <c>SEQ/FRAME</c>, after a prefix when one is given (VIPER numbers the sequences of each split from 001, so splits
/// pooled into one dataset need one). The column order is VIPER's README's (docs/datasets.md); a dataset whose class
/// ids are mostly not VIPER classes is an error that says so, since swapped columns would otherwise pass as a
/// dataset of unknown categories.
/// </summary>
public static class ViperReader
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Columns of a row in VIPER's own box files: class, instance, 2D box (4), 3D box (6), transform (16).</summary>
    public const int FullRowColumns = 28;

    /// <summary>VIPER's class ids run 0–31 (its classes.csv).</summary>
    public const int MaxClassId = 31;

    /// <summary>
    /// Reads every frame under <paramref name="root"/>. A CSV of the wrong shape is an error naming file and line;
    /// unknown class ids, bad boxes, the hood and small boxes (<paramref name="filter"/>, default: the paper's GTAV
    /// filters) are counted in the report; a frame whose image is missing is skipped and counted.
    /// </summary>
    public static DatasetRead Read(string root, LabelMap? labelMap = null, BoxFilter? filter = null, string? name = null, string idPrefix = "")
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: VIPER dataset folder not found");
        var vocabulary = (labelMap ?? LabelMap.Default).Vocabulary(LabelMap.Viper);
        filter ??= BoxFilter.Gtav;
        var report = new ReadReport();
        var images = new List<LabeledImage>();
        var (rows, foreign) = (0, 0);
        foreach (var (frame, csvPath, imageBase) in Frames(root))
        {
            var id = idPrefix + frame;
            var imagePath = ImageExtensions.Select(e => imageBase + e).FirstOrDefault(File.Exists);
            if (imagePath is null)
            {
                report.Skip(SkipReason.MissingImage, $"{csvPath}: frame '{id}': image not found at {imageBase}.png|.jpg");
                continue;
            }
            if (!ImageHeader.TryReadSize(imagePath, out var width, out var height, out var error))
            {
                report.Skip(SkipReason.UnreadableImage, $"{csvPath}: frame '{id}': {imagePath}: {error}");
                continue;
            }
            var boxes = new List<BoundingBox>();
            foreach (var row in ReadRows(csvPath))
            {
                rows++;
                if (row.ClassId is < 0 or > MaxClassId) foreign++;
                var category = row.ClassId.ToString(CultureInfo.InvariantCulture);
                report.Saw(category);
                switch (vocabulary.Lookup(category, out var cls))
                {
                    case LabelLookup.Ignored:
                        report.Drop(DropReason.IgnoredCategory);
                        continue;
                    case LabelLookup.Unknown:
                        report.Unknown(category, $"{csvPath}: line {row.Line}: unknown class id {category}");
                        continue;
                }
                var line = row.Line;
                if (filter.TryAccept(cls, row.Left, row.Top, row.Right, row.Bottom, width, height, report, out var box, () => $"{csvPath}: line {line}")) boxes.Add(box);
            }
            images.Add(new LabeledImage(id, imagePath, width, height, boxes));
        }
        if (foreign * 2 > rows)
            throw new InvalidDataException(
                $"{root}: {foreign} of {rows} box rows have a class id outside VIPER's 0–{MaxClassId}. The columns are read as class id, instance id, "
                + "left, top, right, bottom (VIPER's README); files with the instance id first would read like this");
        return new DatasetRead(name ?? Path.GetFileName(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar)), images, report);
    }

    /// <summary>The rows of one frame's CSV as written; a malformed line is an error naming file and line.</summary>
    public static IReadOnlyList<ViperRow> ReadRows(string csvPath)
    {
        var rows = new List<ViperRow>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(csvPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split(',');
            if (fields.Length is not (6 or FullRowColumns))
                throw new InvalidDataException(
                    $"{csvPath}: line {lineNumber}: expected {FullRowColumns} comma-separated values (class id, instance id, left, top, right, bottom, 3D box, transform) or the first 6 of them, got {fields.Length}: '{line}'");
            if (!int.TryParse(fields[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var classId)
                || !int.TryParse(fields[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var instance))
                throw new InvalidDataException($"{csvPath}: line {lineNumber}: class id and instance id must be integers: '{line}'");
            var coordinates = new double[4];
            for (var i = 0; i < 4; i++)
            {
                if (!double.TryParse(fields[2 + i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out coordinates[i]) || !double.IsFinite(coordinates[i]))
                    throw new InvalidDataException($"{csvPath}: line {lineNumber}: coordinate {i + 1} ('{fields[2 + i]}') is not a finite number");
            }
            rows.Add(new ViperRow(lineNumber, classId, instance, coordinates[0], coordinates[1], coordinates[2], coordinates[3]));
        }
        return rows;
    }

    private static IEnumerable<(string Id, string CsvPath, string ImageBase)> Frames(string root)
    {
        var bb = Path.Combine(root, "bb");
        var viperLayout = Directory.Exists(bb);
        var labelRoot = viperLayout ? bb : root;
        var csvFiles = Directory.EnumerateFiles(labelRoot, "*.csv", SearchOption.AllDirectories)
            .Select(p => (Path: p, Relative: Path.GetRelativePath(labelRoot, p)))
            .OrderBy(p => p.Relative, StringComparer.Ordinal);
        foreach (var (path, relative) in csvFiles)
        {
            var withoutExtension = Path.ChangeExtension(relative, null);
            var id = withoutExtension.Replace(Path.DirectorySeparatorChar, '/');
            var imageBase = viperLayout ? Path.Combine(root, "img", withoutExtension) : Path.ChangeExtension(path, null);
            yield return (id, path, imageBase);
        }
    }
}

/// <summary>One row of a VIPER box file, with its 1-based line number.</summary>
public readonly record struct ViperRow(int Line, int ClassId, int InstanceId, double Left, double Top, double Right, double Bottom);
