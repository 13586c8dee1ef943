using Repro.SelfTest;
using Repro.Torch;

namespace Repro.Tests.SelfTest;

/// <summary><c>repro selftest --device cpu</c>: the engine's float32 CPU paths against float64, and checks that can fail.</summary>
public class EngineSelfTestTests
{
    [Test]
    public void EveryCheckPassesOnTheCpu()
    {
        var results = EngineSelfTest.Run(Device.CPU);
        foreach (var r in results) TestContext.Out.WriteLine(r);
        Assert.That(results.Select(r => r.Check.Name), Is.EqualTo(EngineChecks.All.Select(c => c.Name)));
        Assert.That(results.Where(r => !r.Passed).Select(r => r.ToString()), Is.Empty);
        // Float32 against float64 is never exact: an error of 0 would mean the reference ran in float32 too.
        Assert.That(results.Select(r => r.Error), Has.All.GreaterThan(0));
    }

    [Test]
    public void TheErrorIsTheWorstPartsLargestDifferenceOverItsLargestReferenceValue()
    {
        // Part "a": max |x − x̂| = 0.1 at the second element, max |x̂| = 4 → 0.025; part "b" is exact.
        var (part, error) = PartComparison.Worst([new("a", [1, 2.1, -4]), new("b", [3])], [new("a", [1, 2, -4]), new("b", [3])]);
        Assert.That((part, error), Is.EqualTo(("a", 0.025)).Using<(string, double)>((x, y) => x.Item1 == y.Item1 && Math.Abs(x.Item2 - y.Item2) < 1e-15));
        Assert.That(PartComparison.RelativeError([1, 2], [1, 2, 3]), Is.NaN, "different lengths");
        Assert.That(PartComparison.RelativeError([1, double.NaN], [1, 2]), Is.NaN, "a value that is not finite");
        Assert.That(PartComparison.RelativeError([0, 1e-9], [0, 0]), Is.EqualTo(double.PositiveInfinity), "anything against all zeros");
        Assert.That(PartComparison.Worst([new("a", [1])], [new("a", [1]), new("b", [1])]).Error, Is.NaN, "a part the device did not return");
    }

    [Test]
    public void ADeviceResultOutsideItsToleranceFailsAndAThrowingCheckFailsWithItsMessageWhileTheOthersRun()
    {
        var checks = new EngineCheck[]
        {
            new("off", "float32 result 2e-5 away, relative to 2", 1e-5, (_, t) => [new("x", [t == ScalarType.Float32 ? 1.00004 : 1.0, -2])]),
            new("throws", "an op the device lacks", 1e-5, (_, t) => t == ScalarType.Float32 ? throw new TorchException("no kernel for this op") : [new("x", [1.0])]),
            new("within", "float32 result 5e-6 away", 1e-5, (_, t) => [new("x", [t == ScalarType.Float32 ? 1.000005 : 1.0])]),
        };
        var results = EngineSelfTest.Run(Device.CPU, checks);
        Assert.That(results.Select(r => r.Passed), Is.EqualTo(new[] { false, false, true }));
        Assert.That(results[0].Error, Is.EqualTo(2e-5).Within(1e-12));
        Assert.That(results[1].WorstPart, Does.Contain("no kernel for this op"));
    }

    [Test]
    public void CudaWithoutAGpuIsAnErrorThatSaysHowToGetOne()
    {
        Assume.That(torch.cuda.is_available(), Is.False, "this machine has a GPU");
        var e = Assert.Throws<InvalidOperationException>(() => EngineSelfTest.Run(Device.CUDA(0)))!;
        Assert.That(e.Message, Does.Contain("LIBTORCH_DIR"));
    }
}
