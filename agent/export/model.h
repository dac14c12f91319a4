/*
 * One window's profile as the export formats see it: the aggregate's
 * stacks symbolized into a dictionary of mappings, functions and
 * locations, each written once and referred to by index, and samples
 * that list their locations leaf first. pprof.c and otlp.c turn it into
 * their protobuf messages; the totals are the aggregate's.
 */
#ifndef AGENT_EXPORT_MODEL_H
#define AGENT_EXPORT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "intern.h"
#include "symbolize/symbolize.h"

struct export_mapping {
	int module;          /* the symbolizer's module index */
	int64_t filename;    /* strings */
	int64_t build_id;    /* strings: hex, "" when unknown */
	int kernel;
	uint64_t limit;      /* one past the highest address of its locations */
};

struct export_function {
	int64_t name;        /* strings: as the folded output names it */
	int64_t system_name; /* strings: as the symbol table has it (mangled) */
	int64_t filename;    /* strings: its source file, 0 ("") when unknown */
};

struct export_location {
	int64_t mapping;     /* index in mappings, -1 when no file is known */
	uint64_t address;    /* file offset in the mapping's file; kernel or
				unmapped: the address itself */
	int64_t function;    /* index in functions */
	int64_t line;        /* source line of address, 0 when unknown */
};

struct export_sample {
	size_t first, n;     /* its location indices: locs[first..first+n), leaf first */
	uint64_t count;
	uint32_t pid, tid;
	int64_t comm;        /* strings */
};

struct export_model {
	struct intern strings;           /* id 0 is "" */
	struct export_mapping *mappings;
	size_t nmappings, cap_mappings;
	struct export_function *functions;
	size_t nfunctions, cap_functions;
	struct export_location *locations;
	size_t nlocations, cap_locations;
	uint64_t *locs;                  /* every sample's location indices */
	size_t nlocs, cap_locs;
	struct export_sample *samples;
	size_t nsamples;
	uint64_t total;                  /* sum of the counts */
	struct intern mapping_keys, function_keys, location_keys;
};

/*
 * export_model_build symbolizes every stack of ag with s into m (an
 * uninitialized struct): names demangled when demangle is set (system
 * names never are), with the source file and line of user frames where
 * the mapped file (or its debug file) has a line table. Stack errors become a location of a function named as
 * the folded output names them ("[lost user stack]"). Returns 0, or -1
 * after printing why (out of memory); release m either way.
 */
int export_model_build(struct export_model *m, const struct aggregate *ag, struct symbolizer *s,
		       int demangle);

/* export_model_string returns string id of m (0 <= id < m->strings.n). */
const char *export_model_string(const struct export_model *m, int64_t id);

/* export_model_release frees what m holds; accepts a zeroed m. */
void export_model_release(struct export_model *m);

#endif /* AGENT_EXPORT_MODEL_H */
