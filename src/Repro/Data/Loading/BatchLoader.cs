using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Repro.Data.Reading;
using Repro.Torch;

namespace Repro.Data.Loading;

public sealed record BatchLoaderOptions
{
    /// <summary>Model input size (square): 416 for training, 32/64/128 for the layer analysis.</summary>
    public int ImageSize { get; init; } = 416;

    public int BatchSize { get; init; } = 8;

    public bool Shuffle { get; init; } = true;

    public long Seed { get; init; }

    /// <summary>Leave out the last, smaller batch of an epoch.</summary>
    public bool DropLast { get; init; }

    /// <summary>Images decoded at the same time.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Batches prepared ahead of the consumer (the bound of the producer/consumer queue).</summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>Training-time jitter of placement, mirror and colour (null: the plain letterbox, as for evaluation).</summary>
    public Augmentation? Augment { get; init; }
}

/// <summary>
/// One batch: images as float32 N × 3 × S × S in [0, 1] (owned: dispose it) and per image its boxes in model
/// pixels, the letterbox transform (to map detections back) and the source.
/// </summary>
public sealed class Batch : IDisposable
{
    internal Batch(Tensor images, IReadOnlyList<LabeledImage> sources, IReadOnlyList<LetterboxTransform> transforms, bool augmented = false)
    {
        Images = images;
        Sources = sources;
        Transforms = transforms;
        // An augmented placement may crop: boxes are clipped to the input, and those mostly cut away are dropped.
        Boxes = sources.Select((s, i) => (IReadOnlyList<BoundingBox>)(augmented
            ? s.Boxes.Select(b => transforms[i].ForwardClipped(b)).OfType<BoundingBox>().ToList()
            : s.Boxes.Select(transforms[i].Forward).ToList())).ToList();
    }

    public Tensor Images { get; }

    public IReadOnlyList<LabeledImage> Sources { get; }

    public IReadOnlyList<LetterboxTransform> Transforms { get; }

    public IReadOnlyList<IReadOnlyList<BoundingBox>> Boxes { get; }

    public int Count => Sources.Count;

    /// <summary>All boxes as an M × 6 float32 tensor: image index in the batch, class, x1, y1, x2, y2 (model pixels).</summary>
    public Tensor Targets()
    {
        var rows = new List<float>();
        for (var i = 0; i < Boxes.Count; i++)
            foreach (var b in Boxes[i])
                rows.AddRange([i, (float)(int)b.Class, b.X1, b.Y1, b.X2, b.Y2]);
        return torch.tensor(rows.ToArray(), rows.Count / 6, 6);
    }

    public void Dispose() => Images.Dispose();
}

/// <summary>
/// Batches of letterboxed images in a seeded order. Decoding runs on worker threads ahead of the consumer through
/// a bounded channel, so training overlaps with JPEG/PNG decoding. The order of epoch e is a function of
/// (seed, e) only, so a resumed run sees exactly the batches an uninterrupted one would have.
/// </summary>
public sealed class BatchLoader
{
    private readonly IReadOnlyList<LabeledImage> images;

    public BatchLoader(IReadOnlyList<LabeledImage> images, BatchLoaderOptions? options = null)
    {
        this.images = images;
        Options = options ?? new BatchLoaderOptions();
        if (Options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), Options.BatchSize, "batch size must be positive");
        if (Options.Prefetch <= 0) throw new ArgumentOutOfRangeException(nameof(options), Options.Prefetch, "prefetch must be positive");
    }

    public BatchLoaderOptions Options { get; }

    public int BatchesPerEpoch => Options.DropLast ? images.Count / Options.BatchSize : (images.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The image order of one epoch: the identity without shuffling, else a permutation seeded by (seed, epoch).</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, images.Count).ToArray();
        if (Options.Shuffle) new DeterministicRandom(Options.Seed, epoch, purpose: 0x10AD).Shuffle(order);
        return order;
    }

    /// <summary>
    /// The batches of one epoch. Tensors are created on the consumer's thread (inside its dispose scope, if any).
    /// A decode error stops the epoch with the error naming the image file.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, CancellationToken cancellation = default)
    {
        var order = Order(epoch);
        var size = Options.ImageSize;
        var channel = Channel.CreateBounded<Prepared>(new BoundedChannelOptions(Options.Prefetch) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        ExceptionDispatchInfo? failure = null;
        var producer = Task.Run(async () =>
        {
            try
            {
                for (var b = 0; b < BatchesPerEpoch; b++)
                {
                    var indices = order.Skip(b * Options.BatchSize).Take(Options.BatchSize).ToArray();
                    var pixels = new float[indices.Length * 3 * size * size];
                    var transforms = new LetterboxTransform[indices.Length];
                    Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Options.Workers, CancellationToken = stop.Token }, i =>
                    {
                        WorkerThreads.UseOneIntraOpThread();
                        var image = images[indices[i]];
                        using var rgb = Image.Read(image.ImagePath);
                        if (rgb.size(1) != image.Width || rgb.size(0) != image.Height)
                            throw new InvalidDataException($"{image.ImagePath}: decoded size {rgb.size(1)}x{rgb.size(0)} differs from the indexed {image.Width}x{image.Height}");
                        var chw = pixels.AsSpan(i * 3 * size * size, 3 * size * size);
                        if (Options.Augment is { } augment)
                        {
                            transforms[i] = Letterbox.Apply(rgb, augment.Placement(image.Width, image.Height, size, Options.Seed, epoch, indices[i]), chw);
                            augment.Recolour(chw, Options.Seed, epoch, indices[i]);
                        }
                        else
                            transforms[i] = Letterbox.Apply(rgb, size, chw);
                    });
                    await channel.Writer.WriteAsync(new Prepared(pixels, indices, transforms), stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
            {
                failure = ExceptionDispatchInfo.Capture(e.InnerExceptions[0]);
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, CancellationToken.None);
        try
        {
            while (true)
            {
                if (!channel.Reader.TryRead(out var prepared))
                {
                    if (!channel.Reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult()) break;
                    continue;
                }
                var n = prepared.Indices.Length;
                var tensor = torch.tensor(prepared.Pixels, n, 3, size, size);
                yield return new Batch(tensor, prepared.Indices.Select(i => images[i]).ToList(), prepared.Transforms, Options.Augment is not null);
            }
            failure?.Throw();
        }
        finally
        {
            // The consumer may stop early (break, exception): end the producer before leaving.
            stop.Cancel();
            try { producer.GetAwaiter().GetResult(); }
            catch (OperationCanceledException) { }
        }
    }

    private sealed record Prepared(float[] Pixels, int[] Indices, LetterboxTransform[] Transforms);
}
