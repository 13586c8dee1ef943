using System.Diagnostics;
using Repro.Data.Generation;
using Repro.Data.Loading;
using Repro.Data.Reading;

namespace Repro.Benchmarks;


/// <summary>
/// Data throughput: generation images/s per domain, and decode + letterbox images/s through the batch loader
/// (what the trainer waits on). Runs in a temporary folder that it removes.
/// </summary>
public static class DataBenchmark
{
    public static IReadOnlyList<BenchmarkRow> Run(int images = 200, int width = 320, int height = 180, int modelSize = 416, int workers = 0)
    {
        workers = workers > 0 ? workers : Environment.ProcessorCount;
        var root = Path.Combine(Path.GetTempPath(), "repro-data-bench-" + Guid.NewGuid().ToString("N"));
        var rows = new List<BenchmarkRow>();
        try
        {
            foreach (var domain in new[] { Domain.Real, Domain.Synthetic })
            {
                var dir = Path.Combine(root, domain.ToString().ToLowerInvariant());
                var summary = StreetSceneGenerator.Generate(
                    new GeneratorOptions { Domain = domain, Count = images, Seed = 0, Width = width, Height = height, Workers = workers }, dir);
                rows.Add(new BenchmarkRow("data", $"generate {domain.ToString().ToLowerInvariant()} {width}x{height}, {workers} workers", summary.ImagesPerSecond, "images/s"));
                var read = DatasetSource.TryDetect(dir)!.Read();
                var loader = new BatchLoader(read.Images, new BatchLoaderOptions { ImageSize = modelSize, BatchSize = 8, Workers = workers, Seed = 0 });
                var clock = Stopwatch.StartNew();
                var count = 0;
                foreach (var batch in loader.Epoch(0))
                    using (batch) count += batch.Count;
                rows.Add(new BenchmarkRow("data", $"decode+letterbox {domain.ToString().ToLowerInvariant()} {width}x{height} -> {modelSize}, {workers} workers",
                    count / clock.Elapsed.TotalSeconds, "images/s"));
            }
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
        return rows;
    }
}
