/*
 * libanalyzer: open, configure, load, attach and read the eBPF analyzer
 * (see analyzer.h). Loader order as in libbpf-bootstrap: open, set rodata,
 * load, attach, poll, and one cleanup path that destroys everything.
 */
#include "analyzer.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "analyzer_shared.h"
#include "frametypes.h"
#include "slots.h"

#define DEFAULT_FREQUENCY_HZ 19

struct analyzer {
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *fork_link, *free_link, *exec_link; /* see attach_tracepoints */
	int *pids;                              /* the chosen processes; NULL: every process */
	size_t npids;
	int tracked_fd;
	int counts_fd;
	int stacks_fd;
	int ustacks_fd;
	int stats_fd;
	struct ring_buffer *rb;        /* debug_events, stack_copies: those there are */
	struct perf_buffer *process_pb; /* NULL without a process_cb */
	int poll_fd;                    /* epoll over rb and process_pb */
	analyzer_copy_fn copy_cb;
	void *copy_ctx;
	int copy_ret;                   /* copy_cb's non-zero return, for analyzer_poll */
	analyzer_process_fn process_cb;
	void *process_ctx;
	unsigned long process_records;
	struct bpf_link **links;
	int *perf_fds;
	int nr_cpus;
	unsigned int frequency_hz;
	analyzer_debug_fn debug_cb;
	void *debug_ctx;
	struct analyzer_object_info info;
	uint64_t kips[ANALYZER_MAX_STACK_DEPTH]; /* drain's scratch stacks */
	struct analyzer_user_stack ustack;
};

static int verbose_log;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!verbose_log)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *perm_hint(int e)
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
		return fail(err, errlen, "this build has no %s analyzer slot%s",
			    flavor == ANALYZER_DEBUG ? "debug" : "release",
			    flavor == ANALYZER_DEBUG ? " (built without the debug-analyzer feature: only the release slot)" : "");
	if (analyzer_object_info_from_memory(data, size, info, reason, sizeof(reason)) < 0)
		return fail(err, errlen, "embedded %s slot: %s",
			    flavor == ANALYZER_DEBUG ? "debug" : "release", reason);
	return 0;
}

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

/* a field of opts that the caller's version of the struct has */
#define OPT(o, field) ((o)->sz >= offsetof(struct analyzer_opts, field) + sizeof((o)->field) ? (o)->field : 0)

