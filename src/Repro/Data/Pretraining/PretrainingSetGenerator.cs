using System.Globalization;
using System.Text;
using Repro.Data.Generation;
using Repro.Torch;
using Repro.Torch.IO;

namespace Repro.Data.Pretraining;

public sealed record PretrainingSetOptions
{
    public int PerClass { get; init; } = 100;
    public long Seed { get; init; }

    /// <summary>Side of the square images, in pixels.</summary>
    public int Size { get; init; } = 64;

    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>The camera realism (<see cref="Generation.Realism.Level"/>) of each crop's scene, drawn uniformly per
    /// crop from [Low, High]. The default is the real domain's camera for every crop.</summary>
    public (double Low, double High) Realism { get; init; } = RealDomain;

    public static readonly (double Low, double High) RealDomain = (1, 1);

    /// <summary>Whether <paramref name="range"/> is a realism range: 0 ≤ low ≤ high ≤ 1.</summary>
    public static bool IsRealismRange((double Low, double High) range) => range.Low >= 0 && range.Low <= range.High && range.High <= 1;
}

/// <summary>
/// The stand-in for ImageNet: square classification images in the real domain, object crops (vehicles, people,
/// cycles, signs, trees) and scene patches (building, road, sky, sidewalk), written as <c>CLASS/CLASS_NNNNN.jpg</c>
/// plus <c>index.csv</c> (path,label). Crops come from full rendered scenes, camera effects included, so the
/// backbone learns the same kind of image statistics the real domain shows.
/// </summary>
public static class PretrainingSetGenerator
{
    private enum Source { Object, Surface }

    private sealed record ClassSpec(string Name, Source Source, ObjectKind Kind = default, Surface Surface = default);

    private static readonly ClassSpec[] Specs =
    [
        new("car", Source.Object, ObjectKind.Car),
        new("van", Source.Object, ObjectKind.Van),
        new("truck", Source.Object, ObjectKind.Truck),
        new("bus", Source.Object, ObjectKind.Bus),
        new("person", Source.Object, ObjectKind.Person),
        new("bicycle", Source.Object, ObjectKind.Bicycle),
        new("motorcycle", Source.Object, ObjectKind.Motorcycle),
        new("traffic_sign", Source.Object, ObjectKind.TrafficSign),
        new("tree", Source.Object, ObjectKind.Tree),
        new("building", Source.Surface, Surface: Surface.Building),
        new("road", Source.Surface, Surface: Surface.Road),
        new("sky", Source.Surface, Surface: Surface.Sky),
        new("sidewalk", Source.Surface, Surface: Surface.Sidewalk),
    ];

    public static IReadOnlyList<string> Classes { get; } = Specs.Select(s => s.Name).ToList();

    public const string IndexName = "index.csv";

    private const int SceneWidth = 256;
    private const int SceneHeight = 144;
    private const int MaxAttempts = 200;

