using Repro.Torch.IO;

namespace Repro.Data.Splitting;

public enum SplitName
{
    Train,
    Val,
    Test,
}

/// <summary>
/// A deterministic train/val/test partition of image ids (60/20/20 by default), written as three plain lists,
/// <c>train.txt</c>, <c>val.txt</c>, <c>test.txt</c>, one id per line, that every later stage reads.
/// The result depends only on the set of ids and the seed, not on the order the ids were read in.
/// </summary>
public sealed record DatasetSplit(IReadOnlyList<string> Train, IReadOnlyList<string> Val, IReadOnlyList<string> Test)
{
    public IReadOnlyList<string> this[SplitName split] => split switch
    {
        SplitName.Train => Train,
        SplitName.Val => Val,
        SplitName.Test => Test,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };

    public static string FileName(SplitName split) => $"{split.ToString().ToLowerInvariant()}.txt";

    public static DatasetSplit Create(IEnumerable<string> ids, long seed, double trainFraction = 0.6, double valFraction = 0.2)
    {
        if (trainFraction < 0 || valFraction < 0 || trainFraction + valFraction > 1)
            throw new ArgumentException($"split fractions train {trainFraction}, val {valFraction} must be non-negative and sum to at most 1");
        var sorted = ids.ToList();
        sorted.Sort(StringComparer.Ordinal);
        for (var i = 1; i < sorted.Count; i++)
            if (sorted[i] == sorted[i - 1]) throw new ArgumentException($"image id '{sorted[i]}' occurs twice; ids must be unique to split");
        new DeterministicRandom(seed, 0, purpose: 0x5_1_17).Shuffle(sorted);
        var n = sorted.Count;
        var nTrain = (int)Math.Round(n * trainFraction, MidpointRounding.AwayFromZero);
        var nVal = Math.Min(n - nTrain, (int)Math.Round(n * valFraction, MidpointRounding.AwayFromZero));
        return new DatasetSplit(Sorted(sorted.Take(nTrain)), Sorted(sorted.Skip(nTrain).Take(nVal)), Sorted(sorted.Skip(nTrain + nVal)));
    }

    private static List<string> Sorted(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    public void Write(string directory)
    {
        foreach (var split in Enum.GetValues<SplitName>())
            AtomicFile.WriteAllText(Path.Combine(directory, FileName(split)), string.Concat(this[split].Select(id => id + "\n")));
    }

    public static DatasetSplit Read(string directory)
    {
        IReadOnlyList<string> ReadList(SplitName split)
        {
            var path = Path.Combine(directory, FileName(split));
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: split list not found (run the data stage first)", path);
            return File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        }
        var result = new DatasetSplit(ReadList(SplitName.Train), ReadList(SplitName.Val), ReadList(SplitName.Test));
        var seen = new Dictionary<string, SplitName>(StringComparer.Ordinal);
        foreach (var split in Enum.GetValues<SplitName>())
            foreach (var id in result[split])
                if (!seen.TryAdd(id, split))
                    throw new InvalidDataException($"{Path.Combine(directory, FileName(split))}: id '{id}' is also in {FileName(seen[id])}; splits must be disjoint");
        return result;
    }
}
