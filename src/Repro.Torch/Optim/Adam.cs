using static Repro.Torch.Native.LibTorch;
using static Repro.Torch.Native.NativeCheck;

namespace Repro.Torch.Optim;

/// <summary>
/// Adam with PyTorch's semantics (torch.optim.Adam, amsgrad off): with g = ∇ + λ·θ (L2 weight decay),
///   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
///   θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
/// A step is one native call over every parameter (rt_adam_step): the per-parameter loop of a few ops each cost a
/// dozen boundary crossings and handle allocations per parameter, over a couple of hundred parameters per step.
/// </summary>
public sealed unsafe class Adam : Optimizer
{
    // The moments, created by the native step the first time their parameter has a gradient; owned here.
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

    public override void step()
    {
        StepCount++;
        var n = Parameters.Count;
        // A YOLOv3 has a couple of hundred parameters: three handle arrays fit the stack comfortably.
        var parameters = stackalloc IntPtr[n];
        var expAvg = stackalloc IntPtr[n];
        var expAvgSq = stackalloc IntPtr[n];
        for (var i = 0; i < n; i++)
        {
            parameters[i] = Parameters[i].Handle;
            expAvg[i] = m[i]?.Handle ?? IntPtr.Zero;
            expAvgSq[i] = v[i]?.Handle ?? IntPtr.Zero;
        }
        rt_adam_step(parameters, expAvg, expAvgSq, n, LearningRate, Beta1, Beta2, Eps, WeightDecay, StepCount);
        // Raw handles above: the tensors behind them must stay reachable through the call.
        GC.KeepAlive(Parameters);
        GC.KeepAlive(m);
        GC.KeepAlive(v);
        // Take ownership of moments the step created, before reporting any error, so none leaks.
        for (var i = 0; i < n; i++)
        {
            if (m[i] is null && expAvg[i] != IntPtr.Zero) m[i] = new Tensor(expAvg[i]).DetachFromDisposeScope();
            if (v[i] is null && expAvgSq[i] != IntPtr.Zero) v[i] = new Tensor(expAvgSq[i]).DetachFromDisposeScope();
        }
        ThrowIfError();
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
