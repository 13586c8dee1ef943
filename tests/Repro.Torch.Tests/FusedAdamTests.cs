using Repro.Torch.Optim;

namespace Repro.Torch.Tests;

/// <summary>
/// The Adam step is one native call over every parameter. It must take exactly the steps the per-parameter managed
/// loop it replaced took (the same libtorch ops in the same order: bitwise equal), and those must be Adam's formula
/// (against a float64 evaluation of it), over several steps so that bias correction and the moments' history count,
/// with and without weight decay, with a changing learning rate, and with a parameter that sometimes has no gradient.
/// </summary>
public class FusedAdamTests
{
    private const int Steps = 6;
    private static readonly long[][] Shapes = [[4, 3, 3, 3], [4], [7], [2, 5]];

    [TestCase(0.0)]
    [TestCase(0.05)]
    public void FusedStepEqualsTheManagedLoopBitwiseAndAdamsFormulaInFloat64(double weightDecay)
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator(7);
        var initial = Shapes.Select(s => torch.randn(s, g)).ToList();
        var fused = initial.Select(t => t.clone().requires_grad_()).ToList();
        var managed = initial.Select(t => t.clone().requires_grad_()).ToList();
        var reference = initial.Select(t => new AdamInFloat64(t.@double().ToArray<double>())).ToList();
        // Gradient of ½‖p‖² + ⟨p, c⟩ with c fresh each step: ∇ = p + c.
        var pulls = Enumerable.Range(0, Steps).Select(_ => Shapes.Select(s => torch.randn(s, g)).ToList()).ToList();

        using var adam = new Adam(fused, lr: 0.01, weightDecay: weightDecay);
        var loop = new ManagedAdamLoop(managed, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay);
        for (var step = 0; step < Steps; step++)
        {
            var lr = 0.01 * (1 + step) / Steps; // a warm-up: the rate is read at every step
            adam.LearningRate = lr;
            // The last parameter has no gradient on odd steps: it is skipped, and its moments start when it first has one.
            var withGradient = Enumerable.Range(0, Shapes.Length).Where(i => i < Shapes.Length - 1 || step % 2 == 0).ToList();
            Backward(fused, pulls[step], withGradient);
            Backward(managed, pulls[step], withGradient);
            adam.step();
            loop.Step(lr);
            foreach (var i in withGradient) reference[i].Step(pulls[step][i].@double().ToArray<double>(), lr, weightDecay, step + 1);

            for (var i = 0; i < Shapes.Length; i++)
            {
                Assert.That(fused[i].equal(managed[i]), $"step {step + 1}, parameter {i}: fused and managed steps differ");
                Assert.That(fused[i].@double().ToArray<double>(), Is.EqualTo(reference[i].Parameter).Within(2e-6),
                    $"step {step + 1}, parameter {i}: against Adam's formula in float64");
            }
        }
        Assert.That(adam.StepCount, Is.EqualTo(Steps));
        var state = adam.state_dict();
        for (var i = 0; i < Shapes.Length; i++)
        {
            Assert.That(state[$"exp_avg.{i}"].equal(loop.ExpAvg[i]!), $"first moment of parameter {i}");
            Assert.That(state[$"exp_avg_sq.{i}"].equal(loop.ExpAvgSq[i]!), $"second moment of parameter {i}");
        }
    }

    [Test]
    public void AParameterThatNeverHadAGradientHasNoStateAndStaysPut()
    {
        using var scope = torch.NewDisposeScope();
        var used = torch.ones([3]).requires_grad_();
        var unused = torch.ones([2]).requires_grad_();
        using var adam = new Adam([used, unused], lr: 0.1);
        (used * used).sum().backward();
        adam.step();
        Assert.That(unused.ToArray<float>(), Is.All.EqualTo(1f));
        Assert.That(used.ToArray<float>(), Is.All.LessThan(1f));
        var state = adam.state_dict();
        Assert.That(state.Keys, Is.EquivalentTo(new[] { "step", "exp_avg.0", "exp_avg_sq.0" }));
    }

    [Test]
    public void AFailingStepIsATorchExceptionAndTheProcessCarriesOn()
    {
        using var scope = torch.NewDisposeScope();
        var p = torch.ones([3]).requires_grad_();
        using var adam = new Adam([p], lr: 0.1);
        (p * p).sum().backward();
        adam.step();
        var state = adam.state_dict();
        // Moments of the wrong shape, as a checkpoint of another model would give.
        state["exp_avg.0"] = torch.zeros([4]);
        adam.load_state_dict(state);
        (p * p).sum().backward();
        Assert.Throws<TorchException>(() => adam.step());
    }

    private static void Backward(List<Tensor> parameters, List<Tensor> pulls, List<int> withGradient)
    {
        foreach (var p in parameters) p.clear_grad();
        using var scope = torch.NewDisposeScope();
        var loss = withGradient.Select(i => (parameters[i] * parameters[i]).sum() * 0.5 + (parameters[i] * pulls[i]).sum())
            .Aggregate((a, b) => a + b);
        loss.backward();
    }

    /// <summary>The per-parameter managed Adam loop the fused step replaced, op for op: the bitwise reference.</summary>
    private sealed class ManagedAdamLoop(List<Tensor> parameters, double beta1, double beta2, double eps, double weightDecay)
    {
        private long step;

        public Tensor?[] ExpAvg { get; } = new Tensor?[parameters.Count];
        public Tensor?[] ExpAvgSq { get; } = new Tensor?[parameters.Count];

        public void Step(double lr)
        {
            step++;
            using var _ = torch.no_grad();
            for (var i = 0; i < parameters.Count; i++)
            {
                var parameter = parameters[i];
                var grad = parameter.grad;
                if (grad is null) continue;
                var g = weightDecay != 0 ? grad + parameter * weightDecay : grad;
                var m = ExpAvg[i] ??= torch.zeros_like(parameter);
                var v = ExpAvgSq[i] ??= torch.zeros_like(parameter);
                m.mul_(beta1).add_(g, 1 - beta1);
                v.mul_(beta2).addcmul_(g, g, 1 - beta2);
                var biasCorrection1 = 1 - Math.Pow(beta1, step);
                var biasCorrection2 = 1 - Math.Pow(beta2, step);
                var denominator = v.sqrt().mul_(1 / Math.Sqrt(biasCorrection2)).add_(eps);
                parameter.addcdiv_(m, denominator, -lr / biasCorrection1);
            }
        }
    }

    /// <summary>Adam's formula element by element in float64 (β₁ = 0.9, β₂ = 0.999, ε = 1e-8), with ∇ = p + c. The bias
    /// correction uses the optimizer's step count t, as <see cref="Adam.StepCount"/> documents (PyTorch's per-parameter
    /// count differs only for a parameter that skipped steps).</summary>
    private sealed class AdamInFloat64(double[] parameter)
    {
        private readonly double[] m = new double[parameter.Length], v = new double[parameter.Length];
        public double[] Parameter { get; } = parameter;

        public void Step(double[] pull, double lr, double weightDecay, int t)
        {
            for (var j = 0; j < Parameter.Length; j++)
            {
                var g = Parameter[j] + pull[j] + weightDecay * Parameter[j];
                m[j] = 0.9 * m[j] + 0.1 * g;
                v[j] = 0.999 * v[j] + 0.001 * g * g;
                var mHat = m[j] / (1 - Math.Pow(0.9, t));
                var vHat = v[j] / (1 - Math.Pow(0.999, t));
                Parameter[j] -= lr * mHat / (Math.Sqrt(vHat) + 1e-8);
            }
        }
    }
}
