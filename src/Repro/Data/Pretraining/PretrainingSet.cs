namespace Repro.Data.Pretraining;

/// <summary>One classification image: its file and its class index into <see cref="PretrainingSet.Classes"/>.</summary>
public readonly record struct ClassifiedImage(string Path, int Label);

/// <summary>
/// A classification set as written by <see cref="PretrainingSetGenerator"/> (or by hand): <c>index.csv</c> with a
/// <c>path,label</c> header, paths relative to the folder. Classes are numbered in order of first appearance.
/// </summary>
public sealed record PretrainingSet(IReadOnlyList<string> Classes, IReadOnlyList<ClassifiedImage> Images)
{
    public static PretrainingSet Read(string directory)
    {
        var index = System.IO.Path.Combine(directory, PretrainingSetGenerator.IndexName);
        if (!File.Exists(index)) throw new FileNotFoundException($"{index}: classification index not found", index);
        var classes = new List<string>();
        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        var images = new List<ClassifiedImage>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(index))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (line.Trim() != "path,label") throw new InvalidDataException($"{index}: line 1: expected the header 'path,label', got '{line}'");
                continue;
            }
            if (string.IsNullOrWhiteSpace(line)) continue;
            var comma = line.LastIndexOf(',');
            if (comma <= 0 || comma == line.Length - 1) throw new InvalidDataException($"{index}: line {lineNumber}: expected 'path,label', got '{line}'");
            var path = System.IO.Path.Combine(directory, line[..comma]);
            var label = line[(comma + 1)..].Trim();
            if (!File.Exists(path)) throw new FileNotFoundException($"{index}: line {lineNumber}: image {path} not found", path);
            if (!lookup.TryGetValue(label, out var id))
            {
                id = classes.Count;
                classes.Add(label);
                lookup[label] = id;
            }
            images.Add(new ClassifiedImage(path, id));
        }
        return new PretrainingSet(classes, images);
    }
}
