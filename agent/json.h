/* The json output format: the folded data plus frame types, addresses, modules and build-ids. */
#ifndef AGENT_JSON_H
#define AGENT_JSON_H

#include <stdio.h>

#include "aggregate.h"
#include "analyzer.h"
#include "symbolize/symbolize.h"

/* what the json document says about the run besides the stacks */
struct profile_meta {
	const char *agent_version;
	const struct analyzer_object_info *analyzer;
	unsigned int frequency_hz;
	const int *pids;          /* the --pid processes (with their descendants) */
	int npids;                /* 0: every process */
	double duration_s;
	struct analyzer_stats stats;
};

/*
 * json_write symbolizes every stack of ag with s and writes one json
 * document to f:
 *
 *   { "format": "profiling-agent-profile", "format_version": 1,
 *     "agent": {...}, "analyzer": {...}, "frequency_hz", "pid" (the first --pid or null),
 *     "pids" (every --pid), "duration_s",
 *     "samples", "stats": {...},
 *     "modules": [ { "path", "build_id", "kernel" } ],
 *     "stacks": [ { "comm", "pid", "count", ["user_error"], ["kernel_error"],
 *                   "frames": [ { "type", "address", ["symbol", "symbol_offset"],
 *                                 ["module", "module_offset"] } ] } ] }
 *
 * Frames are root first; "type" is a name from frametypes.h; addresses
 * are hex strings; "module" indexes "modules". Stacks come by count,
 * highest first. Returns 0, or -1 after printing why.
 */
int json_write(FILE *f, const struct aggregate *ag, struct symbolizer *s, const struct profile_meta *meta);

#endif /* AGENT_JSON_H */
