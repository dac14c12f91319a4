/*
 * The agent's profile in memory: sample counts per (process, thread,
 * comm, kernel stack, user stack), added to at each drain of the analyzer, so
 * the kernel's maps stay small however long the agent runs.
 */
#ifndef AGENT_AGGREGATE_H
#define AGENT_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"

struct stack_entry {
	struct stack_entry *next; /* hash chain */
	uint64_t hash;
	uint64_t count;
	uint32_t tgid;
	uint32_t tid;
	char comm[16];
	uint8_t kernel_type, user_type; /* frame types, error bit when capture failed */
	int kernel_err, user_err;       /* -errno of a failed capture, else 0 */
	uint32_t kernel_depth, user_depth;
	uint64_t ips[];                 /* kernel leaf first, then user leaf first */
};

struct aggregate {
	struct stack_entry **buckets;
	size_t nbuckets;
	struct stack_entry **entries; /* in order of first sight */
	size_t n, cap;
	uint64_t samples;             /* sum of all counts */
};

/* aggregate_init makes an empty aggregate. Returns 0 or -1 when out of memory. */
int aggregate_init(struct aggregate *ag);

/*
 * aggregate_add adds s->count samples to the entry of s's thread and
 * stacks, creating it when new. Copies what it keeps.
 * Returns 0 or -1 when out of memory.
 */
int aggregate_add(struct aggregate *ag, const struct analyzer_sample *s);

/* aggregate_release frees all entries; ag can be initialized again. */
void aggregate_release(struct aggregate *ag);

#endif /* AGENT_AGGREGATE_H */
