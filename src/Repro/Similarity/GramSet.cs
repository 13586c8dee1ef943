using Repro.Torch;

namespace Repro.Similarity;

/// <summary>
/// One n × n float64 Gram matrix per layer of one model over one image set (CPU tensors owned by the set).
/// Centered or not makes no difference to anything computed from it: both centerings remove exactly the terms
/// that distinguish the two (see <see cref="LinearCka"/>), so CKA and bootstrap results agree to rounding.
/// </summary>
public sealed class GramSet : IDisposable
{
    private readonly SortedDictionary<int, Tensor> grams;

    public GramSet(IEnumerable<KeyValuePair<int, Tensor>> grams, bool isCentered)
    {
        this.grams = new SortedDictionary<int, Tensor>();
        foreach (var (layer, gram) in grams)
        {
            var s = gram.shape;
            if (s.Length != 2 || s[0] != s[1]) throw new ArgumentException($"layer {layer}: a Gram matrix is n × n, got [{string.Join(", ", s)}]");
            if (this.grams.Count > 0 && s[0] != Examples) throw new ArgumentException($"layer {layer}: {s[0]} examples, other layers have {Examples}");
            this.grams.Add(layer, gram.DetachFromDisposeScope());
        }
        IsCentered = isCentered;
    }

    public bool IsCentered { get; }

    public IReadOnlyList<int> Layers => grams.Keys.ToList();

    public long Examples => grams.Count == 0 ? 0 : grams.First().Value.size(0);

    public Tensor this[int layer] => grams.TryGetValue(layer, out var g) ? g : throw new KeyNotFoundException($"no Gram matrix for layer {layer}");

    public bool Contains(int layer) => grams.ContainsKey(layer);

    /// <summary>A new set holding H·K·H for every layer.</summary>
    public GramSet Centered()
    {
        using var scope = torch.NewDisposeScope();
        return new GramSet(grams.Select(g => KeyValuePair.Create(g.Key, LinearCka.CenterGram(g.Value))), isCentered: true);
    }

    public void Dispose()
    {
        foreach (var g in grams.Values) g.Dispose();
        grams.Clear();
    }
}
