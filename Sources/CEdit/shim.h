#ifndef BLINDSIGHT_CEDIT_SHIM_H
#define BLINDSIGHT_CEDIT_SHIM_H
// libedit's readline interface (BSD licence). Always <editline/readline.h>, never GNU readline's header.
// C globals are reached through accessors: Swift 6 refuses reads of shared mutable C globals.
#include <stdio.h>
#include <editline/readline.h>

static inline const char *cedit_library_version(void) { return rl_library_version; }

#endif
