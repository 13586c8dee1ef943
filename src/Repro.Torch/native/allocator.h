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

// The policy's price shows when the working set changes shape: blocks of other sizes are carved next to the kept
// ones and the heap only grows (a 416 px analysis whose passes each hold gigabytes of differently sized slabs grew to
// 23 GB resident under an 8 GiB budget). Between such phases, hand every free page back (malloc_trim also releases
// whole free pages inside the heap, in every arena); the next phase faults in only what it uses.
inline void rt_release_free_memory_now() { malloc_trim(0); }
#else
inline void rt_keep_freed_memory() {}
inline void rt_release_free_memory_now() {}
#endif
