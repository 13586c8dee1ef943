namespace Repro.Data.Reading;

/// <summary>
/// One image of a dataset with its boxes in the common label space, in the image's own pixels.
/// <paramref name="Id"/> is unique within the dataset and is what split lists name.
/// </summary>
public sealed record LabeledImage(string Id, string ImagePath, int Width, int Height, IReadOnlyList<BoundingBox> Boxes);

/// <summary>A dataset read by one of the readers, with what was skipped or dropped on the way.</summary>
public sealed record DatasetRead(string Name, IReadOnlyList<LabeledImage> Images, ReadReport Report);
