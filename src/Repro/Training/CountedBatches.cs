namespace Repro.Training;

/// <summary>
/// A lazy sequence of batches whose number is known before the first one is made (a loader's epoch), so the
/// trainer's progress can say how far along an epoch is and when it will end.
/// </summary>
public sealed class CountedBatches(IEnumerable<Batch> batches, int count) : IReadOnlyCollection<Batch>
{
    public int Count { get; } = count;

    public IEnumerator<Batch> GetEnumerator() => batches.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
