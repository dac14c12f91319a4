/* The in-memory profile: a hash table of stacks and their counts (see aggregate.h). */
#include "aggregate.h"

#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * FNV_PRIME;
	return h;
}

/* the hash of the fields that tell entries apart */
static uint64_t sample_hash(const struct analyzer_sample *s, const char *comm)
{
	uint64_t h = FNV_OFFSET;

	h = fnv(h, &s->tgid, sizeof(s->tgid));
	h = fnv(h, &s->pid, sizeof(s->pid));
	h = fnv(h, comm, strnlen(comm, 16));
	h = fnv(h, &s->kernel_type, 1);
	h = fnv(h, &s->user_type, 1);
	h = fnv(h, &s->kernel_err, sizeof(int));
	h = fnv(h, &s->user_err, sizeof(int));
	h = fnv(h, &s->kernel_depth, sizeof(uint32_t));
	h = fnv(h, s->kernel_ips, s->kernel_depth * sizeof(uint64_t));
	h = fnv(h, &s->user_depth, sizeof(uint32_t));
	return fnv(h, s->user_ips, s->user_depth * sizeof(uint64_t));
}

static int same(const struct stack_entry *e, const struct analyzer_sample *s, const char *comm)
{
	return e->tgid == s->tgid && e->tid == s->pid && !strncmp(e->comm, comm, 16) && e->kernel_type == s->kernel_type &&
	       e->user_type == s->user_type && e->kernel_err == s->kernel_err && e->user_err == s->user_err &&
	       e->kernel_depth == s->kernel_depth && e->user_depth == s->user_depth &&
	       !memcmp(e->ips, s->kernel_ips, s->kernel_depth * sizeof(uint64_t)) &&
	       !memcmp(e->ips + s->kernel_depth, s->user_ips, s->user_depth * sizeof(uint64_t));
}

int aggregate_init(struct aggregate *ag)
{
	memset(ag, 0, sizeof(*ag));
	ag->nbuckets = 1024;
	ag->buckets = calloc(ag->nbuckets, sizeof(*ag->buckets));
	return ag->buckets ? 0 : -1;
}

static int grow(struct aggregate *ag)
{
	size_t n = ag->nbuckets * 2, i;
	struct stack_entry **b = calloc(n, sizeof(*b));

	if (!b)
		return -1;
	for (i = 0; i < ag->n; i++) {
		struct stack_entry *e = ag->entries[i];

		e->next = b[e->hash & (n - 1)];
		b[e->hash & (n - 1)] = e;
	}
	free(ag->buckets);
	ag->buckets = b;
	ag->nbuckets = n;
	return 0;
}

static struct stack_entry *new_entry(const struct analyzer_sample *s, const char *comm, uint64_t hash)
{
	size_t nips = (size_t)s->kernel_depth + s->user_depth;
	struct stack_entry *e = malloc(sizeof(*e) + nips * sizeof(uint64_t));

	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->hash = hash;
	e->tgid = s->tgid;
	e->tid = s->pid;
	memcpy(e->comm, comm, sizeof(e->comm));
	e->kernel_type = s->kernel_type;
	e->user_type = s->user_type;
	e->kernel_err = s->kernel_err;
	e->user_err = s->user_err;
	e->kernel_depth = s->kernel_depth;
	e->user_depth = s->user_depth;
	if (s->kernel_depth)
		memcpy(e->ips, s->kernel_ips, s->kernel_depth * sizeof(uint64_t));
	if (s->user_depth)
		memcpy(e->ips + s->kernel_depth, s->user_ips, s->user_depth * sizeof(uint64_t));
	return e;
}

int aggregate_add(struct aggregate *ag, const struct analyzer_sample *s)
{
	struct stack_entry *e, **tmp;
	char comm[16];
	uint64_t h;

	memset(comm, 0, sizeof(comm));
	memcpy(comm, s->comm, strnlen(s->comm, sizeof(comm) - 1));
	h = sample_hash(s, comm);
	for (e = ag->buckets[h & (ag->nbuckets - 1)]; e; e = e->next) {
		if (e->hash == h && same(e, s, comm)) {
			e->count += s->count;
			ag->samples += s->count;
			return 0;
		}
	}
	if (ag->n == ag->cap) {
		size_t cap = ag->cap ? ag->cap * 2 : 256;

		tmp = realloc(ag->entries, cap * sizeof(*tmp));
		if (!tmp)
			return -1;
		ag->entries = tmp;
		ag->cap = cap;
	}
	if (ag->n >= ag->nbuckets && grow(ag) < 0)
		return -1;
	e = new_entry(s, comm, h);
	if (!e)
		return -1;
	e->count = s->count;
	e->next = ag->buckets[h & (ag->nbuckets - 1)];
	ag->buckets[h & (ag->nbuckets - 1)] = e;
	ag->entries[ag->n++] = e;
	ag->samples += s->count;
	return 0;
}

void aggregate_release(struct aggregate *ag)
{
	size_t i;

	for (i = 0; i < ag->n; i++)
		free(ag->entries[i]);
	free(ag->entries);
	free(ag->buckets);
	memset(ag, 0, sizeof(*ag));
}
