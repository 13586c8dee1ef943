namespace Repro.Data.Reading;

/// <summary>Why a labelled box did not make it into the dataset.</summary>
public enum DropReason
{
    /// <summary>A category the label map knows and does not use (traffic sign, train, …).</summary>
    IgnoredCategory,
    /// <summary>A category the label map does not know at all.</summary>
    UnknownCategory,
    /// <summary>A label with no box (BDD100K polygons, for instance).</summary>
    MissingBox,
    /// <summary>Zero or negative width or height, after clipping to the image.</summary>
    NonPositiveArea,
    /// <summary>The ego vehicle's hood (VIPER/GTAV).</summary>
    Hood,
    /// <summary>Smaller than the area filter's threshold.</summary>
    SmallArea,
}

/// <summary>Why a labelled image was left out.</summary>
public enum SkipReason
{
    MissingImage,
    UnreadableImage,
    DuplicateImage,
}

/// <summary>
/// Counts of everything a reader dropped, clipped or skipped, with the first messages naming file and item, so
/// bad input is visible in the data report instead of silently changing the data.
/// </summary>
public sealed class ReadReport
{
    public const int MaxMessages = 50;

    private readonly List<string> messages = [];
    private readonly List<string> unreadable = [];

    public Dictionary<DropReason, int> DroppedBoxes { get; } = Enum.GetValues<DropReason>().ToDictionary(r => r, _ => 0);

    public Dictionary<SkipReason, int> SkippedImages { get; } = Enum.GetValues<SkipReason>().ToDictionary(r => r, _ => 0);

    /// <summary>Every label's category as the dataset writes it (BDD100K's name, VIPER's class id) → how often, before
    /// the label map and the filters.</summary>
    public SortedDictionary<string, int> Categories { get; } = new(StringComparer.Ordinal);

    /// <summary>Unknown category name → how often it was seen.</summary>
    public SortedDictionary<string, int> UnknownCategories { get; } = new(StringComparer.Ordinal);

    /// <summary>Boxes that reached outside the image and were clipped to it (and kept).</summary>
    public int ClippedBoxes { get; internal set; }

    /// <summary>The first <see cref="MaxMessages"/> messages; <see cref="MessageCount"/> says how many there were.</summary>
    public IReadOnlyList<string> Messages => messages;

    public int MessageCount { get; private set; }

    internal void Drop(DropReason reason) => DroppedBoxes[reason]++;

    internal void Saw(string category) => Categories[category] = Categories.GetValueOrDefault(category) + 1;

    internal void Skip(SkipReason reason, string message)
    {
        SkippedImages[reason]++;
        if (reason == SkipReason.UnreadableImage && unreadable.Count < MaxMessages) unreadable.Add(message);
        Note(message);
    }

    /// <summary>
    /// For a study that must not run on fewer images than it was given: an error listing the images that could not be
    /// read (truncated, not an image), if there were any.
    /// </summary>
    public void ThrowIfUnreadable(string dataset, string why)
    {
        var n = SkippedImages[SkipReason.UnreadableImage];
        if (n == 0) return;
        throw new InvalidDataException($"{dataset}: {n} image(s) cannot be read ({why}):\n  " + string.Join("\n  ", unreadable)
                                       + (n > unreadable.Count ? $"\n  … and {n - unreadable.Count} more" : ""));
    }

    internal void Unknown(string category, string message)
    {
        DroppedBoxes[DropReason.UnknownCategory]++;
        UnknownCategories[category] = UnknownCategories.GetValueOrDefault(category) + 1;
        Note(message);
    }

    /// <summary>Adds another part's counts and messages to these (a dataset pooled from several splits).</summary>
    internal void Absorb(ReadReport other)
    {
        foreach (var (reason, n) in other.DroppedBoxes) DroppedBoxes[reason] += n;
        foreach (var (reason, n) in other.SkippedImages) SkippedImages[reason] += n;
        foreach (var (category, n) in other.Categories) Categories[category] = Categories.GetValueOrDefault(category) + n;
        foreach (var (category, n) in other.UnknownCategories) UnknownCategories[category] = UnknownCategories.GetValueOrDefault(category) + n;
        ClippedBoxes += other.ClippedBoxes;
        foreach (var message in other.unreadable.Take(MaxMessages - unreadable.Count)) unreadable.Add(message);
        foreach (var message in other.messages) Note(message);
        MessageCount += other.MessageCount - other.messages.Count; // the other's messages beyond its own cap
    }

    internal void Note(string message)
    {
        MessageCount++;
        if (messages.Count < MaxMessages) messages.Add(message);
    }
}
