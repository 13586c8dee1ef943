using Repro.Data;
using Repro.Models;
using Repro.Torch;
using Repro.Torch.NN;
using F = Repro.Torch.NN.functional;

namespace Repro.Tests.Training;

/// <summary>
/// A small real detector for training tests: six conv–batch-norm–leaky blocks (strides 1, 2, 2, 2, 2, 2) and
/// three linear 1 × 1 YOLO heads on the last three (strides 8, 16, 32), nine anchors for 64-pixel inputs, heads
/// listed coarse first as YOLOv3 lists them. Layers 0–5 are the blocks, 6–8 the heads.
/// </summary>
internal sealed class TinyDetector : Module, IDetector
{
    private static readonly (float, float)[][] AnchorsFineToCoarse =
    [
        [(6f, 6f), (8f, 14f), (14f, 8f)],
        [(14f, 14f), (12f, 26f), (26f, 12f)],
        [(28f, 28f), (24f, 44f), (44f, 24f)],
    ];

    private readonly (Conv2d Conv, BatchNorm2d Norm)[] blocks;
    private readonly Conv2d[] heads; // fine to coarse, on blocks 3, 4, 5

    public TinyDetector(long seed, int width = 16)
    {
        using var generator = new Generator(seed);
        long[] channels = [3, width, 2 * width, 2 * width, 4 * width, 4 * width, 4 * width];
        blocks = new (Conv2d, BatchNorm2d)[6];
        for (var i = 0; i < 6; i++)
        {
            var conv = RegisterModule($"conv{i}", new Conv2d(channels[i], channels[i + 1], 3, i == 0 ? 1 : 2, 1, bias: false, generator));
            var norm = RegisterModule($"norm{i}", new BatchNorm2d(channels[i + 1]));
            blocks[i] = (conv, norm);
        }
        heads = new Conv2d[3];
        for (var h = 0; h < 3; h++)
            heads[h] = RegisterModule($"head{h}", new Conv2d(4 * width, 3 * (5 + CommonClasses.Count), 1, 1, 0, bias: true, generator));
        Heads = Enumerable.Range(0, 3).Reverse()
            .Select(h => new YoloHeadSpec(6 + (2 - h), AnchorsFineToCoarse[h], CommonClasses.Count, 0.7)).ToList();
    }

    public Module Module => this;

    public IReadOnlyList<YoloHeadSpec> Heads { get; }

    public int LayerCount => 9;

    /// <summary>The convolution blocks 0–<paramref name="last"/>, for freezing a "backbone".</summary>
    public IEnumerable<Module> Blocks(int last) => blocks.Take(last + 1).SelectMany(b => new Module[] { b.Conv, b.Norm });

    public DetectorOutput Forward(Tensor images)
    {
        var outputs = new Tensor[3];
        var x = images;
        for (var i = 0; i < 6; i++)
        {
            x = F.leaky_relu(blocks[i].Norm.forward(blocks[i].Conv.forward(x)), 0.1);
            if (i >= 3) outputs[2 - (i - 3)] = heads[i - 3].forward(x);
        }
        return DetectorOutput.Of(outputs, Heads, (int)images.shape[3], (int)images.shape[2], decodable: !training);
    }

    public void ForwardLayers(Tensor images, Action<int, Tensor> onLayer, IReadOnlySet<int>? wanted = null)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var x = images;
        var blockOutputs = new Tensor[6];
        for (var i = 0; i < 6; i++)
        {
            x = F.leaky_relu(blocks[i].Norm.forward(blocks[i].Conv.forward(x)), 0.1);
            blockOutputs[i] = x;
            if (wanted is null || wanted.Contains(i)) onLayer(i, x);
        }
        for (var h = 0; h < 3; h++)
            if (wanted is null || wanted.Contains(6 + h)) onLayer(6 + h, heads[2 - h].forward(blockOutputs[5 - h]));
    }
}

/// <summary>Images of flat-coloured rectangles on a noisy background, one colour per class, with exact boxes.</summary>
internal static class RectangleScenes
{
    public const int Size = 64;

    private static readonly float[][] Colours = [[0.9f, 0.1f, 0.1f], [0.1f, 0.9f, 0.1f], [0.1f, 0.2f, 0.9f], [0.9f, 0.9f, 0.1f], [0.9f, 0.1f, 0.9f]];

    /// <summary><paramref name="count"/> images of 1–3 non-overlapping rectangles, sizes 10–36 pixels.</summary>
    public static List<(float[] Pixels, BoundingBox[] Boxes)> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var scenes = new List<(float[], BoundingBox[])>();
        for (var s = 0; s < count; s++)
        {
            var pixels = new float[3 * Size * Size];
            for (var i = 0; i < pixels.Length; i++) pixels[i] = 0.35f + 0.1f * random.NextSingle();
            var boxes = new List<BoundingBox>();
            var wanted = 1 + random.Next(3);
            for (var attempt = 0; boxes.Count < wanted && attempt < 100; attempt++)
            {
                var (w, h) = (10 + random.Next(27), 10 + random.Next(27));
                var (x, y) = (random.Next(Size - w + 1), random.Next(Size - h + 1));
                var box = new BoundingBox((CommonClass)random.Next(CommonClasses.Count), x, y, x + w, y + h);
                if (boxes.Any(b => b.X1 < box.X2 + 2 && box.X1 < b.X2 + 2 && b.Y1 < box.Y2 + 2 && box.Y1 < b.Y2 + 2)) continue;
                boxes.Add(box);
                var colour = Colours[(int)box.Class];
                for (var c = 0; c < 3; c++)
                    for (var yy = y; yy < y + h; yy++)
                        for (var xx = x; xx < x + w; xx++)
                            pixels[(c * Size + yy) * Size + xx] = colour[c];
            }
            scenes.Add((pixels, boxes.ToArray()));
        }
        return scenes;
    }

    /// <summary>A batch of the scenes at the given indices (images on the CPU, owned by the batch).</summary>
    public static Repro.Training.Batch Batch(IReadOnlyList<(float[] Pixels, BoundingBox[] Boxes)> scenes, IReadOnlyList<int> indices)
    {
        var data = indices.SelectMany(i => scenes[i].Pixels).ToArray();
        var images = torch.tensor(data, indices.Count, 3, Size, Size).DetachFromDisposeScope();
        return new Repro.Training.Batch(images, indices.Select(i => (IReadOnlyList<BoundingBox>)scenes[i].Boxes).ToList());
    }
}
