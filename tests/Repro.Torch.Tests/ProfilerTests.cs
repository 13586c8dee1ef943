using System.Text.Json;

namespace Repro.Torch.Tests;

/// <summary>torch.profiler.Record writes the chrome trace benchmarks/compare_op_profiles.py reads.</summary>
public class ProfilerTests
{
    [Test]
    public void RecordWritesAChromeTraceNamingTheOps()
    {
        var path = Path.Combine(Path.GetTempPath(), $"repro-profile-{Guid.NewGuid():N}.json");
        try
        {
            using var a = torch.ones([4, 4]);
            using (torch.profiler.Record(path))
            {
                using var sum = a + a;
                using var product = sum.matmul(a);
            }

            using var trace = JsonDocument.Parse(File.ReadAllText(path));
            var events = trace.RootElement.EnumerateArray().ToList();
            var names = events.Select(e => e.GetProperty("name").GetString()).ToList();
            Assert.That(names, Does.Contain("aten::add"));
            Assert.That(names, Does.Contain("aten::matmul"));
            Assert.That(events.All(e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("dur").GetDouble() >= 0));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AnUnwritablePathThrowsAndLeavesTheProfilerOff()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-folder-{Guid.NewGuid():N}", "trace.json");
        var e = Assert.Throws<TorchException>(() => torch.profiler.Record(path))!;
        Assert.That(e.Message, Does.Contain("cannot open"));

        // The failed start enabled nothing: a new profile on this thread starts and ends cleanly.
        var ok = Path.Combine(Path.GetTempPath(), $"repro-profile-{Guid.NewGuid():N}.json");
        try
        {
            using (torch.profiler.Record(ok)) torch.ones([2]).Dispose();
            Assert.That(File.ReadAllText(ok), Does.Contain("aten::ones"));
        }
        finally
        {
            File.Delete(ok);
        }
    }
}
