namespace Repro.Torch.Optim;

/// <summary>
/// The base of the optimizers: a fixed list of parameters, a learning rate, and per-parameter state that can be
/// saved and restored (so an interrupted training run resumes with the same moments).
/// </summary>
public abstract class Optimizer : IDisposable
{
    protected Optimizer(IEnumerable<Tensor> parameters, double lr)
    {
        Parameters = parameters.ToList();
        if (Parameters.Count == 0) throw new ArgumentException("the optimizer was given no parameters");
        if (lr <= 0 || !double.IsFinite(lr)) throw new ArgumentOutOfRangeException(nameof(lr), lr, "learning rate must be positive");
        LearningRate = lr;
    }

    public IReadOnlyList<Tensor> Parameters { get; }

    public double LearningRate { get; set; }

    /// <summary>Applies one update from the gradients accumulated on the parameters; ones without are skipped.</summary>
    public abstract void step();

    public void zero_grad()
    {
        foreach (var p in Parameters) p.clear_grad();
    }

    /// <summary>The optimizer's state as named tensors (copies), for checkpoints.</summary>
    public abstract Dictionary<string, Tensor> state_dict();

    /// <summary>Restores what <see cref="state_dict"/> saved.</summary>
    public abstract void load_state_dict(IReadOnlyDictionary<string, Tensor> state);

    protected static Tensor Required(IReadOnlyDictionary<string, Tensor> state, string name) =>
        state.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"optimizer state has no '{name}'");

    public abstract void Dispose();
}
