using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Repro.Torch.NN;

namespace Repro.Torch.Tests;

/// <summary>
/// A tensor nobody references any more may be finalized while a native call still reads it: in optimised code the
/// JIT stops reporting <c>this</c> (or an argument) as live once its handle has been loaded, so in
/// <c>torch.full(…).sum()</c> the full tensor is garbage during <c>rt_sum</c>. If its finalizer frees the native
/// tensor then, the sum reads freed memory — which other threads are busy refilling with their own values. The
/// binding must keep every tensor (and generator) alive until the native call that uses it returns.
/// </summary>
public class FinalizerRaceTests
{
    // 2^20 floats: a sum of about a millisecond on one thread, a wide window for a collection to land inside it,
    // and every partial sum of small integers below 2^24 stays exact in float32.
    private const int Elements = 1 << 20;

    [Test]
    public void TemporariesWithoutScopesStayAliveThroughTheirNativeCallsUnderForcedCollections()
    {
        var workers = Math.Max(4, Environment.ProcessorCount * 2);
        var wrong = new ConcurrentQueue<string>();
        var stop = false;

        // Collects as often as it can: every collection finds the temporaries that are mid-call, unless the
        // binding keeps them reachable.
        var collections = 0;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                collections++;
            }
        }) { IsBackground = true };
        collector.Start();

        var deadline = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            torch.set_num_threads_on_this_thread(1);
            for (var i = 0; i < 400 && deadline.Elapsed < TimeSpan.FromSeconds(60); i++) Round(w, i, wrong);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Volatile.Write(ref stop, true);
        collector.Join();

        TestContext.Out.WriteLine($"{workers} threads, {collections} forced collections, {wrong.Count} wrong results");
        Assert.That(collections, Is.GreaterThan(10), "the collector barely ran: the test exercised nothing");
        Assert.That(wrong, Is.Empty);
    }

    // Optimised from the first call, as hot code is: unoptimised (tier-0) code keeps every temporary reported live
    // to the end of the method, which would hide the race.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Round(int w, int i, ConcurrentQueue<string> wrong)
    {
        // Distinct values per thread: memory freed too early is soon refilled by another thread's tensors.
        var k = w + 1;

        // No scope, no using: each temporary is reachable only while its call runs.
        var sum = torch.full([Elements], k).sum().item();
        if (sum != (double)Elements * k) wrong.Enqueue($"thread {w}: full({k}).sum() = {sum}, expected {(double)Elements * k}");

        var product = (torch.full([Elements], k) * torch.full([Elements], 2)).sum().item();
        if (product != 2.0 * Elements * k) wrong.Enqueue($"thread {w}: (full({k}) * full(2)).sum() = {product}");

        // Optional tensor arguments and generators go through the same path.
        var conv = functional.conv2d(torch.full([1, 1, 256, 256], k), torch.ones([1, 1, 3, 3]), torch.zeros([1])).sum().item();
        var expected = 9.0 * k * 254 * 254; // 3×3 ones over a constant image, no padding
        if (conv != expected) wrong.Enqueue($"thread {w}: conv sum = {conv}, expected {expected}");

        var uniform = torch.rand([Elements], new Generator(i)).ge(0).sum().item();
        if (uniform != Elements) wrong.Enqueue($"thread {w}: rand(…) >= 0 counted {uniform}");
    }
}
