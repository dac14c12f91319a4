/*
 * libanalyzer: hand out the aggregated stacks (analyzer_drain) and the
 * counters, from the analyzer's maps.
 */
#include "internal.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frametypes.h"

/* read a stack of the `ustacks` map; depth 0 with *e set when it is gone */
static uint32_t read_user_stack(struct analyzer *a, int id, int *e)
{
	if (id < 0) {
		*e = id == -EFAULT ? 0 : id;
		return 0;
	}
	if (bpf_map_lookup_elem(a->ustacks_fd, &id, &a->ustack) != 0) {
		*e = -ENOENT;
		return 0;
	}
	return a->ustack.depth < ANALYZER_MAX_STACK_DEPTH ? a->ustack.depth : ANALYZER_MAX_STACK_DEPTH;
}

/* read a stack of the `stacks` map; depth 0 with *e set when it is gone */
static uint32_t read_stack(struct analyzer *a, int id, uint64_t *ips, int *e)
{
	uint32_t n = 0;

	if (id < 0) {
		*e = id == -EFAULT ? 0 : id;
		return 0;
	}
	if (bpf_map_lookup_elem(a->stacks_fd, &id, ips) != 0) {
		*e = -ENOENT;
		return 0;
	}
	while (n < ANALYZER_MAX_STACK_DEPTH && ips[n])
		n++;
	return n;
}

static int hand_out(struct analyzer *a, const struct analyzer_sample_key *k, uint64_t count,
		    analyzer_sample_fn fn, void *ctx)
{
	struct analyzer_sample s;

	memset(&s, 0, sizeof(s));
	s.pid = k->pid;
	s.tgid = k->tgid;
	memcpy(s.comm, k->comm, sizeof(s.comm));
	s.comm[sizeof(s.comm) - 1] = '\0';
	s.count = count;
	s.kernel_type = k->kstack_type;
	s.user_type = k->ustack_type;
	s.kernel_depth = read_stack(a, k->kstack_id, a->kips, &s.kernel_err);
	s.user_depth = read_user_stack(a, k->ustack_id, &s.user_err);
	if (s.kernel_err == -ENOENT)
		s.kernel_type |= FRAME_MARKER_ERROR_BIT;
	if (s.user_err == -ENOENT)
		s.user_type |= FRAME_MARKER_ERROR_BIT;
	s.kernel_ips = a->kips;
	s.user_ips = (const uint64_t *)a->ustack.ips;
	return fn(&s, ctx);
}

/* every key of `counts` now, into a malloc'd *keys; 0 or a negative errno */
static int collect_keys(struct analyzer *a, struct analyzer_sample_key **keys, size_t *n)
{
	struct analyzer_sample_key *v = NULL, *tmp, next;
	size_t cap = 0;

	*n = 0;
	while (bpf_map_get_next_key(a->counts_fd, *n ? &v[*n - 1] : NULL, &next) == 0) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			tmp = realloc(v, cap * sizeof(*v));
			if (!tmp) {
				free(v);
				return -ENOMEM;
			}
			v = tmp;
		}
		v[(*n)++] = next;
	}
	*keys = v;
	return 0;
}

static int by_id(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return a < b ? -1 : a > b;
}

/* ids[0..n): the sorted stack ids of one kind in keys (kernel: which 0, user: 1) */
static size_t stack_ids(const struct analyzer_sample_key *keys, size_t n, int which, int *ids)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		ids[k++] = which ? keys[i].ustack_id : keys[i].kstack_id;
	if (k)
		qsort(ids, k, sizeof(*ids), by_id);
	return k;
}

/*
 * delete the stacks the drained keys used, but not those that keys
 * recorded since (while fn ran) still use: their samples would lose them
 */
static void forget_stacks(struct analyzer *a, const struct analyzer_sample_key *keys, size_t n)
{
	struct analyzer_sample_key *live = NULL;
	size_t nlive = 0, i, nids;
	int *ids = NULL, id, which, fd;

	if (collect_keys(a, &live, &nlive) < 0)
		return; /* keep the stacks: a later drain deletes them */
	ids = malloc((nlive + 1) * sizeof(*ids));
	if (!ids)
		goto cleanup;
	for (which = 0; which < 2; which++) {
		nids = stack_ids(live, nlive, which, ids);
		fd = which ? a->ustacks_fd : a->stacks_fd;
		for (i = 0; i < n; i++) {
			id = which ? keys[i].ustack_id : keys[i].kstack_id;
			if (id >= 0 && !(nids && bsearch(&id, ids, nids, sizeof(*ids), by_id)))
				bpf_map_delete_elem(fd, &id);
		}
	}
cleanup:
	free(ids);
	free(live);
}

int analyzer_drain(struct analyzer *a, analyzer_sample_fn fn, void *ctx)
{
	struct analyzer_sample_key *keys = NULL;
	size_t n = 0, i;
	uint64_t count;
	int ret;

	ret = collect_keys(a, &keys, &n);
	if (ret < 0)
		return ret;
	/* when fn fails, the keys not handed out stay for a later drain */
	for (i = 0; i < n && ret == 0; i++) {
		if (bpf_map_lookup_and_delete_elem(a->counts_fd, &keys[i], &count) != 0) {
			if (bpf_map_lookup_elem(a->counts_fd, &keys[i], &count) != 0)
				continue;
			bpf_map_delete_elem(a->counts_fd, &keys[i]);
		}
		ret = hand_out(a, &keys[i], count, fn, ctx);
	}
	forget_stacks(a, keys, i);
	free(keys);
	return ret;
}

int analyzer_read_stats(const struct analyzer *a, struct analyzer_stats *st)
{
	uint64_t *vals, sum[ANALYZER_STAT_COUNT];
	int ncpu = libbpf_num_possible_cpus(), c;
	__u32 i;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (i = 0; i < ANALYZER_STAT_COUNT; i++) {
		sum[i] = 0;
		if (bpf_map_lookup_elem(a->stats_fd, &i, vals) != 0)
			continue;
		for (c = 0; c < ncpu; c++)
			sum[i] += vals[c];
	}
	free(vals);
	st->samples = sum[ANALYZER_STAT_SAMPLES];
	st->recorded = sum[ANALYZER_STAT_RECORDED];
	st->filtered = sum[ANALYZER_STAT_FILTERED];
	st->kstack_err = sum[ANALYZER_STAT_KSTACK_ERR];
	st->ustack_err = sum[ANALYZER_STAT_USTACK_ERR];
	st->map_full = sum[ANALYZER_STAT_MAP_FULL];
	st->debug_lost = sum[ANALYZER_STAT_DEBUG_LOST];
	st->copied = sum[ANALYZER_STAT_COPIED];
	st->copy_lost = sum[ANALYZER_STAT_COPY_LOST];
	return 0;
}
