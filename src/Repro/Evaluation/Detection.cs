using Repro.Data;

namespace Repro.Evaluation;

/// <summary>One detector output after decoding and NMS: a class-labelled box with its score, on a named image.</summary>
public readonly record struct Detection(string ImageId, BoundingBox Box, float Score);
