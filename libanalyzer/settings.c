/*
 * libanalyzer: the settings an opened object gets before it loads: its
 * `const volatile` globals in `.rodata`, found through BTF, and the size
 * of `unwind_rules`.
 */
#include "internal.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* find a `const volatile` global in .rodata through BTF and set it */
static int set_rodata(struct bpf_object *obj, const char *name, const void *val, size_t len)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, ".rodata");
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	size_t size;
	char *data;
	int id, i;

	if (!map || !btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, (__u32)id);
	/* writable until load, whatever the prototype says */
	data = (char *)(uintptr_t)bpf_map__initial_value(map, &size);
	if (!sec || !data)
		return -ENOENT;
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (!var || strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (vs->size != len || vs->offset + len > size)
			return -EINVAL;
		memcpy(data + vs->offset, val, len);
		return 0;
	}
	return -ENOENT;
}


/* the processes to sample, from opts->pid and opts->pids, into a->pids */
static int copy_pids(struct analyzer *a, const struct analyzer_opts *o, char *err, size_t errlen)
{
	const int *pids = OPT(o, pids);
	size_t npids = OPT(o, npids), i;

	a->pids = calloc(npids + 1, sizeof(*a->pids));
	if (!a->pids)
		return analyzer_fail(err, errlen, "out of memory");
	if (o->pid > 0)
		a->pids[a->npids++] = o->pid;
	for (i = 0; pids && i < npids; i++) {
		if (pids[i] <= 0)
			return analyzer_fail(err, errlen, "pid %d is not a process id", pids[i]);
		a->pids[a->npids++] = pids[i];
	}
	if (!a->npids) {
		free(a->pids);
		a->pids = NULL;
	}
	return 0;
}

/* the pid filter: on or off (its tracepoints load either way, see attach_tracepoints) */
static int set_filter(struct analyzer *a, char *err, size_t errlen)
{
	__u8 filter = a->pids ? 1 : 0;
	int r;

	r = set_rodata(a->obj, "filter_tgids", &filter, sizeof(filter));
	if (r < 0)
		return analyzer_fail(err, errlen, "analyzer object has no setting 'filter_tgids': %s", strerror(-r));
	return 0;
}

/* new processes are reported only for a process_cb, stacks copied only for a copy_cb */
static int set_reporting(struct analyzer *a, char *err, size_t errlen)
{
	__u8 report = a->process_cb ? 1 : 0, copy = a->copy_cb ? 1 : 0;
	int r;

	r = set_rodata(a->obj, "report_processes", &report, sizeof(report));
	if (r < 0)
		return analyzer_fail(err, errlen, "analyzer object has no setting 'report_processes': %s", strerror(-r));
	r = set_rodata(a->obj, "copy_stacks", &copy, sizeof(copy));
	if (r < 0)
		return analyzer_fail(err, errlen, "analyzer object has no setting 'copy_stacks': %s", strerror(-r));
	return 0;
}

/* `unwind_rules` gets n entries (0: as the object says) */
static int size_unwind_rules(struct analyzer *a, size_t n, char *err, size_t errlen)
{
	struct bpf_map *m;
	int r;

	if (!n)
		return 0;
	m = bpf_object__find_map_by_name(a->obj, "unwind_rules");
	if (!m)
		return analyzer_fail(err, errlen, "analyzer object has no 'unwind_rules' map");
	if (n > UINT32_MAX)
		return analyzer_fail(err, errlen, "unwind_rules %zu is above %u", n, UINT32_MAX);
	r = bpf_map__set_max_entries(m, (__u32)n);
	if (r < 0)
		return analyzer_fail(err, errlen, "cannot size the unwind rules' map: %s", strerror(-r));
	return 0;
}

int analyzer_apply_settings(struct analyzer *a, const struct analyzer_opts *o, char *err, size_t errlen)
{
	__u32 level;
	__u8 printk = o->debug_printk ? 1 : 0;
	int r;

	switch (o->debug_level) {
	case ANALYZER_DEBUG_LEVEL_OFF: level = 0; break;
	case ANALYZER_DEBUG_LEVEL_DEFAULT: level = 1; break;
	case ANALYZER_DEBUG_LEVEL_DROPS:
	case ANALYZER_DEBUG_LEVEL_ALL: level = (__u32)o->debug_level; break;
	default: return analyzer_fail(err, errlen, "debug_level %d is not one of -1, 0, 1, 2", o->debug_level);
	}
	if (copy_pids(a, o, err, errlen) < 0 || set_filter(a, err, errlen) < 0 ||
	    set_reporting(a, err, errlen) < 0 || size_unwind_rules(a, OPT(o, unwind_rules), err, errlen) < 0)
		return -1;
	if (strcmp(a->info.flavor, "debug"))
		return 0;
	r = set_rodata(a->obj, "debug_level", &level, sizeof(level));
	if (r == 0)
		r = set_rodata(a->obj, "debug_printk", &printk, sizeof(printk));
	if (r < 0)
		return analyzer_fail(err, errlen, "debug analyzer object lacks its debug settings: %s", strerror(-r));
	return 0;
}
