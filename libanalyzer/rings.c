/*
 * libanalyzer: the records the analyzer sends to user space (debug
 * records, stack copies, new processes), read from their ring and perf
 * buffers by analyzer_poll.
 */
#include "internal.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "frametypes.h"

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

	/* the record ends after the bytes of stack copied */
	if (size < offsetof(struct analyzer_stack_copy, stack) || a->copy_ret)
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
	c.size = size - offsetof(struct analyzer_stack_copy, stack);
	if (r->size < c.size)
		c.size = r->size;
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
			return analyzer_fail(err, errlen, "analyzer object has no 'process_events' map");
		a->process_pb = perf_buffer__new(bpf_map__fd(m), 8, handle_process, NULL, a, NULL);
		if (!a->process_pb)
			return analyzer_fail(err, errlen, "cannot open the process events buffer: %s", strerror(errno));
	}
	if (!a->rb && !a->process_pb)
		return 0;
	a->poll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (a->poll_fd < 0)
		return analyzer_fail(err, errlen, "cannot create an epoll set: %s", strerror(errno));
	if (a->rb && epoll_ctl(a->poll_fd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(a->rb), &ev) < 0)
		return analyzer_fail(err, errlen, "cannot poll the debug ring buffer: %s", strerror(errno));
	if (a->process_pb && epoll_ctl(a->poll_fd, EPOLL_CTL_ADD, perf_buffer__epoll_fd(a->process_pb), &ev) < 0)
		return analyzer_fail(err, errlen, "cannot poll the process events buffer: %s", strerror(errno));
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

int analyzer_open_rings(struct analyzer *a, char *err, size_t errlen)
{
	struct bpf_map *m;

	m = bpf_object__find_map_by_name(a->obj, "debug_events");
	if (m && add_ring(a, m, handle_debug) < 0)
		return analyzer_fail(err, errlen, "cannot open the debug ring buffer: %s", strerror(errno));
	if (a->copy_cb) {
		m = bpf_object__find_map_by_name(a->obj, "stack_copies");
		if (!m)
			return analyzer_fail(err, errlen, "analyzer object has no 'stack_copies' map");
		if (add_ring(a, m, handle_copy) < 0)
			return analyzer_fail(err, errlen, "cannot open the stack copies' ring buffer: %s", strerror(errno));
	}
	return open_poll(a, err, errlen);
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
