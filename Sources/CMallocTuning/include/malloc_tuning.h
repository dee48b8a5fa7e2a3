#ifndef MODELHUB_MALLOC_TUNING_H
#define MODELHUB_MALLOC_TUNING_H

/// Fixes glibc's mmap threshold at `bytes` (turning off its dynamic adjustment), so that large
/// buffers are always mmap'd and returned to the system when freed. Returns 1 on success, 0 where
/// the allocator is not glibc's.
int modelhub_fix_mmap_threshold(int bytes);

#endif
