/*
 * The pprof output format: a gzipped perftools.profiles.Profile, the
 * message of google/pprof's proto/profile.proto, as `go tool pprof`
 * reads it.
 */
#ifndef AGENT_EXPORT_PPROF_H
#define AGENT_EXPORT_PPROF_H

#include <stdio.h>

#include "aggregate.h"
#include "json.h"
#include "symbolize/symbolize.h"

/*
 * pprof_write symbolizes every stack of ag with s (demangled when demangle
 * is set) and writes one gzipped Profile to f:
 *
 *   sample types samples/count and cpu/nanoseconds (count x period, the
 *   period 1e9 / frequency_hz ns); one Sample per stack and thread, its
 *   locations leaf first, labels pid, tid (numbers), comm and flavor (the
 *   analyzer's); a Mapping per mapped file or kernel module with its
 *   build-id (memory_start 0, file_offset 0: a user Location's address is
 *   its file offset, a kernel one's the kernel address); a Function per
 *   name with its demangled and its system (symbol table) name. Stack
 *   errors are frames named as the folded output names them.
 *
 * The counts add up to the folded output's. Returns 0, or -1 after
 * printing why.
 */
int pprof_write(FILE *f, const struct aggregate *ag, struct symbolizer *s, const struct profile_meta *meta,
		int demangle);

#endif /* AGENT_EXPORT_PPROF_H */
