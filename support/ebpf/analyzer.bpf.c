// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The analyzer: a CPU sampling program attached to perf events. Per sample it
 * records the thread, its comm, a kernel and a user stack, and counts samples
 * per (thread, kernel stack, user stack) in `counts`, which userspace drains.
 *
 * Built twice from this file:
 *   release  no debug code, no debug map, no trace_printk
 *   debug    (-DANALYZER_DEBUG) also reports what it does and why it drops
 *            samples, as struct analyzer_debug_record in the `debug_events`
 *            ring buffer, and optionally through bpf_printk
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>

#include "frametypes.h"
#include "analyzer_shared.h"

#ifndef ANALYZER_ARCH
#error "ANALYZER_ARCH must be set (amd64 or arm64)"
#endif
#ifndef ANALYZER_SOURCE
#error "ANALYZER_SOURCE must be set (hash of the analyzer's sources)"
#endif

#ifdef ANALYZER_DEBUG
#define ANALYZER_FLAVOR "debug"
#else
#define ANALYZER_FLAVOR "release"
#endif

#define ANALYZER_STR_(x) #x
#define ANALYZER_STR(x) ANALYZER_STR_(x)

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Identity of this object, readable from the ELF without loading it. */
const char analyzer_build_info[] SEC(ANALYZER_INFO_SECTION) __attribute__((used)) =
	"flavor=" ANALYZER_FLAVOR "\n"
	"arch=" ANALYZER_ARCH "\n"
	"abi=" ANALYZER_STR(ANALYZER_ABI_VERSION) "\n"
	"source=" ANALYZER_SOURCE "\n";

/* Settings, written by the loader before load. */
const volatile __u32 target_tgid = 0; /* 0: every process */
#ifdef ANALYZER_DEBUG
const volatile __u32 debug_level = 1; /* 0 off, 1 drops and failures, 2 also every sample */
const volatile __u8 debug_printk = 0; /* 1: also bpf_printk, for `bpftool prog tracelog` */
#endif

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, ANALYZER_MAX_STACK_DEPTH * sizeof(__u64));
	__uint(max_entries, 16384);
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct analyzer_sample_key);
	__type(value, __u64);
	__uint(max_entries, 16384);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, ANALYZER_STAT_COUNT);
} stats SEC(".maps");

/* unwind rules, one run per mapped file (written by the agent) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct analyzer_unwind_rule);
	__uint(max_entries, ANALYZER_UNWIND_MAX_RULES);
} unwind_rules SEC(".maps");

/* per process (tgid), its executable mappings (written by the agent) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct analyzer_unwind_proc);
	__uint(max_entries, ANALYZER_UNWIND_MAX_PROCS);
} unwind_procs SEC(".maps");

#ifdef ANALYZER_DEBUG
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} debug_events SEC(".maps");
#endif

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		*v += 1;
}

#ifdef ANALYZER_DEBUG
static __noinline void debug_report(__u16 event, int err, __u64 id, __s32 kid, __s32 uid)
{
	struct analyzer_debug_record *r;

	if (debug_level == 0 || (event == ANALYZER_DBG_SAMPLE && debug_level < 2))
		return;
	if (debug_printk)
		bpf_printk("analyzer: event=%d tgid=%d err=%d", event, (__u32)(id >> 32), err);
	r = bpf_ringbuf_reserve(&debug_events, sizeof(*r), 0);
	if (!r) {
		stat_inc(ANALYZER_STAT_DEBUG_LOST);
		return;
	}
	r->ts_ns = bpf_ktime_get_ns();
	r->pid = (__u32)id;
	r->tgid = (__u32)(id >> 32);
	r->cpu = bpf_get_smp_processor_id();
	r->event = event;
	r->pad = 0;
	r->err = err;
	r->kstack_id = kid;
	r->ustack_id = uid;
	r->pad2 = 0;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	bpf_ringbuf_submit(r, 0);
}
#define DEBUG_REPORT(ev, err, id, kid, uid) debug_report(ev, err, id, kid, uid)
#else
#define DEBUG_REPORT(ev, err, id, kid, uid) do { } while (0)
#endif

SEC("perf_event")
int analyzer_sample(void *ctx)
{
	struct analyzer_sample_key key = {};
	__u64 id = bpf_get_current_pid_tgid();
	__u64 one = 1, *count;
	long err;

	stat_inc(ANALYZER_STAT_SAMPLES);
	key.pid = (__u32)id;
	key.tgid = (__u32)(id >> 32);
	if (target_tgid && key.tgid != target_tgid) {
		stat_inc(ANALYZER_STAT_FILTERED);
		DEBUG_REPORT(ANALYZER_DBG_FILTERED, 0, id, 0, 0);
		return 0;
	}
	bpf_get_current_comm(key.comm, sizeof(key.comm));

	key.kstack_type = FRAME_MARKER_KERNEL;
	key.kstack_id = bpf_get_stackid(ctx, &stacks, 0);
	/* -EFAULT: the sample hit user mode, there is no kernel stack */
	if (key.kstack_id < 0 && key.kstack_id != -EFAULT) {
		key.kstack_type |= FRAME_MARKER_ERROR_BIT;
		stat_inc(ANALYZER_STAT_KSTACK_ERR);
		DEBUG_REPORT(ANALYZER_DBG_KSTACK_ERR, key.kstack_id, id, key.kstack_id, 0);
	}
	key.ustack_type = FRAME_MARKER_NATIVE;
	key.ustack_id = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);
	/* kernel threads have no user stack: -EFAULT there is expected too */
	if (key.ustack_id < 0 && key.ustack_id != -EFAULT) {
		key.ustack_type |= FRAME_MARKER_ERROR_BIT;
		stat_inc(ANALYZER_STAT_USTACK_ERR);
		DEBUG_REPORT(ANALYZER_DBG_USTACK_ERR, key.ustack_id, id, key.kstack_id, key.ustack_id);
	}

	count = bpf_map_lookup_elem(&counts, &key);
	if (count) {
		__sync_fetch_and_add(count, 1);
	} else {
		err = bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
		if (err == -EEXIST) {
			count = bpf_map_lookup_elem(&counts, &key);
			if (count)
				__sync_fetch_and_add(count, 1);
		} else if (err) {
			stat_inc(ANALYZER_STAT_MAP_FULL);
			DEBUG_REPORT(ANALYZER_DBG_MAP_FULL, (int)err, id, key.kstack_id, key.ustack_id);
			return 0;
		}
	}
	stat_inc(ANALYZER_STAT_RECORDED);
	DEBUG_REPORT(ANALYZER_DBG_SAMPLE, 0, id, key.kstack_id, key.ustack_id);
	return 0;
}
