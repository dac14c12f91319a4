/* The analyzer's debug records as readable lines (what --debug-analyzer prints). */
#ifndef AGENT_DEBUG_LINE_H
#define AGENT_DEBUG_LINE_H

#include <stddef.h>

#include "analyzer.h"

/*
 * debug_line_format writes one line, without newline, into buf:
 *
 *   analyzer: user-stack-error pid=12 tgid=12 comm=bash cpu=1 err=-14 (Bad address)
 *
 * (the strerror text only when err is not 0; unprintable characters of
 * comm become '?'). Returns buf.
 */
char *debug_line_format(const struct analyzer_debug_event *ev, char *buf, size_t len);

/*
 * debug_line_format_mapping does the same, and for an unwind record names
 * its mapping as path and build_id (NULL when unknown: "file#ID"):
 *
 *   analyzer: unwind pid=12 tgid=12 comm=app cpu=0 err=0 (reason=read-fault depth=1
 *   pc=0x55d0c8e01149 mapping=/usr/bin/app build-id=ab12+0x1149 fp-fallback=no-cfi)
 *
 * (one line). reason is no-rule, read-fault, depth-limit, bad-pc,
 * map-full, no-root, no-progress (a step that does not move the frame up
 * the stack: a loop), outside-mapping (a caller's pc in no executable
 * mapping: a garbage return address, or a frame-pointer guess from the
 * frame named), or fp-fallback when the stack ended
 * but through frame pointers; fp-fallback= says why frame pointers were
 * used: not-loaded (the process's rules were not loaded yet), no-cfi,
 * no-room (its rules did not fit), no-mapping (the sampled pc lies in no
 * mapping). Returns buf.
 */
char *debug_line_format_mapping(const struct analyzer_debug_event *ev, const char *path, const char *build_id,
				char *buf, size_t len);

#endif /* AGENT_DEBUG_LINE_H */
