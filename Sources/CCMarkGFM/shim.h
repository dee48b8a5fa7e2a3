// Debian's cmark-gfm (libcmark-gfm-dev) and its GitHub extensions (libcmark-gfm-extensions-dev).
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
