using Repro.Similarity;
using Repro.Torch;

namespace Repro.Tests.Similarity;

/// <summary>
/// Two "models" with related activations for comparison tests: model A's layer l is n × (8 + 4l) normal; model
/// B's is A's through a fixed random linear map plus noise whose size grows with l, so CKA falls with depth.
/// Activations are returned too, for references computed from features.
/// </summary>
internal static class SyntheticGrams
{
    public static (GramSet A, GramSet B, Dictionary<int, Tensor> XA, Dictionary<int, Tensor> XB) Make(int n, int layers = 4, long seed = 1)
    {
        using var generator = new Generator(seed);
        var xa = new Dictionary<int, Tensor>();
        var xb = new Dictionary<int, Tensor>();
        for (var l = 0; l < layers; l++)
        {
            var p = 8 + 4 * l;
            var x = torch.randn([n, p], generator, torch.float64);
            var w = torch.randn([p, p], generator, torch.float64);
            xa[l] = x;
            xb[l] = x.matmul(w) + torch.randn([n, p], generator, torch.float64) * (1.0 + 2.0 * l);
        }
        return (Grams(xa), Grams(xb), xa, xb);
    }

    public static GramSet Grams(Dictionary<int, Tensor> activations) =>
        new(activations.Select(a => KeyValuePair.Create(a.Key, LinearCka.GramLinear(a.Value))), isCentered: false);
}
