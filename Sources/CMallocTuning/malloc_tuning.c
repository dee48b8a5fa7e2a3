#include "malloc_tuning.h"
#include <stdlib.h>  /* defines __GLIBC__ on glibc systems */

#if defined(__GLIBC__)
#include <malloc.h>

int modelhub_fix_mmap_threshold(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}
#else
int modelhub_fix_mmap_threshold(int bytes) {
    (void)bytes;
    return 0;
}
#endif
