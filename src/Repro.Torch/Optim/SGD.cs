namespace Repro.Torch.Optim;

/// <summary>
/// Stochastic gradient descent with PyTorch's semantics (torch.optim.SGD, no dampening, no Nesterov): with
/// g = ∇ + λ·θ, the momentum buffer starts as g and then b ← μb + g; θ ← θ − lr·b (θ ← θ − lr·g when μ = 0).
/// </summary>
public sealed class SGD : Optimizer
{
    private readonly Tensor?[] buffers;

    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double weightDecay = 0) : base(parameters, lr)
    {
        (Momentum, WeightDecay) = (momentum, weightDecay);
        buffers = new Tensor?[Parameters.Count];
    }

    public double Momentum { get; }
    public double WeightDecay { get; }

    public override void step()
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        for (var i = 0; i < Parameters.Count; i++)
        {
            using var grad = Parameters[i].grad;
            if (grad is not null) Update(i, Parameters[i], grad);
        }
    }

    private void Update(int index, Tensor parameter, Tensor grad)
    {
        var g = WeightDecay != 0 ? grad + parameter * WeightDecay : grad;
        if (Momentum != 0)
        {
            if (buffers[index] is { } b) b.mul_(Momentum).add_(g);
            else buffers[index] = g.clone().DetachFromDisposeScope();
            g = buffers[index]!;
        }
        parameter.add_(g, -LearningRate);
    }

    public override Dictionary<string, Tensor> state_dict()
    {
        var state = new Dictionary<string, Tensor>();
        for (var i = 0; i < buffers.Length; i++)
            if (buffers[i] is { } b) state[$"momentum_buffer.{i}"] = b.clone();
        return state;
    }

    public override void load_state_dict(IReadOnlyDictionary<string, Tensor> state)
    {
        for (var i = 0; i < buffers.Length; i++)
        {
            buffers[i]?.Dispose();
            buffers[i] = state.TryGetValue($"momentum_buffer.{i}", out var b) ? b.to(Parameters[i].device).clone().DetachFromDisposeScope() : null;
        }
    }

    public override void Dispose()
    {
        foreach (var b in buffers) b?.Dispose();
    }
}
