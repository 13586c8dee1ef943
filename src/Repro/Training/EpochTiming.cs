using System.Globalization;
using Repro.Reporting.Tables;

namespace Repro.Training;

/// <summary>
/// How long one epoch took on this machine: training throughput and wall time (training plus validation). A
/// measurement of the machine, not a result of the run, so it lives in its own file, which a task's content hash
/// leaves out: a rerun that writes the same weights and losses makes nothing downstream stale.
/// </summary>
public sealed record EpochTiming(int Epoch, double ImagesPerSecond, double Seconds);

/// <summary>The per-epoch timings CSV (epoch, images_per_second, seconds), rewritten atomically each epoch.</summary>
public static class TimingsCsv
{
    public const string FileName = "timings.csv";

    private static readonly string[] Columns = ["epoch", "images_per_second", "seconds"];

    public static void Write(string path, IEnumerable<EpochTiming> timings) =>
        CsvTable.Write(path, Columns, timings.Select(t => (IReadOnlyList<string>)
        [
            t.Epoch.ToString(CultureInfo.InvariantCulture),
            t.ImagesPerSecond.ToString("F1", CultureInfo.InvariantCulture),
            t.Seconds.ToString("F1", CultureInfo.InvariantCulture),
        ]));

    /// <summary>
    /// The timings of epochs 1..<paramref name="completedEpochs"/> that an interrupted run wrote, for a resumed run to
    /// continue; none when the file is missing or not a timings table (timings are bookkeeping, never a reason to fail).
    /// </summary>
    public static List<EpochTiming> ReadUpTo(string path, int completedEpochs)
    {
        if (!File.Exists(path)) return [];
        try
        {
            using var rows = CsvTable.Open(path, Columns);
            var timings = new List<EpochTiming>();
            while (rows.Read())
                if ((int)rows.Number("epoch") is var epoch && epoch <= completedEpochs)
                    timings.Add(new EpochTiming(epoch, rows.Number("images_per_second"), rows.Number("seconds")));
            return timings;
        }
        catch (InvalidDataException)
        {
            return [];
        }
    }
}
