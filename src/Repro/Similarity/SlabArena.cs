using Repro.Torch;

namespace Repro.Similarity;

/// <summary>
/// One block of memory that every pass of a Gram capture carves its slabs from, so the passes reuse the same pages.
/// Allocating each pass's slabs afresh costs twice over at 416 px, where a pass holds gigabytes in slabs of other
/// sizes than the last: the shim's allocator keeps freed blocks, so the heap grew to 23 GB resident under an 8 GiB
/// budget; and handing the pages back after each pass made every pass fault its 7 GB in again (a third of the run
/// spent in the kernel). The block is sized on first use to the largest pass and freed with the arena.
/// </summary>
internal sealed class SlabArena(long capacityBytes) : IDisposable
{
    private Tensor? block;
    private long used;

    /// <summary>An uninitialised n × width slab; a dtype or device other than the block's gets an allocation of its own.</summary>
    public Tensor Take(long rows, long columns, ScalarType dtype, Device device, int elementBytes)
    {
        var elements = rows * columns;
        block ??= torch.empty([Math.Max(capacityBytes / elementBytes, elements)], dtype, device).DetachFromDisposeScope();
        if (block.dtype != dtype || block.device != device || used + elements > block.numel())
            return torch.empty([rows, columns], dtype, device).DetachFromDisposeScope();
        var slab = block.narrow(0, used, elements).view(rows, columns).DetachFromDisposeScope();
        used += elements;
        return slab;
    }

    /// <summary>Starts the next pass: its slabs reuse the block from the beginning (the last pass's are disposed).</summary>
    public void Reset() => used = 0;

    public void Dispose()
    {
        block?.Dispose();
        block = null;
    }
}