    /// <summary>Writes the set; returns the number of images. Same options, same bytes.</summary>
    public static int Generate(PretrainingSetOptions options, string outDirectory)
    {
        if (options.PerClass <= 0 || options.Size < 8) throw new ArgumentOutOfRangeException(nameof(options), "need at least one image per class and a size of 8 px or more");
        if (!PretrainingSetOptions.IsRealismRange(options.Realism))
            throw new ArgumentOutOfRangeException(nameof(options), options.Realism, "the realism range must be [low, high] with 0 ≤ low ≤ high ≤ 1");
        var total = Specs.Length * options.PerClass;
        var rows = new string[total];
        Parallel.For(0, total, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Workers) }, n =>
        {
            WorkerThreads.UseOneIntraOpThread();
            var spec = Specs[n / options.PerClass];
            var i = n % options.PerClass;
            var crop = RenderCrop(spec, options.Seed, n, options.Size, options.Realism);
            var relative = $"{spec.Name}/{spec.Name}_{i:D5}.jpg";
            using (var square = torch.tensor(crop, options.Size, options.Size, 3))
                Image.Write(Path.Combine(outDirectory, relative), square, 90);
            rows[n] = $"{relative},{spec.Name}";
        });
        var index = new StringBuilder("path,label\n");
        foreach (var row in rows) index.Append(row).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDirectory, IndexName), index.ToString());
        return total;
    }

    private static byte[] RenderCrop(ClassSpec spec, long seed, int item, int size, (double Low, double High) realismRange)
    {
        // A single level draws nothing, so the sets written before the range existed keep their bytes.
        var level = realismRange.Low == realismRange.High
            ? realismRange.Low
            : new DeterministicRandom(seed, item, 0x3EA).Uniform(realismRange.Low, realismRange.High);
        var realism = Realism.For(Domain.Real) with { Level = level };
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var sceneIndex = (long)item * MaxAttempts + attempt;
            var focus = spec.Source == Source.Object && spec.Kind is not (ObjectKind.TrafficSign or ObjectKind.Tree) ? spec.Kind : (ObjectKind?)null;
            var scene = StreetScene.Render(Domain.Real, realism, seed ^ 0x9E7, sceneIndex, SceneWidth, SceneHeight, focus);
            var window = spec.Source == Source.Object ? ObjectWindow(scene, spec.Kind) : SurfaceWindow(scene, spec.Surface, new DeterministicRandom(seed, sceneIndex, 0xC80));
            if (window is { } w) return Crop(scene, w.X, w.Y, w.Side, size);
        }
        throw new InvalidOperationException($"no usable '{spec.Name}' crop in {MaxAttempts} rendered scenes (item {item})");
    }

    // The most visible instance of the kind, in a square window with a margin around it.
    private static (int X, int Y, int Side)? ObjectWindow(RenderedScene scene, ObjectKind kind)
    {
        var best = scene.Objects.Where(o => o.Kind == kind && scene.Visible.ContainsKey(o.Instance))
            .Select(o => scene.Visible[o.Instance]).OrderByDescending(e => e.Pixels).FirstOrDefault();
        if (best.Pixels < 60 || best.X2 - best.X1 < 6 || best.Y2 - best.Y1 < 6) return null;
        var side = Math.Min((int)(Math.Max(best.X2 - best.X1, best.Y2 - best.Y1) * 1.3) + 2, Math.Min(scene.Width, scene.Height));
        var cx = (best.X1 + best.X2) / 2;
        var cy = (best.Y1 + best.Y2) / 2;
        return (Math.Clamp(cx - side / 2, 0, scene.Width - side), Math.Clamp(cy - side / 2, 0, scene.Height - side), side);
    }

    // A random window in which the surface covers at least 70 % of the pixels. Narrow surfaces (a sidewalk seen
    // from the road) rarely fill a large window, so the windows start small and the tries are many: with fewer, one
    // pre-training set in a few thousand items found no sidewalk window in all its scenes.
    private static (int X, int Y, int Side)? SurfaceWindow(RenderedScene scene, Surface surface, DeterministicRandom rng)
    {
        var kinds = scene.Canvas.Surface;
        for (var t = 0; t < 60; t++)
        {
            var side = rng.NextInt(16, 64);
            var x = rng.NextInt(scene.Width - side + 1);
            var y = rng.NextInt(scene.Height - side + 1);
            var hits = 0;
            for (var yy = y; yy < y + side; yy++)
                for (var xx = x; xx < x + side; xx++)
                    if (kinds[yy * scene.Width + xx] == surface) hits++;
            if (hits >= 0.7 * side * side) return (x, y, side);
        }
        return null;
    }

    private static byte[] Crop(RenderedScene scene, int x0, int y0, int side, int size)
    {
        var crop = new byte[side * side * 3];
        for (var y = 0; y < side; y++)
            Array.Copy(scene.Rgb, ((y0 + y) * scene.Width + x0) * 3, crop, y * side * 3, side * 3);
        if (side == size) return crop;
        using var source = torch.tensor(crop, side, side, 3);
        using var resized = Image.Resize(source, size, size, side > size ? Interpolation.Area : Interpolation.Bilinear);
        return resized.ToArray<byte>();
    }
}
