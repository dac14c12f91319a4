/*
 * Where continuous mode sends each window's profile: files in an output
 * directory (one per window and format, rotated by --keep) and/or an
 * OTLP/HTTP endpoint (otlp.h). A window that cannot be delivered is
 * counted and reported, never fatal: sampling goes on.
 */
#ifndef AGENT_EXPORT_SINK_H
#define AGENT_EXPORT_SINK_H

#include <stdio.h>

#include "aggregate.h"
#include "json.h"
#include "options.h"
#include "symbolize/symbolize.h"

struct sink;

/*
 * export_write writes ag in format to f (folded, json or pprof; names
 * demangled when demangle is set). Returns 0, or -1 after printing why.
 */
int export_write(FILE *f, enum output_format format, const struct aggregate *ag, struct symbolizer *s,
		 const struct profile_meta *meta, int demangle);

/*
 * sink_open makes the sink o asks for (--output-dir, --otlp-endpoint),
 * checking now what can be: the directory exists and can be written,
 * libcurl can be loaded. Returns 0 with *out set (free with sink_close),
 * or -1 after printing one line (the caller exits with EXIT_USAGE).
 */
int sink_open(struct sink **out, const struct agent_options *o);

/*
 * sink_flush delivers one window: ag, symbolized with s, which began at
 * start_unix_ns (wall clock) and lasted meta->duration_s. Files are
 * written now; an OTLP request is queued for the sender. Then s forgets
 * what it no longer needs (symbolizer_sweep), which --verbose reports. Returns 0, or
 * -1 when out of memory (a window not delivered is counted, not an error).
 */
int sink_flush(struct sink *sk, const struct aggregate *ag, struct symbolizer *s, const struct profile_meta *meta,
	       long long start_unix_ns);

/* sink_reopen opens the output directory again by its name (SIGHUP). */
void sink_reopen(struct sink *sk);

/*
 * sink_close sends what is queued (giving up after the OTLP timeout),
 * prints what was delivered and what was not, and frees sk (NULL is
 * accepted). Returns 0, or -1 when a window was not delivered somewhere.
 */
int sink_close(struct sink *sk);

#endif /* AGENT_EXPORT_SINK_H */