/* the processes to sample, from opts->pid and opts->pids, into a->pids */
static int copy_pids(struct analyzer *a, const struct analyzer_opts *o, char *err, size_t errlen)
{
	const int *pids = OPT(o, pids);
	size_t npids = OPT(o, npids), i;

	a->pids = calloc(npids + 1, sizeof(*a->pids));
	if (!a->pids)
		return fail(err, errlen, "out of memory");
	if (o->pid > 0)
		a->pids[a->npids++] = o->pid;
	for (i = 0; pids && i < npids; i++) {
		if (pids[i] <= 0)
			return fail(err, errlen, "pid %d is not a process id", pids[i]);
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
		return fail(err, errlen, "analyzer object has no setting 'filter_tgids': %s", strerror(-r));
	return 0;
}

/* new processes are reported only for a process_cb, stacks copied only for a copy_cb */
static int set_reporting(struct analyzer *a, char *err, size_t errlen)
{
	__u8 report = a->process_cb ? 1 : 0, copy = a->copy_cb ? 1 : 0;
	int r;

	r = set_rodata(a->obj, "report_processes", &report, sizeof(report));
	if (r < 0)
		return fail(err, errlen, "analyzer object has no setting 'report_processes': %s", strerror(-r));
	r = set_rodata(a->obj, "copy_stacks", &copy, sizeof(copy));
	if (r < 0)
		return fail(err, errlen, "analyzer object has no setting 'copy_stacks': %s", strerror(-r));
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
		return fail(err, errlen, "analyzer object has no 'unwind_rules' map");
	if (n > UINT32_MAX)
		return fail(err, errlen, "unwind_rules %zu is above %u", n, UINT32_MAX);
	r = bpf_map__set_max_entries(m, (__u32)n);
	if (r < 0)
		return fail(err, errlen, "cannot size the unwind rules' map: %s", strerror(-r));
	return 0;
}

static int apply_settings(struct analyzer *a, const struct analyzer_opts *o, char *err, size_t errlen)
{
	__u32 level;
	__u8 printk = o->debug_printk ? 1 : 0;
	int r;

	switch (o->debug_level) {
	case ANALYZER_DEBUG_LEVEL_OFF: level = 0; break;
	case ANALYZER_DEBUG_LEVEL_DEFAULT: level = 1; break;
	case ANALYZER_DEBUG_LEVEL_DROPS:
	case ANALYZER_DEBUG_LEVEL_ALL: level = (__u32)o->debug_level; break;
	default: return fail(err, errlen, "debug_level %d is not one of -1, 0, 1, 2", o->debug_level);
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
		return fail(err, errlen, "debug analyzer object lacks its debug settings: %s", strerror(-r));
	return 0;
}

static int handle_debug(void *ctx, void *data, size_t size)
{
	struct analyzer *a = ctx;
	const struct analyzer_debug_record *r = data;
	struct analyzer_debug_event ev;

	if (size < sizeof(*r) || !a->debug_cb)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = r->ts_ns;
	ev.pid = r->pid;
	ev.tgid = r->tgid;
	ev.cpu = r->cpu;
	ev.event = r->event;
	ev.err = r->err;
	ev.kstack_id = r->kstack_id;
	ev.ustack_id = r->ustack_id;
	memcpy(ev.comm, r->comm, sizeof(ev.comm));
	ev.comm[sizeof(ev.comm) - 1] = '\0';
	ev.pc = r->pc;
	ev.map_offset = r->offset;
	ev.file_id = r->file_id;
	ev.depth = r->depth;
	ev.unwind_reason = r->reason;
	ev.unwind_how = r->how;
	a->debug_cb(&ev, a->debug_ctx);
	return 0;
}

static int handle_copy(void *ctx, void *data, size_t size)
{
	struct analyzer *a = ctx;
	const struct analyzer_stack_copy *r = data;
	struct analyzer_user_copy c;
	struct analyzer_sample s;

	if (size < sizeof(*r) || a->copy_ret)
		return 0;
	memset(&s, 0, sizeof(s));
	s.pid = r->pid;
	s.tgid = r->tgid;
	memcpy(s.comm, r->comm, sizeof(s.comm));
	s.comm[sizeof(s.comm) - 1] = '\0';
	s.count = 1;
	s.kernel_type = FRAME_MARKER_KERNEL;
	s.user_type = FRAME_MARKER_NATIVE;
	s.kernel_ips = (const uint64_t *)r->kips;
	if (r->kdepth > 0)
		s.kernel_depth = r->kdepth < ANALYZER_MAX_STACK_DEPTH ? (uint32_t)r->kdepth : ANALYZER_MAX_STACK_DEPTH;
	else if (r->kdepth < 0 && r->kdepth != -EFAULT) {
		s.kernel_type |= FRAME_MARKER_ERROR_BIT;
		s.kernel_err = r->kdepth;
	}
	c.pc = r->pc;
	c.sp = r->sp;
	c.fp = r->fp;
	c.lr = r->lr;
	c.stack = r->stack;
	c.cpu = r->cpu;
	c.size = r->size < ANALYZER_STACK_COPY ? r->size : ANALYZER_STACK_COPY;
	a->copy_ret = a->copy_cb(&s, &c, a->copy_ctx);
	return 0;
}

static void handle_process(void *ctx, int cpu, void *data, __u32 size)
{
	struct analyzer *a = ctx;
	const struct analyzer_process_record *r = data;

	(void)cpu;
	if (size < sizeof(*r))
		return;
	a->process_records++;
	a->process_cb(r->tgid, a->process_ctx);
}

/* one epoll set over the debug ring buffer and the process perf buffer, those there are */
static int open_poll(struct analyzer *a, char *err, size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct bpf_map *m;

	if (a->process_cb) {
		m = bpf_object__find_map_by_name(a->obj, "process_events");
		if (!m)
			return fail(err, errlen, "analyzer object has no 'process_events' map");
		a->process_pb = perf_buffer__new(bpf_map__fd(m), 8, handle_process, NULL, a, NULL);
		if (!a->process_pb)
			return fail(err, errlen, "cannot open the process events buffer: %s", strerror(errno));
	}
	if (!a->rb && !a->process_pb)
		return 0;
	a->poll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (a->poll_fd < 0)
		return fail(err, errlen, "cannot create an epoll set: %s", strerror(errno));
	if (a->rb && epoll_ctl(a->poll_fd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(a->rb), &ev) < 0)
		return fail(err, errlen, "cannot poll the debug ring buffer: %s", strerror(errno));
	if (a->process_pb && epoll_ctl(a->poll_fd, EPOLL_CTL_ADD, perf_buffer__epoll_fd(a->process_pb), &ev) < 0)
		return fail(err, errlen, "cannot poll the process events buffer: %s", strerror(errno));
	return 0;
}

/* ring buffer map m, read by fn, joins a->rb; 0, or -1 with errno set */
static int add_ring(struct analyzer *a, struct bpf_map *m, ring_buffer_sample_fn fn)
{
	int r;

	if (!a->rb) {
		a->rb = ring_buffer__new(bpf_map__fd(m), fn, a, NULL);
		return a->rb ? 0 : -1;
	}
	r = ring_buffer__add(a->rb, bpf_map__fd(m), fn, a);
	if (r < 0)
		errno = -r;
	return r < 0 ? -1 : 0;
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
			return fail(err, errlen, "analyzer object has no '%s' map", names[i]);
		*fds[i] = bpf_map__fd(m);
	}
	m = bpf_object__find_map_by_name(a->obj, "debug_events");
	if (m && add_ring(a, m, handle_debug) < 0)
		return fail(err, errlen, "cannot open the debug ring buffer: %s", strerror(errno));
	if (a->copy_cb) {
		m = bpf_object__find_map_by_name(a->obj, "stack_copies");
		if (!m)
			return fail(err, errlen, "analyzer object has no 'stack_copies' map");
		if (add_ring(a, m, handle_copy) < 0)
			return fail(err, errlen, "cannot open the stack copies' ring buffer: %s", strerror(errno));
	}
	return open_poll(a, err, errlen);
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
			return fail(err, errlen, "embedded analyzer: %s", reason);
		a->obj = bpf_object__open_mem(data, size, &oo);
	}
	if (!a->obj)
		return fail(err, errlen, "cannot open the analyzer object: %s", strerror(errno));
	if (a->info.abi != ANALYZER_ABI_VERSION)
		return fail(err, errlen, "analyzer object has abi %d, this library speaks abi %d: use matching builds",
			    a->info.abi, ANALYZER_ABI_VERSION);
	a->prog = bpf_object__find_program_by_name(a->obj, "analyzer_sample");
	if (!a->prog)
		return fail(err, errlen, "analyzer object has no 'analyzer_sample' program");
	return 0;
}

