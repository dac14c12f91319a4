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

#endif /* AGENT_DEBUG_LINE_H */
