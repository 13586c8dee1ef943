namespace Repro.Torch.Tests;

/// <summary>
/// Finite-difference gradient check in float64: the analytic gradient of L = Σ w ⊙ f(x) (w random, fixed)
/// from libtorch's autograd against central differences (L(x + h) − L(x − h)) / 2h for every input element.
/// </summary>
internal static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs) => Check(f, 1e-6, 1e-5, inputs);

    public static void Check(Func<Tensor[], Tensor> f, double h, double tolerance, params Tensor[] inputs)
    {
        using var scope = torch.NewDisposeScope();
        using var gen = new Generator(1234);
        var xs = inputs.Select(x => x.@double().detach().requires_grad_()).ToArray();
        var output = f(xs);
        var weights = torch.randn(output.shape, gen, torch.float64);
        (output * weights).sum().backward();

        for (var k = 0; k < xs.Length; k++)
        {
            var analytic = xs[k].grad!.ToArray<double>();
            var values = xs[k].detach().clone().ToArray<double>();
            var shape = xs[k].shape;
            for (var i = 0; i < values.Length; i++)
            {
                double Loss(double delta)
                {
                    using var inner = torch.NewDisposeScope();
                    using var _ = torch.no_grad();
                    var perturbed = (double[])values.Clone();
                    perturbed[i] += delta;
                    var args = xs.Select((x, j) => j == k ? torch.tensor(perturbed, shape) : x.detach()).ToArray();
                    return (f(args) * weights).sum().item();
                }
                var numeric = (Loss(h) - Loss(-h)) / (2 * h);
                Assert.That(analytic[i], Is.EqualTo(numeric).Within(tolerance * Math.Max(1, Math.Abs(numeric))),
                    $"input {k}, element {i}: analytic {analytic[i]} vs numeric {numeric}");
            }
        }
    }
}
