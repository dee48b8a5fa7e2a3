#ifndef MODELHUB_CLIBGIT2_SHIM_H
#define MODELHUB_CLIBGIT2_SHIM_H
#include <git2.h>
// The odb backend structure, so a backend that could not be added can be freed (GitQuarantine).
#include <git2/sys/odb_backend.h>

// Swift cannot call variadic C functions: wrap the git_libgit2_opts options modelhub uses.
static inline int modelhub_git_enable_fsync(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}

static inline int modelhub_git_enable_strict_object_creation(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}
#endif
