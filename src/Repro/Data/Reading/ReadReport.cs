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

    public Dictionary<DropReason, int> DroppedBoxes { get; } = Enum.GetValues<DropReason>().ToDictionary(r => r, _ => 0);

    public Dictionary<SkipReason, int> SkippedImages { get; } = Enum.GetValues<SkipReason>().ToDictionary(r => r, _ => 0);

    /// <summary>Unknown category name → how often it was seen.</summary>
    public SortedDictionary<string, int> UnknownCategories { get; } = new(StringComparer.Ordinal);

    /// <summary>Boxes that reached outside the image and were clipped to it (and kept).</summary>
    public int ClippedBoxes { get; internal set; }

    /// <summary>The first <see cref="MaxMessages"/> messages; <see cref="MessageCount"/> says how many there were.</summary>
    public IReadOnlyList<string> Messages => messages;

    public int MessageCount { get; private set; }

    internal void Drop(DropReason reason) => DroppedBoxes[reason]++;

    internal void Skip(SkipReason reason, string message)
    {
        SkippedImages[reason]++;
        Note(message);
    }

    internal void Unknown(string category, string message)
    {
        DroppedBoxes[DropReason.UnknownCategory]++;
        UnknownCategories[category] = UnknownCategories.GetValueOrDefault(category) + 1;
        Note(message);
    }

    internal void Note(string message)
    {
        MessageCount++;
        if (messages.Count < MaxMessages) messages.Add(message);
    }
}
