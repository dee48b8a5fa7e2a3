#ifndef MODELHUB_CBLAKE3_SHIM_H
#define MODELHUB_CBLAKE3_SHIM_H
// BLAKE3's reference C implementation, built into /usr/local by .ci/build-blake3 from the
// sources Debian ships in librust-blake3-dev.
#include <blake3.h>
#endif
