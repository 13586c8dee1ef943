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
    public void step()
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        BeginStep();
        for (var i = 0; i < Parameters.Count; i++)
        {
            using var grad = Parameters[i].grad;
            if (grad is not null) Update(i, Parameters[i], grad);
        }
    }

    public void zero_grad()
    {
        foreach (var p in Parameters) p.clear_grad();
    }

    protected virtual void BeginStep() { }

    /// <summary>Updates parameter <paramref name="index"/> in place from its gradient.</summary>
    protected abstract void Update(int index, Tensor parameter, Tensor grad);

    /// <summary>The optimizer's state as named tensors (copies), for checkpoints.</summary>
    public abstract Dictionary<string, Tensor> state_dict();

    /// <summary>Restores what <see cref="state_dict"/> saved.</summary>
    public abstract void load_state_dict(IReadOnlyDictionary<string, Tensor> state);

    /// <summary>A state tensor lazily created as zeros shaped like its parameter, owned by the optimizer.</summary>
    protected static Tensor StateLike(ref Tensor? slot, Tensor parameter) =>
        slot ??= torch.zeros_like(parameter).DetachFromDisposeScope();

    protected static Tensor Required(IReadOnlyDictionary<string, Tensor> state, string name) =>
        state.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"optimizer state has no '{name}'");

    public abstract void Dispose();
}
