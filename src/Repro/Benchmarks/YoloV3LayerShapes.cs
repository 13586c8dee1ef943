namespace Repro.Benchmarks;

/// <summary>
/// Output shapes (channels, height, width) of YOLOv3's 107 darknet layers for a square input, from the layer facts
/// in docs/yolov3-layers.md (Darknet-53 stages with stride-2 convs at 1, 5, 12, 37, 62; head with routes 83, 86, 95, 98 and
/// upsamples 85, 97; three yolo layers). Used to size benchmarks and memory plans without building the model.
/// </summary>
internal static class YoloV3LayerShapes
{
    public static IReadOnlyList<(int Channels, int Height, int Width)> Of(int inputSize, double width = 1.0, int classes = 5)
    {
        int C(int channels) => Math.Max(1, (int)Math.Round(channels * width));
        var output = 3 * (5 + classes);
        var shapes = new List<(int, int, int)>();
        var side = inputSize;
        void Add(int channels) => shapes.Add((channels, side, side));

        // Backbone: stem conv, then per stage a stride-2 conv and `blocks` × (1×1 half, 3×3 full, shortcut).
        Add(C(32));
        foreach (var (channels, blocks) in new[] { (64, 1), (128, 2), (256, 8), (512, 8), (1024, 4) })
        {
            side = (side + 1) / 2;
            Add(C(channels));
            for (var b = 0; b < blocks; b++)
            {
                Add(C(channels / 2));
                Add(C(channels));
                Add(C(channels));
            }
        }
        // Head, scale 1 (stride 32): layers 75–82.
        for (var i = 0; i < 3; i++)
        {
            Add(C(512));
            Add(C(1024));
        }
        Add(output);
        Add(output);
        // 83 route → 79, 84 conv 256, 85 upsample, 86 route 85 + 61; then 87–94 as above at stride 16.
        Add(C(512));
        Add(C(256));
        side = inputSize / 16;
        Add(C(256));
        Add(C(256) + C(512));
        for (var i = 0; i < 3; i++)
        {
            Add(C(256));
            Add(C(512));
        }
        Add(output);
        Add(output);
        // 95 route → 91, 96 conv 128, 97 upsample, 98 route 97 + 36; then 99–106 at stride 8.
        Add(C(256));
        Add(C(128));
        side = inputSize / 8;
        Add(C(128));
        Add(C(128) + C(256));
        for (var i = 0; i < 3; i++)
        {
            Add(C(128));
            Add(C(256));
        }
        Add(output);
        Add(output);
        if (shapes.Count != 107) throw new InvalidOperationException($"YOLOv3 table has {shapes.Count} layers, not 107 (internal error)");
        return shapes;
    }
}
