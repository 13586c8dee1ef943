using Repro.Torch.Optim;

namespace Repro.Torch.Tests;

/// <summary>Two steps of Adam and SGD on L = ½‖p‖² (so ∇ = p), against values worked out by hand.</summary>
public class OptimizerTests
{
    private static void Step(Optimizer optimizer, Tensor p)
    {
        optimizer.zero_grad();
        using var loss = (p * p).sum() * 0.5;
        loss.backward();
        optimizer.step();
    }

    [Test]
    public void AdamTwoStepsMatchHandWorkedValues()
    {
        using var p = torch.tensor(new[] { 1.0, -2.0 }).requires_grad_();
        using var adam = new Adam([p], lr: 0.1);

        // Step 1: g = p = (1, −2); m = 0.1·g, v = 0.001·g²; m̂ = g, v̂ = g²; p −= 0.1·g/(|g| + 1e-8).
        Step(adam, p);
        double[] afterOne = [1 - 0.1 * 1 / (1 + 1e-8), -2 + 0.1 * 2 / (2 + 1e-8)];
        Assert.That(p.ToArray<double>(), Is.EqualTo(afterOne).Within(1e-12));

        // Step 2: g = (0.9, −1.9); m = 0.9·m₁ + 0.1·g = (0.18, −0.37); v = 0.999·v₁ + 0.001·g² = (0.001809, 0.007606);
        // bias corrections 1 − 0.9² = 0.19 and 1 − 0.999² = 0.001999.
        double[] m = [0.18, -0.37], v = [0.000999 + 0.00081, 0.003996 + 0.00361];
        var expected = afterOne.Select((x, i) => x - 0.1 / 0.19 * m[i] / (Math.Sqrt(v[i]) / Math.Sqrt(0.001999) + 1e-8)).ToArray();
        Step(adam, p);
        Assert.That(p.ToArray<double>(), Is.EqualTo(expected).Within(1e-9));
        Assert.That(expected[0], Is.EqualTo(0.800412).Within(1e-6), "the hand computation itself");
    }

    [Test]
    public void AdamWeightDecayAddsL2TermToTheGradient()
    {
        using var p = torch.tensor(new[] { 1.0 }).requires_grad_();
        using var adam = new Adam([p], lr: 0.1, weightDecay: 0.5);
        Step(adam, p); // g = 1 + 0.5·1 = 1.5 > 0, so the first step is −lr·sign(g) up to ε
        Assert.That(p.ToArray<double>()[0], Is.EqualTo(1 - 0.1 * 1.5 / (1.5 + 1e-8)).Within(1e-12));
    }

    [Test]
    public void SgdWithMomentumTwoStepsMatchHandWorkedValues()
    {
        using var p = torch.tensor(new[] { 1.0, -2.0 }).requires_grad_();
        using var sgd = new SGD([p], lr: 0.1, momentum: 0.9);
        Step(sgd, p); // b = g = (1, −2); p = (0.9, −1.8)
        Assert.That(p.ToArray<double>(), Is.EqualTo(new[] { 0.9, -1.8 }).Within(1e-12));
        Step(sgd, p); // g = (0.9, −1.8); b = 0.9·(1, −2) + g = (1.8, −3.6); p = (0.72, −1.44)
        Assert.That(p.ToArray<double>(), Is.EqualTo(new[] { 0.72, -1.44 }).Within(1e-12));
    }

    [Test]
    public void AdamStateRoundTripsSoAResumedRunTakesTheSameSteps()
    {
        using var a = torch.tensor(new[] { 0.3, -0.7, 1.1 }).requires_grad_();
        using var b = torch.tensor(new[] { 0.3, -0.7, 1.1 }).requires_grad_();
        using var first = new Adam([a], lr: 0.05);
        Step(first, a);
        Step(first, a);
        using var second = new Adam([b], lr: 0.05);
        Step(second, b);
        Step(second, b);
        var state = first.state_dict();
        using var resumed = new Adam([b], lr: 0.05);
        resumed.load_state_dict(state);
        foreach (var t in state.Values) t.Dispose();
        Step(first, a);
        Step(resumed, b);
        Assert.That(b.ToArray<double>(), Is.EqualTo(a.ToArray<double>()));
    }
}
