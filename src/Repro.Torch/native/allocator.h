// Allocator policy: keep freed memory in the process.
//
// glibc gives large freed blocks back to the kernel: blocks above its mmap threshold are unmapped on free, and a
// free heap top beyond the trim threshold is released. A training step frees and re-allocates the same activations
// every step, so every step faults its working set back in page by page; at the smoke profile's sizes that was
// about a fifth of the process's CPU time, spent in the kernel. Serving every block from the heap and never
// trimming it trades a resident floor (the largest step's peak) for none of that.
//
// Applied once when the shim loads, and by repro_torch_bench, so the yardstick runs under the same policy.
#pragma once

#include <climits>  // first: a libc header defines __GLIBC__

#if defined(__GLIBC__)
#include <malloc.h>

inline void rt_keep_freed_memory() {
    mallopt(M_MMAP_MAX, 0);              // no block gets its own mapping (glibc falls back to one if the heap can't grow)
    mallopt(M_TRIM_THRESHOLD, INT_MAX);  // the heap top is never handed back
}
#else
inline void rt_keep_freed_memory() {}
#endif
