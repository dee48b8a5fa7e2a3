#ifndef MODELHUB_CLZ4_SHIM_H
#define MODELHUB_CLZ4_SHIM_H
// Debian's liblz4 (liblz4-dev): the frame format Xet compresses chunks with.
#include <lz4frame.h>
#endif
