namespace Repro.Torch.Optim;

/// <summary>
/// Adam with PyTorch's semantics (torch.optim.Adam, amsgrad off): with g = ∇ + λ·θ (L2 weight decay),
///   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
///   θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly Tensor?[] m, v;

    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0) : base(parameters, lr)
    {
        (Beta1, Beta2, Eps, WeightDecay) = (beta1, beta2, eps, weightDecay);
        m = new Tensor?[Parameters.Count];
        v = new Tensor?[Parameters.Count];
    }

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public double WeightDecay { get; }

    /// <summary>Steps taken (t). PyTorch counts per parameter; every parameter here steps together.</summary>
    public long StepCount { get; private set; }

    protected override void BeginStep() => StepCount++;

    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        var g = WeightDecay != 0 ? grad + parameter * WeightDecay : grad;
        var mi = StateLike(ref m[index], parameter);
        var vi = StateLike(ref v[index], parameter);
        mi.mul_(Beta1).add_(g, 1 - Beta1);
        vi.mul_(Beta2).addcmul_(g, g, 1 - Beta2);
        var biasCorrection1 = 1 - Math.Pow(Beta1, StepCount);
        var biasCorrection2 = 1 - Math.Pow(Beta2, StepCount);
        var denominator = vi.sqrt().mul_(1 / Math.Sqrt(biasCorrection2)).add_(Eps);
        parameter.addcdiv_(mi, denominator, -LearningRate / biasCorrection1);
    }

    public override Dictionary<string, Tensor> state_dict()
    {
        var state = new Dictionary<string, Tensor> { ["step"] = torch.tensor(new[] { StepCount }) };
        for (var i = 0; i < Parameters.Count; i++)
        {
            if (m[i] is { } mi) state[$"exp_avg.{i}"] = mi.clone();
            if (v[i] is { } vi) state[$"exp_avg_sq.{i}"] = vi.clone();
        }
        return state;
    }

    public override void load_state_dict(IReadOnlyDictionary<string, Tensor> state)
    {
        StepCount = Required(state, "step").ToArray<long>()[0];
        for (var i = 0; i < Parameters.Count; i++)
        {
            m[i]?.Dispose();
            v[i]?.Dispose();
            m[i] = state.TryGetValue($"exp_avg.{i}", out var mi) ? mi.to(Parameters[i].device).clone().DetachFromDisposeScope() : null;
            v[i] = state.TryGetValue($"exp_avg_sq.{i}", out var vi) ? vi.to(Parameters[i].device).clone().DetachFromDisposeScope() : null;
        }
    }

    public override void Dispose()
    {
        foreach (var t in m) t?.Dispose();
        foreach (var t in v) t?.Dispose();
    }
}
