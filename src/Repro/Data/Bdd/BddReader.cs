using System.Text.Json;
using System.Text.Json.Serialization;
using Repro.Data.Labels;
using Repro.Data.Reading;

namespace Repro.Data.Bdd;

/// <summary>
/// BDD100K detection labels: a JSON list of frames (name, attributes, labels with category and box2d x1 y1 x2 y2),
/// in either the 2018 or the 2020 det_20 vocabulary, with the images in one folder. The list is streamed frame by
/// frame: the real training file is about a gigabyte.
/// </summary>
public static class BddReader
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = false,
        DefaultBufferSize = 1 << 16,
    };

    /// <summary>
    /// Reads every frame, maps categories through <paramref name="labelMap"/>'s bdd100k vocabulary, clips and filters
    /// boxes. Malformed JSON is an error naming the file and the frame; unknown categories, bad boxes and missing
    /// images are counted in the report.
    /// </summary>
    public static DatasetRead Read(string labelPath, string imageDirectory, LabelMap? labelMap = null, BoxFilter? filter = null, string? name = null)
    {
        var vocabulary = (labelMap ?? LabelMap.Default).Vocabulary(LabelMap.Bdd100k);
        filter ??= BoxFilter.None;
        var report = new ReadReport();
        var images = new List<LabeledImage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var frame in ReadFrames(labelPath))
        {
            var item = $"{labelPath}: frame {index} '{frame.Name}'";
            index++;
            if (!seen.Add(frame.Name))
            {
                report.Skip(SkipReason.DuplicateImage, $"{item}: the same image is labelled twice; the first one is kept");
                continue;
            }
            var imagePath = Path.Combine(imageDirectory, frame.Name);
            if (!File.Exists(imagePath))
            {
                report.Skip(SkipReason.MissingImage, $"{item}: image not found at {imagePath}");
                continue;
            }
            if (!ImageHeader.TryReadSize(imagePath, out var width, out var height, out var error))
            {
                report.Skip(SkipReason.UnreadableImage, $"{item}: {imagePath}: {error}");
                continue;
            }
            var boxes = new List<BoundingBox>();
            for (var i = 0; i < frame.Labels.Count; i++)
            {
                var label = frame.Labels[i];
                report.Saw(label.Category);
                switch (vocabulary.Lookup(label.Category, out var cls))
                {
                    case LabelLookup.Ignored:
                        report.Drop(DropReason.IgnoredCategory);
                        continue;
                    case LabelLookup.Unknown:
                        report.Unknown(label.Category, $"{item}, label {i}: unknown category '{label.Category}'");
                        continue;
                }
                if (label.Box is not { } b)
                {
                    report.Drop(DropReason.MissingBox);
                    report.Note($"{item}, label {i}: category '{label.Category}' has no box2d");
                    continue;
                }
                var labelIndex = i;
                if (filter.TryAccept(cls, b.X1, b.Y1, b.X2, b.Y2, width, height, report, out var box, () => $"{item}, label {labelIndex}")) boxes.Add(box);
            }
            images.Add(new LabeledImage(Path.GetFileNameWithoutExtension(frame.Name), imagePath, width, height, boxes));
        }
        return new DatasetRead(name ?? Path.GetFileNameWithoutExtension(labelPath), images, report);
    }

    /// <summary>The raw frames of a label file, one at a time, as written (no mapping, no filtering).</summary>
    public static IEnumerable<BddFrame> ReadFrames(string labelPath)
    {
        FileStream stream;
        try { stream = new FileStream(labelPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{labelPath}: cannot open the BDD100K label file: {e.Message}", e);
        }
        using (stream)
        {
            using var frames = JsonSerializer.DeserializeAsyncEnumerable<FrameJson>(stream, Json).ToBlockingEnumerable().GetEnumerator();
            var index = 0;
            while (true)
            {
                FrameJson? frame;
                try
                {
                    if (!frames.MoveNext()) yield break;
                    frame = frames.Current;
                }
                catch (JsonException e)
                {
                    throw new InvalidDataException(
                        $"{labelPath}: frame {index}: not a valid BDD100K label list (JSON line {e.LineNumber + 1}, byte {e.BytePositionInLine}, path {e.Path}): {e.Message}", e);
                }
                yield return Validate(labelPath, index, frame);
                index++;
            }
        }
    }

    private static BddFrame Validate(string file, int index, FrameJson? frame)
    {
        if (frame is null) throw new InvalidDataException($"{file}: frame {index} is null, expected an object with 'name' and 'labels'");
        if (string.IsNullOrWhiteSpace(frame.Name)) throw new InvalidDataException($"{file}: frame {index} has no 'name'");
        var labels = new List<BddLabel>(frame.Labels?.Count ?? 0);
        for (var i = 0; i < (frame.Labels?.Count ?? 0); i++)
        {
            var label = frame.Labels![i];
            if (label is null || string.IsNullOrEmpty(label.Category))
                throw new InvalidDataException($"{file}: frame {index} '{frame.Name}', label {i}: no 'category'");
            BddBox? box = label.Box2d is { } b ? new BddBox(b.X1, b.Y1, b.X2, b.Y2) : null;
            labels.Add(new BddLabel(label.Category, box));
        }
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (frame.Attributes is { } a)
            foreach (var (key, value) in a)
                attributes[key] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return new BddFrame(frame.Name, attributes, labels);
    }

    // ---- the JSON shape ------------------------------------------------------------------------------------

    private sealed class FrameJson
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("attributes")] public Dictionary<string, JsonElement>? Attributes { get; set; }
        [JsonPropertyName("labels")] public List<LabelJson?>? Labels { get; set; }
    }

    private sealed class LabelJson
    {
        [JsonPropertyName("category")] public string? Category { get; set; }
        [JsonPropertyName("box2d")] public BoxJson? Box2d { get; set; }
    }

    private sealed class BoxJson
    {
        [JsonPropertyName("x1")] public double X1 { get; set; }
        [JsonPropertyName("y1")] public double Y1 { get; set; }
        [JsonPropertyName("x2")] public double X2 { get; set; }
        [JsonPropertyName("y2")] public double Y2 { get; set; }
    }
}

/// <summary>One frame of a BDD100K label file as written.</summary>
public sealed record BddFrame(string Name, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<BddLabel> Labels);

public sealed record BddLabel(string Category, BddBox? Box);

public readonly record struct BddBox(double X1, double Y1, double X2, double Y2);
