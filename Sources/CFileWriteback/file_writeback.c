// sync_file_range is a GNU extension that Swift's Glibc module does not expose.
#define _GNU_SOURCE
#include <fcntl.h>
#include "file_writeback.h"

int modelhub_start_writeback(int descriptor, int64_t offset, int64_t count) {
#ifdef SYNC_FILE_RANGE_WRITE
    return sync_file_range(descriptor, offset, count, SYNC_FILE_RANGE_WRITE);
#else
    (void)descriptor; (void)offset; (void)count;
    return 0;
#endif
}

int modelhub_wait_writeback(int descriptor, int64_t offset, int64_t count) {
#ifdef SYNC_FILE_RANGE_WRITE
    return sync_file_range(descriptor, offset, count,
                           SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
#else
    (void)descriptor; (void)offset; (void)count;
    return 0;
#endif
}
