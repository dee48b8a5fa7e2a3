#ifndef MODELHUB_FILE_WRITEBACK_H
#define MODELHUB_FILE_WRITEBACK_H

#include <stdint.h>

/// Asks the kernel to start writing the given byte range of a file to the disk without waiting
/// (Linux `sync_file_range` with SYNC_FILE_RANGE_WRITE). Returns 0, or -1 with errno set; a no-op
/// returning 0 where the call does not exist.
int modelhub_start_writeback(int descriptor, int64_t offset, int64_t count);

/// Starts writeback of the range and waits until it is on the disk (data only; `fsync` is still
/// what makes the file durable). Same return convention.
int modelhub_wait_writeback(int descriptor, int64_t offset, int64_t count);

#endif