struct analyzer *analyzer_open(const struct analyzer_opts *o, char *err, size_t errlen)
{
	struct analyzer *a;
	int r;

	if (!o || o->sz < sizeof(size_t)) {
		fail(err, errlen, "analyzer_open: options missing or their size not set");
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	a->counts_fd = a->stacks_fd = a->ustacks_fd = a->stats_fd = a->tracked_fd = a->poll_fd = -1;
	a->process_cb = OPT(o, process_cb);
	a->process_ctx = OPT(o, process_ctx);
	a->copy_cb = OPT(o, copy_cb);
	a->copy_ctx = OPT(o, copy_ctx);
	a->frequency_hz = o->frequency_hz ? o->frequency_hz : DEFAULT_FREQUENCY_HZ;
	a->debug_cb = o->debug_cb;
	a->debug_ctx = o->debug_ctx;
	verbose_log = o->verbose;
	libbpf_set_print(libbpf_print);
	if (open_object(a, o, err, errlen) < 0 || apply_settings(a, o, err, errlen) < 0)
		goto fail;
	r = bpf_object__load(a->obj);
	if (r < 0) {
		fail(err, errlen, "cannot load the %s analyzer into the kernel: %s%s", a->info.flavor, strerror(-r),
		     *perm_hint(-r) ? perm_hint(-r) : o->verbose ? "" : " (the verbose option shows the verifier log)");
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

static int perf_open(int cpu, unsigned int hz)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.freq = 1;
	attr.sample_freq = hz;
	return (int)syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* put pid in the filter; 1 when it was not there yet, 0 when it was, -errno */
static int track(struct analyzer *a, __u32 pid)
{
	__u32 one = 1;

	if (bpf_map_update_elem(a->tracked_fd, &pid, &one, BPF_NOEXIST) == 0)
		return 1;
	return errno == EEXIST ? 0 : -errno;
}

/* the parent of process pid, from /proc/PID/stat; 0 when it is gone */
static __u32 parent_of(const char *pid)
{
	char path[64], line[512], *end;
	unsigned int ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	/* "pid (comm) S ppid ...": the comm may hold spaces and parentheses */
	if (fgets(line, sizeof(line), f) && (end = strrchr(line, ')')) && sscanf(end + 1, " %*c %u", &ppid) != 1)
		ppid = 0;
	fclose(f);
	return ppid;
}

/*
 * one pass over /proc: track every process whose parent is tracked.
 * Returns how many were added, or -errno.
 */
static int track_children_pass(struct analyzer *a)
{
	struct dirent *d;
	__u32 ppid, pid, v;
	int added = 0, r;
	DIR *dir = opendir("/proc");

	if (!dir)
		return -errno;
	while ((d = readdir(dir)) != NULL) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		ppid = parent_of(d->d_name);
		if (!ppid || bpf_map_lookup_elem(a->tracked_fd, &ppid, &v) != 0)
			continue;
		pid = (__u32)strtoul(d->d_name, NULL, 10);
		r = track(a, pid);
		if (r < 0) {
			added = r;
			break;
		}
		added += r;
	}
	closedir(dir);
	return added;
}

/*
 * the filter's first members: the chosen processes, then their running
 * descendants. The fork tracepoint is attached already, so a process a
 * tracked one forks from now on is added by the analyzer; passes repeat
 * until one adds nothing, for those forked by a process added meanwhile.
 */
static int start_filter(struct analyzer *a, char *err, size_t errlen)
{
	size_t i;
	int r = 0;

	for (i = 0; i < a->npids && r >= 0; i++)
		r = track(a, (__u32)a->pids[i]);
	if (r >= 0)
		r = 1;
	while (r > 0)
		r = track_children_pass(a);
	if (r < 0)
		return fail(err, errlen, "cannot fill the analyzer's pid filter: %s", strerror(-r));
	return 0;
}

/*
 * the process tracepoints: fork (the pid filter's new members, a child's
 * unwind mappings), free (a reaped process leaves both) and exec (its
 * unwind mappings go; it is reported again)
 */
static int attach_tracepoints(struct analyzer *a, char *err, size_t errlen)
{
	static const char *const progs[] = { "analyzer_fork", "analyzer_free", "analyzer_exec" };
	static const char *const tps[] = { "sched_process_fork", "sched_process_free", "sched_process_exec" };
	struct bpf_link **links[] = { &a->fork_link, &a->free_link, &a->exec_link };
	struct bpf_program *p;
	size_t i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		p = bpf_object__find_program_by_name(a->obj, progs[i]);
		if (!p)
			return fail(err, errlen, "analyzer object has no '%s' program", progs[i]);
		*links[i] = bpf_program__attach(p);
		if (!*links[i])
			return fail(err, errlen, "cannot attach to the %s tracepoint: %s%s", tps[i],
				    strerror(errno), perm_hint(errno));
	}
	return 0;
}

int analyzer_start(struct analyzer *a, char *err, size_t errlen)
{
	int cpu, attached = 0, e;

	if (a->links)
		return fail(err, errlen, "analyzer already started");
	if (attach_tracepoints(a, err, errlen) < 0 || (a->pids && start_filter(a, err, errlen) < 0))
		return -1;
	a->nr_cpus = libbpf_num_possible_cpus();
	if (a->nr_cpus <= 0)
		return fail(err, errlen, "cannot count CPUs: %s", strerror(-a->nr_cpus));
	a->links = calloc((size_t)a->nr_cpus, sizeof(*a->links));
	a->perf_fds = malloc((size_t)a->nr_cpus * sizeof(*a->perf_fds));
	if (!a->links || !a->perf_fds)
		return fail(err, errlen, "out of memory");
	for (cpu = 0; cpu < a->nr_cpus; cpu++)
		a->perf_fds[cpu] = -1;
	for (cpu = 0; cpu < a->nr_cpus; cpu++) {
		a->perf_fds[cpu] = perf_open(cpu, a->frequency_hz);
		if (a->perf_fds[cpu] < 0) {
			e = errno;
			if (e == ENODEV) /* offline CPU */
				continue;
			return fail(err, errlen, "cannot open a perf event on cpu %d: %s%s", cpu,
				    strerror(e), perm_hint(e));
		}
		a->links[cpu] = bpf_program__attach_perf_event(a->prog, a->perf_fds[cpu]);
		if (!a->links[cpu]) {
			e = errno;
			return fail(err, errlen, "cannot attach the analyzer to cpu %d: %s%s", cpu,
				    strerror(e), perm_hint(e));
		}
		attached++;
	}
	if (!attached)
		return fail(err, errlen, "no online CPU to attach the analyzer to");
	return 0;
}

void analyzer_stop(struct analyzer *a)
{
	int cpu;

	bpf_link__destroy(a->fork_link);
	bpf_link__destroy(a->free_link);
	bpf_link__destroy(a->exec_link);
	a->fork_link = a->free_link = a->exec_link = NULL;
	for (cpu = 0; a->links && a->perf_fds && cpu < a->nr_cpus; cpu++) {
		bpf_link__destroy(a->links[cpu]);
		a->links[cpu] = NULL;
		if (a->perf_fds[cpu] >= 0)
			close(a->perf_fds[cpu]);
		a->perf_fds[cpu] = -1;
	}
}

int analyzer_poll(struct analyzer *a, int timeout_ms)
{
	struct epoll_event ev[2];
	unsigned long before = a->process_records;
	int records = 0, r;

	if (a->poll_fd < 0) {
		if (timeout_ms > 0)
			usleep((useconds_t)timeout_ms * 1000);
		return 0;
	}
	if (epoll_wait(a->poll_fd, ev, 2, timeout_ms) < 0)
		return -errno;
	/* new processes first: a stack copy needs its process's mappings read */
	if (a->process_pb) {
		r = perf_buffer__consume(a->process_pb);
		if (r < 0)
			return r;
	}
	if (a->rb) {
		records = ring_buffer__consume(a->rb);
		if (records < 0)
			return records;
	}
	if (a->copy_ret) {
		r = a->copy_ret;
		a->copy_ret = 0;
		return r;
	}
	return records + (int)(a->process_records - before);
}

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

int analyzer_prog_fd(const struct analyzer *a)
{
	return bpf_program__fd(a->prog);
}

int analyzer_map_fd(const struct analyzer *a, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(a->obj, name);

	return m ? bpf_map__fd(m) : -1;
}

void analyzer_close(struct analyzer *a)
{
	if (!a)
		return;
	analyzer_stop(a);
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
