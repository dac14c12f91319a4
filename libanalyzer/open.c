/*
 * libanalyzer: open and load the analyzer, from an embedded slot or a
 * file, and close it (see analyzer.h; the steps in internal.h).
 */
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slots.h"

static int verbose_log;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!verbose_log)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int analyzer_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

const char *analyzer_perm_hint(int e)
{
	return (e == EPERM || e == EACCES) ? " (needs CAP_BPF and CAP_PERFMON, or root)" : "";
}

int analyzer_has_slot(enum analyzer_flavor flavor)
{
	const void *data;
	size_t size;

	return analyzer_slot(flavor, &data, &size) == 0;
}

int analyzer_slot_info(enum analyzer_flavor flavor, struct analyzer_object_info *info,
		       char *err, size_t errlen)
{
	const void *data;
	size_t size;
	char reason[200];

	if (analyzer_slot(flavor, &data, &size) < 0)
		return analyzer_fail(err, errlen, "this build has no %s analyzer slot%s",
			    flavor == ANALYZER_DEBUG ? "debug" : "release",
			    flavor == ANALYZER_DEBUG ? " (built without the debug-analyzer feature: only the release slot)" : "");
	if (analyzer_object_info_from_memory(data, size, info, reason, sizeof(reason)) < 0)
		return analyzer_fail(err, errlen, "embedded %s slot: %s",
			    flavor == ANALYZER_DEBUG ? "debug" : "release", reason);
	return 0;
}


static int find_maps(struct analyzer *a, char *err, size_t errlen)
{
	static const char *const names[] = { "counts", "stacks", "ustacks", "stats", "tracked_tgids" };
	int *fds[] = { &a->counts_fd, &a->stacks_fd, &a->ustacks_fd, &a->stats_fd, &a->tracked_fd };
	struct bpf_map *m;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		m = bpf_object__find_map_by_name(a->obj, names[i]);
		if (!m)
			return analyzer_fail(err, errlen, "analyzer object has no '%s' map", names[i]);
		*fds[i] = bpf_map__fd(m);
	}
	analyzer_open_unwind_maps(a);
	return analyzer_open_rings(a, err, errlen);
}

static int open_object(struct analyzer *a, const struct analyzer_opts *o, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "analyzer");
	char reason[200];
	const void *data;
	size_t size;

	if (o->object_path) {
		if (analyzer_object_info_from_file(o->object_path, &a->info, err, errlen) < 0)
			return -1;
		a->obj = bpf_object__open_file(o->object_path, &oo);
	} else {
		if (analyzer_slot(o->flavor, &data, &size) < 0)
			return analyzer_slot_info(o->flavor, &a->info, err, errlen);
		if (analyzer_object_info_from_memory(data, size, &a->info, reason, sizeof(reason)) < 0)
			return analyzer_fail(err, errlen, "embedded analyzer: %s", reason);
		a->obj = bpf_object__open_mem(data, size, &oo);
	}
	if (!a->obj)
		return analyzer_fail(err, errlen, "cannot open the analyzer object: %s", strerror(errno));
	if (a->info.abi != ANALYZER_ABI_VERSION)
		return analyzer_fail(err, errlen, "analyzer object has abi %d, this library speaks abi %d: use matching builds",
			    a->info.abi, ANALYZER_ABI_VERSION);
	a->prog = bpf_object__find_program_by_name(a->obj, "analyzer_sample");
	if (!a->prog)
		return analyzer_fail(err, errlen, "analyzer object has no 'analyzer_sample' program");
	return 0;
}

struct analyzer *analyzer_open(const struct analyzer_opts *o, char *err, size_t errlen)
{
	struct analyzer *a;
	int r;

	if (!o || o->sz < sizeof(size_t)) {
		analyzer_fail(err, errlen, "analyzer_open: options missing or their size not set");
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		analyzer_fail(err, errlen, "out of memory");
		return NULL;
	}
	a->counts_fd = a->stacks_fd = a->ustacks_fd = a->stats_fd = a->tracked_fd = a->poll_fd = -1;
	a->rules_fd = a->procs_fd = -1;
	a->process_cb = OPT(o, process_cb);
	a->process_ctx = OPT(o, process_ctx);
	a->copy_cb = OPT(o, copy_cb);
	a->copy_ctx = OPT(o, copy_ctx);
	a->frequency_hz = o->frequency_hz ? o->frequency_hz : DEFAULT_FREQUENCY_HZ;
	a->debug_cb = o->debug_cb;
	a->debug_ctx = o->debug_ctx;
	verbose_log = o->verbose;
	libbpf_set_print(libbpf_print);
	if (open_object(a, o, err, errlen) < 0 || analyzer_apply_settings(a, o, err, errlen) < 0)
		goto fail;
	r = bpf_object__load(a->obj);
	if (r < 0) {
		analyzer_fail(err, errlen, "cannot load the %s analyzer into the kernel: %s%s", a->info.flavor, strerror(-r),
		     *analyzer_perm_hint(-r) ? analyzer_perm_hint(-r) : o->verbose ? "" : " (the verbose option shows the verifier log)");
		goto fail;
	}
	if (find_maps(a, err, errlen) < 0)
		goto fail;
	return a;
fail:
	analyzer_close(a);
	return NULL;
}

const struct analyzer_object_info *analyzer_info(const struct analyzer *a)
{
	return &a->info;
}

int analyzer_prog_fd(const struct analyzer *a)
{
	return bpf_program__fd(a->prog);
}

void analyzer_close(struct analyzer *a)
{
	if (!a)
		return;
	analyzer_stop(a);
	analyzer_close_unwind_maps(a);
	free(a->links);
	free(a->perf_fds);
	free(a->pids);
	ring_buffer__free(a->rb);
	perf_buffer__free(a->process_pb);
	if (a->poll_fd >= 0)
		close(a->poll_fd);
	bpf_object__close(a->obj);
	free(a);
}

const char *analyzer_event_name(int event)
{
	switch (event) {
	case ANALYZER_EVENT_SAMPLE: return "sample";
	case ANALYZER_EVENT_FILTERED: return "filtered";
	case ANALYZER_EVENT_KSTACK_ERR: return "kernel-stack-error";
	case ANALYZER_EVENT_USTACK_ERR: return "user-stack-error";
	case ANALYZER_EVENT_MAP_FULL: return "map-full";
	case ANALYZER_EVENT_UNWIND: return "unwind";
	default: return "unknown";
	}
}
