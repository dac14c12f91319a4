/*
 * libanalyzer: the unwind maps, written through typed calls (see
 * analyzer.h): `unwind_rules`, mapped into memory when the kernel lets it,
 * and `unwind_procs`.
 */
#include "internal.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void analyzer_open_unwind_maps(struct analyzer *a)
{
	struct bpf_map *rules = bpf_object__find_map_by_name(a->obj, "unwind_rules");
	struct bpf_map *procs = bpf_object__find_map_by_name(a->obj, "unwind_procs");
	void *p;

	if (!rules || !procs)
		return;
	a->rules_fd = bpf_map__fd(rules);
	a->procs_fd = bpf_map__fd(procs);
	a->max_rules = bpf_map__max_entries(rules);
	/* mapped, the rules are written without a system call, and read back to unwind copies */
	p = mmap(NULL, a->max_rules * sizeof(*a->rules), PROT_READ | PROT_WRITE, MAP_SHARED, a->rules_fd, 0);
	a->rules = p == MAP_FAILED ? NULL : p;
}

void analyzer_close_unwind_maps(struct analyzer *a)
{
	if (a->rules)
		munmap(a->rules, a->max_rules * sizeof(*a->rules));
	a->rules = NULL;
}

size_t analyzer_unwind_rules_size(const struct analyzer *a)
{
	return a->rules_fd >= 0 ? a->max_rules : 0;
}

const struct analyzer_unwind_rule *analyzer_unwind_rules(const struct analyzer *a)
{
	return a->rules;
}

int analyzer_unwind_rules_write(struct analyzer *a, uint32_t start, const struct analyzer_unwind_rule *r, uint32_t n)
{
	uint32_t *keys, i, count = n;
	int err = 0;

	if (a->rules_fd < 0)
		return -ENOENT;
	if ((size_t)start + n > a->max_rules)
		return -ERANGE;
	if (a->rules) {
		memcpy(&a->rules[start], r, (size_t)n * sizeof(*r));
		return 0;
	}
	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		keys[i] = start + i;
	if (bpf_map_update_batch(a->rules_fd, keys, r, &count, NULL) < 0)
		for (i = 0; i < n && err == 0; i++)
			err = bpf_map_update_elem(a->rules_fd, &keys[i], &r[i], BPF_ANY) ? -errno : 0;
	free(keys);
	return err;
}

int analyzer_unwind_proc_set(struct analyzer *a, uint32_t tgid, const struct analyzer_unwind_proc *p)
{
	if (a->procs_fd < 0)
		return -ENOENT;
	return bpf_map_update_elem(a->procs_fd, &tgid, p, BPF_ANY) < 0 ? -errno : 0;
}

int analyzer_unwind_proc_delete(struct analyzer *a, uint32_t tgid)
{
	if (a->procs_fd < 0)
		return -ENOENT;
	return bpf_map_delete_elem(a->procs_fd, &tgid) < 0 ? -errno : 0;
}
