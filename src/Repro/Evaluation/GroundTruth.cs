using Repro.Data;

namespace Repro.Evaluation;

/// <summary>
/// The labelled boxes of an evaluation set by image id. An image with no objects is listed with no boxes: it
/// still counts (detections on it are false positives), and a detection on an image that is not listed at all is
/// an error, which catches detections and ground truth from different sets.
/// </summary>
public sealed class GroundTruth
{
    private readonly Dictionary<string, List<BoundingBox>> images = new(StringComparer.Ordinal);
    private readonly List<string> order = [];

    /// <summary>Image ids in the order they were first added.</summary>
    public IReadOnlyList<string> ImageIds => order;

    public int ImageCount => order.Count;

    public int BoxCount => images.Values.Sum(b => b.Count);

    public bool Contains(string imageId) => images.ContainsKey(imageId);

    public IReadOnlyList<BoundingBox> BoxesOf(string imageId) =>
        images.TryGetValue(imageId, out var boxes) ? boxes : throw new KeyNotFoundException($"image '{imageId}' is not in the ground truth");

    /// <summary>Lists the image (if new) and adds the boxes to it.</summary>
    public void Add(string imageId, IEnumerable<BoundingBox> boxes)
    {
        ArgumentException.ThrowIfNullOrEmpty(imageId);
        if (!images.TryGetValue(imageId, out var list))
        {
            images[imageId] = list = [];
            order.Add(imageId);
        }
        list.AddRange(boxes);
    }

    public void Add(string imageId, params BoundingBox[] boxes) => Add(imageId, (IEnumerable<BoundingBox>)boxes);
}
