using Repro.Torch;
using Repro.Torch.IO;
using Repro.Torch.NN;
using Repro.Torch.Optim;

namespace Repro.Training;

/// <summary>Where a training run stands between epochs, besides weights and optimizer moments.</summary>
/// <param name="CompletedEpochs">Epochs finished (the next one to run is this + 1).</param>
/// <param name="Seed">The run's seed: data order and any augmentation of epoch e derive from (seed, e), so the seed and
/// the epoch number are the whole random state a resumed run needs.</param>
public sealed record TrainingState(int CompletedEpochs, long Seed, int BestEpoch, double BestValidationLoss,
    int EpochsWithoutImprovement, IReadOnlyList<EpochMetrics> History);

/// <summary>
/// A resumable snapshot of a training run in one <see cref="TensorFile"/>, written atomically: the module's
/// parameters and buffers (<c>model.*</c>), the optimizer's state (<c>optimizer.*</c>), and the trainer's state
/// (<c>trainer.*</c>: epoch, seed, early-stopping state, metrics history as an epochs × columns float64 table).
/// </summary>
public static class Checkpoint
{
    private const string Model = "model.";
    private const string Optimizer = "optimizer.";

    public static void Save(string path, Module model, Optimizer optimizer, TrainingState state)
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        tensors.AddRange(model.state_dict().Select(p => KeyValuePair.Create(Model + p.Key, p.Value)));
        tensors.AddRange(optimizer.state_dict().Select(p => KeyValuePair.Create(Optimizer + p.Key, p.Value)));
        tensors.Add(new("trainer.completed_epochs", torch.tensor(new long[] { state.CompletedEpochs })));
        tensors.Add(new("trainer.seed", torch.tensor(new[] { state.Seed })));
        tensors.Add(new("trainer.best_epoch", torch.tensor(new long[] { state.BestEpoch })));
        tensors.Add(new("trainer.best_validation_loss", torch.tensor(new[] { state.BestValidationLoss })));
        tensors.Add(new("trainer.epochs_without_improvement", torch.tensor(new long[] { state.EpochsWithoutImprovement })));
        tensors.Add(new("trainer.parameter_count", torch.tensor(new long[] { optimizer.Parameters.Count })));
        var columns = EpochMetrics.Columns.Length;
        var history = state.History.SelectMany(m => m.ToArray()).ToArray();
        tensors.Add(new("trainer.history", torch.tensor(history, state.History.Count, columns)));
        TensorFile.Save(path, tensors);
    }

    /// <summary>Loads weights and optimizer state in place and returns the trainer's state.</summary>
    public static TrainingState Load(string path, Module model, Optimizer optimizer)
    {
        var tensors = TensorFile.Load(path);
        try
        {
            long Scalar(string name) => Required(tensors, path, name).ToArray<long>()[0];
            var parameterCount = Scalar("trainer.parameter_count");
            if (parameterCount != optimizer.Parameters.Count)
                throw new InvalidDataException($"{path}: the checkpoint's optimizer has {parameterCount} parameters, this run trains {optimizer.Parameters.Count} (is freezing set the same way?)");
            try
            {
                model.load_state_dict(Strip(tensors, Model));
                optimizer.load_state_dict(Strip(tensors, Optimizer));
            }
            catch (Exception e) when (e is KeyNotFoundException or ArgumentException)
            {
                throw new InvalidDataException($"{path}: the checkpoint does not fit this model: {e.Message}", e);
            }
            var table = Required(tensors, path, "trainer.history");
            var values = table.ToArray<double>();
            var columns = EpochMetrics.Columns.Length;
            if (table.shape.Length != 2 || table.shape[1] != columns) throw new InvalidDataException($"{path}: 'trainer.history' is not an epochs × {columns} table");
            var history = Enumerable.Range(0, (int)table.shape[0]).Select(i => EpochMetrics.FromArray(values.AsSpan(i * columns, columns))).ToList();
            return new TrainingState((int)Scalar("trainer.completed_epochs"), Scalar("trainer.seed"), (int)Scalar("trainer.best_epoch"),
                Required(tensors, path, "trainer.best_validation_loss").ToArray<double>()[0], (int)Scalar("trainer.epochs_without_improvement"), history);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Saves only the module's parameters and buffers (the best-validation weights).</summary>
    public static void SaveWeights(string path, Module model) => TensorFile.Save(path, model.state_dict());

    public static void LoadWeights(string path, Module model)
    {
        var tensors = TensorFile.Load(path);
        try
        {
            model.load_state_dict(tensors);
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: the weights do not fit this model: {e.Message}", e);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static Tensor Required(Dictionary<string, Tensor> tensors, string path, string name) =>
        tensors.TryGetValue(name, out var t) ? t : throw new InvalidDataException($"{path}: not a training checkpoint (no '{name}')");

    private static Dictionary<string, Tensor> Strip(Dictionary<string, Tensor> tensors, string prefix) =>
        tensors.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[prefix.Length..], p => p.Value);
}
