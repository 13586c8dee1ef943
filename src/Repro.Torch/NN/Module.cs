namespace Repro.Torch.NN;

/// <summary>
/// The base of every network part, as <c>torch.nn.Module</c>: named parameters, buffers and children, a
/// training/eval mode, and freezing. A frozen module's parameters take no gradient and it stays in eval mode
/// whatever <see cref="train"/> says, so its batch-norm running statistics cannot move.
/// </summary>
public abstract class Module : IDisposable
{
    // A parameter or buffer lives in a slot so that moving a module to another device can swap the tensor
    // without the owning layer holding a stale reference.
    protected sealed class Slot(Tensor value)
    {
        public Tensor Value { get; set; } = value;
    }

    private readonly List<(string Name, Slot Slot)> ownParameters = [];
    private readonly List<(string Name, Slot Slot)> ownBuffers = [];
    private readonly List<(string Name, Module Module)> children = [];

    public bool training { get; private set; } = true;

    public bool IsFrozen { get; private set; }

    protected Slot RegisterParameter(string name, Tensor value)
    {
        value.DetachFromDisposeScope().requires_grad_(!IsFrozen);
        var slot = new Slot(value);
        ownParameters.Add((name, slot));
        return slot;
    }

    protected Slot RegisterBuffer(string name, Tensor value)
    {
        var slot = new Slot(value.DetachFromDisposeScope());
        ownBuffers.Add((name, slot));
        return slot;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        children.Add((name, module));
        return module;
    }

    public IEnumerable<(string Name, Module Module)> named_children() => children;

    /// <summary>This module ("") and every descendant, with dotted names.</summary>
    public IEnumerable<(string Name, Module Module)> named_modules()
    {
        yield return ("", this);
        foreach (var (name, child) in children)
            foreach (var (sub, m) in child.named_modules())
                yield return (sub.Length == 0 ? name : $"{name}.{sub}", m);
    }

    public IEnumerable<(string Name, Tensor Parameter)> named_parameters() =>
        named_modules().SelectMany(m => m.Module.ownParameters.Select(p => (Join(m.Name, p.Name), p.Slot.Value)));

    public IEnumerable<Tensor> parameters() => named_parameters().Select(p => p.Parameter);

    /// <summary>Parameters that take gradients (not frozen).</summary>
    public IEnumerable<Tensor> trainable_parameters() => parameters().Where(p => p.requires_grad);

    public IEnumerable<(string Name, Tensor Buffer)> named_buffers() =>
        named_modules().SelectMany(m => m.Module.ownBuffers.Select(b => (Join(m.Name, b.Name), b.Slot.Value)));

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    /// <summary>Training mode for this module and its children; frozen ones stay in eval mode.</summary>
    public Module train(bool on = true)
    {
        training = on && !IsFrozen;
        foreach (var (_, child) in children) child.train(on);
        return this;
    }

    public Module eval() => train(false);

    /// <summary>Stops gradients to every parameter below and pins batch-norm statistics (eval mode).</summary>
    public Module freeze()
    {
        foreach (var (_, m) in named_modules())
        {
            m.IsFrozen = true;
            m.training = false;
            foreach (var (_, slot) in m.ownParameters)
            {
                slot.Value.requires_grad = false;
                slot.Value.clear_grad();
            }
        }
        return this;
    }

    public Module unfreeze()
    {
        foreach (var (_, m) in named_modules())
        {
            m.IsFrozen = false;
            foreach (var (_, slot) in m.ownParameters) slot.Value.requires_grad = true;
        }
        return this;
    }

    /// <summary>Drops accumulated gradients (set to none, as PyTorch's default).</summary>
    public void zero_grad()
    {
        foreach (var p in parameters()) p.clear_grad();
    }

    /// <summary>Every parameter and buffer by dotted name; the tensors are the module's own (not copies).</summary>
    public Dictionary<string, Tensor> state_dict() =>
        named_parameters().Concat(named_buffers()).ToDictionary(p => p.Item1, p => p.Item2);

    /// <summary>Copies values in by name; every tensor of the module must be present with the same shape.</summary>
    public void load_state_dict(IReadOnlyDictionary<string, Tensor> state)
    {
        using var _ = torch.no_grad();
        foreach (var (name, target) in state_dict())
        {
            if (!state.TryGetValue(name, out var source)) throw new KeyNotFoundException($"state has no tensor '{name}'");
            var (want, got) = (target.shape, source.shape);
            if (!want.SequenceEqual(got))
                throw new ArgumentException($"'{name}': expected shape [{string.Join(", ", want)}], got [{string.Join(", ", got)}]");
            target.copy_(source);
        }
    }

    /// <summary>Moves every parameter and buffer to the device (gradients are dropped).</summary>
    public Module to(Device device) => Convert(t => t.to(device));

    /// <summary>Converts every floating-point parameter and buffer to <paramref name="dtype"/> (gradients are dropped;
    /// integer buffers such as batch norm's step count stay as they are) — e.g. float64 for a reference run.</summary>
    public Module to(ScalarType dtype) =>
        Convert(t => t.dtype is ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 ? t.to(dtype) : t.alias());

    private Module Convert(Func<Tensor, Tensor> convert)
    {
        foreach (var (_, m) in named_modules())
        {
            foreach (var (_, slot) in m.ownParameters)
            {
                var requiresGrad = slot.Value.requires_grad;
                Tensor converted;
                using (torch.no_grad()) converted = convert(slot.Value).DetachFromDisposeScope();
                slot.Value.Dispose();
                slot.Value = converted.requires_grad_(requiresGrad);
            }
            foreach (var (_, slot) in m.ownBuffers)
            {
                var converted = convert(slot.Value).DetachFromDisposeScope();
                slot.Value.Dispose();
                slot.Value = converted;
            }
        }
        return this;
    }

    public long ParameterCount() => parameters().Sum(p => p.numel());

    public virtual void Dispose()
    {
        foreach (var (_, slot) in ownParameters) slot.Value.Dispose();
        foreach (var (_, slot) in ownBuffers) slot.Value.Dispose();
        foreach (var (_, child) in children) child.Dispose();
        GC.SuppressFinalize(this);
    }
}
