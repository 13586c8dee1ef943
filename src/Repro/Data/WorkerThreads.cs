using Repro.Torch;

namespace Repro.Data;

/// <summary>The data pipeline's worker threads, kept from competing with the main thread's libtorch team.</summary>
internal static class WorkerThreads
{
    /// <summary>
    /// Called at the top of every parallel body that touches tensors: on a thread-pool thread, tensor work runs
    /// on that thread alone (see <see cref="torch.set_num_threads_on_this_thread"/> for why that matters to
    /// training speed). The main thread is left alone, since Parallel.For also runs bodies on its caller.
    /// </summary>
    public static void UseOneIntraOpThread()
    {
        if (Thread.CurrentThread.IsThreadPoolThread) torch.set_num_threads_on_this_thread(1);
    }
}
