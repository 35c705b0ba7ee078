#ifndef BLINDSIGHT_CEDIT_SHIM_H
#define BLINDSIGHT_CEDIT_SHIM_H
// libedit's readline interface (BSD licence). Always <editline/readline.h>, never GNU readline's header.
// C globals are reached through accessors: Swift 6 refuses reads of shared mutable C globals.
#include <stdio.h>
#include <editline/readline.h>

static inline const char *cedit_library_version(void) { return rl_library_version; }

/// Installs the function libedit calls on Tab (NULL for none).
static inline void cedit_set_attempted_completion(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}

/// 1: no filename completion when the attempted completion finds nothing.
static inline void cedit_set_attempted_completion_over(int value) { rl_attempted_completion_over = value; }

/// The line being edited (for completion: what came before the word).
static inline const char *cedit_line_buffer(void) { return rl_line_buffer; }

/// 0: libedit installs no signal handlers of its own (the chat handles Ctrl-C itself). Call before
/// the first libedit call.
static inline void cedit_set_catch_signals(int value) { rl_catch_signals = value; }

#endif
