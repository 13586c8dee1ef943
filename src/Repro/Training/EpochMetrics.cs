using System.Globalization;
using Repro.Reporting.Tables;

namespace Repro.Training;

/// <summary>
/// One epoch of training: mean loss components per image on the training and validation sets, and the learning
/// rate. Only what the run computes, so the same run writes the same bytes; how long it took is an
/// <see cref="EpochTiming"/>, kept apart.
/// </summary>
public sealed record EpochMetrics(int Epoch, double TrainBox, double TrainObjectness, double TrainClass, double TrainTotal,
    double ValidationBox, double ValidationObjectness, double ValidationClass, double ValidationTotal, double LearningRate)
{
    internal static readonly string[] Columns =
    [
        "epoch", "train_box", "train_objectness", "train_class", "train_total",
        "val_box", "val_objectness", "val_class", "val_total", "learning_rate",
    ];

    /// <summary>The values in <see cref="Columns"/> order (how checkpoints store the history).</summary>
    internal double[] ToArray() =>
    [
        Epoch, TrainBox, TrainObjectness, TrainClass, TrainTotal, ValidationBox, ValidationObjectness, ValidationClass,
        ValidationTotal, LearningRate,
    ];

    internal static EpochMetrics FromArray(ReadOnlySpan<double> v) =>
        new((int)v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
}

/// <summary>The per-epoch metrics CSV (columns as <see cref="EpochMetrics.Columns"/>), rewritten atomically each epoch.</summary>
public static class MetricsCsv
{
    public static void Write(string path, IEnumerable<EpochMetrics> history) =>
        CsvTable.Write(path, EpochMetrics.Columns, history.Select(m => (IReadOnlyList<string>)m.ToArray()
            .Select((v, i) => i == 0 ? ((int)v).ToString(CultureInfo.InvariantCulture) : v.ToString("R", CultureInfo.InvariantCulture)).ToList()));
}
