namespace Repro.Torch;

/// <summary>
/// Frees, when disposed, every tensor created on this thread while it was the innermost open scope, except the
/// ones moved out. A training step runs inside one, so its intermediates are released at the end of the step
/// rather than whenever the garbage collector gets to them (native memory is invisible to the GC).
/// Scopes nest; <c>using var scope = torch.NewDisposeScope();</c>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly DisposeScope? outer;
    private readonly HashSet<Tensor> owned = new(ReferenceEqualityComparer.Instance);
    private bool disposed;

    internal DisposeScope()
    {
        outer = current;
        current = this;
    }

    internal static DisposeScope? Current => current;

    /// <summary>How many live tensors this scope would free now.</summary>
    public int Count => owned.Count;

    internal void Register(Tensor t) => owned.Add(t);

    internal void Forget(Tensor t) => owned.Remove(t);

    /// <summary>Hands a tensor to the enclosing scope (or to nobody, at the outermost level).</summary>
    internal void MoveToOuter(Tensor t)
    {
        if (!owned.Remove(t)) return;
        if (outer is not null) outer.Register(t);
        t.Scope = outer;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var t in owned)
        {
            t.Scope = null;
            t.Dispose();
        }
        owned.Clear();
        // Scopes are disposed innermost first (using blocks); restore the enclosing one.
        if (ReferenceEquals(current, this)) current = outer;
    }
}
