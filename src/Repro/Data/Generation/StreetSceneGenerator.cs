using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Repro.Data.Reading;
using Repro.Torch;
using Repro.Torch.IO;

namespace Repro.Data.Generation;

public sealed record GeneratorOptions
{
    public Domain Domain { get; init; } = Domain.Real;
    public int Count { get; init; } = 100;
    public long Seed { get; init; }
    public int Width { get; init; } = 320;
    public int Height { get; init; } = 180;

    /// <summary>Null: the domain's default (photographic for real, clean for synthetic).</summary>
    public Realism? Realism { get; init; }

    /// <summary>Null: the domain's default (<see cref="DepthRange.For"/>).</summary>
    public DepthRange? Depths { get; init; }

    public BddVocabulary BddVocabulary { get; init; } = BddVocabulary.Bdd2020;

    /// <summary>Synthetic frames per sequence folder (VIPER groups frames in sequences).</summary>
    public int FramesPerSequence { get; init; } = 50;

    public int Workers { get; init; } = Environment.ProcessorCount;

    internal Realism EffectiveRealism => Realism ?? Realism.For(Domain);
}

public sealed record GenerationSummary(int Images, int LabelledBoxes, TimeSpan Elapsed)
{
    public double ImagesPerSecond => Images / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>
/// Writes a generated street-scene dataset: the real domain as BDD100K (<c>images/*.jpg</c> + <c>labels.json</c>),
/// the synthetic domain as VIPER (<c>img/SEQ/*.png</c> + <c>bb/SEQ/*.csv</c>, hood and tiny boxes included), and a
/// <c>dataset.json</c> manifest. Every image depends only on (seed, index): same options, same bytes, whatever
/// the number of workers.
/// </summary>
public static class StreetSceneGenerator
{
    /// <summary>VIPER frames are 1920 wide: the width its 100 px² area filter is meant at.</summary>
    public const int ViperWidth = 1920;

    public static GenerationSummary Generate(GeneratorOptions options, string outDirectory, Action<int>? imageDone = null)
    {
        if (options.Count < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Count, "count must not be negative");
        if (options.Width < 16 || options.Height < 16) throw new ArgumentOutOfRangeException(nameof(options), $"{options.Width}x{options.Height}", "images must be at least 16x16");
        var realism = options.EffectiveRealism;
        realism.Validate();
        options.Depths?.Validate();
        Directory.CreateDirectory(outDirectory);
        var clock = Stopwatch.StartNew();
        var frames = new string?[options.Count];
        var boxes = new int[options.Count];
        var done = 0;
        Parallel.For(0, options.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Workers) }, i =>
        {
            WorkerThreads.UseOneIntraOpThread();
            var scene = StreetScene.Render(options.Domain, realism, options.Seed, i, options.Width, options.Height, depths: options.Depths);
            if (options.Domain == Domain.Real)
                (frames[i], boxes[i]) = WriteBddImage(scene, options, outDirectory, i);
            else
                boxes[i] = WriteViperFrame(scene, options, outDirectory, i);
            imageDone?.Invoke(Interlocked.Increment(ref done));
        });
        if (options.Domain == Domain.Real)
        {
            AtomicFile.WriteAllText(Path.Combine(outDirectory, "labels.json"), "[\n" + string.Join(",\n", frames) + "\n]\n");
            new DatasetSource(DatasetFormat.Bdd100k, outDirectory, Path.Combine(outDirectory, "labels.json"), Path.Combine(outDirectory, "images")).WriteManifest();
        }
        else
            new DatasetSource(DatasetFormat.Viper, outDirectory) { AreaReferenceWidth = ViperWidth }.WriteManifest();
        return new GenerationSummary(options.Count, boxes.Sum(), clock.Elapsed);
    }

    internal static string ImageName(long seed, int index) => $"r{seed}-{index:D6}.jpg";

    internal static string ViperFrameId(int index, int framesPerSequence) =>
        $"{index / framesPerSequence:D3}/{index / framesPerSequence:D3}_{index % framesPerSequence:D5}";

    internal static Tensor ToTensor(RenderedScene scene) => torch.tensor(scene.Rgb, scene.Height, scene.Width, 3);

    private static (string Json, int Boxes) WriteBddImage(RenderedScene scene, GeneratorOptions options, string outDirectory, int index)
    {
        var name = ImageName(options.Seed, index);
        using (var image = ToTensor(scene))
            Image.Write(Path.Combine(outDirectory, "images", name), image, scene.JpegQuality);
        using var buffer = new MemoryStream();
        var count = 0;
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteStartObject("attributes");
            json.WriteString("weather", scene.Rain ? "rainy" : "clear");
            json.WriteString("scene", "city street");
            json.WriteString("timeofday", scene.Night ? "night" : "daytime");
            json.WriteEndObject();
            json.WriteNumber("timestamp", 10000);
            json.WriteStartArray("labels");
            foreach (var o in scene.Objects)
            {
                var category = o.Kind.BddCategory(options.BddVocabulary);
                if (category is null || !scene.Visible.TryGetValue(o.Instance, out var e)) continue;
                json.WriteStartObject();
                json.WriteString("id", o.Instance.ToString(CultureInfo.InvariantCulture));
                json.WriteString("category", category);
                json.WriteStartObject("attributes");
                json.WriteBoolean("truncated", e.X1 == 0 || e.Y1 == 0 || e.X2 == scene.Width || e.Y2 == scene.Height);
                json.WriteEndObject();
                json.WriteStartObject("box2d");
                json.WriteNumber("x1", e.X1);
                json.WriteNumber("y1", e.Y1);
                json.WriteNumber("x2", e.X2);
                json.WriteNumber("y2", e.Y2);
                json.WriteEndObject();
                json.WriteEndObject();
                count++;
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return (Encoding.UTF8.GetString(buffer.ToArray()), count);
    }

    private static int WriteViperFrame(RenderedScene scene, GeneratorOptions options, string outDirectory, int index)
    {
        var id = ViperFrameId(index, Math.Max(1, options.FramesPerSequence));
        using (var image = ToTensor(scene))
            Image.Write(Path.Combine(outDirectory, "img", id + ".png"), image);
        var csv = new StringBuilder();
        var count = 0;
        foreach (var o in scene.Objects)
        {
            if (o.Kind.ViperClassId() is not { } classId || !scene.Visible.TryGetValue(o.Instance, out var e)) continue;
            csv.Append(CultureInfo.InvariantCulture, $"{classId},{o.Instance},{e.X1},{e.Y1},{e.X2},{e.Y2}\n");
            count++;
        }
        AtomicFile.WriteAllText(Path.Combine(outDirectory, "bb", id + ".csv"), csv.ToString());
        return count;
    }
}
