// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The analyzer: a CPU sampling program attached to perf events. Per sample it
 * records the thread, its comm, a kernel and a user stack, and counts samples
 * per (thread, kernel stack, user stack) in `counts`, which userspace drains.
 *
 * Kernel stacks come from bpf_get_stackid. User stacks are unwound here,
 * from the rules the agent derives from each mapped file's CFI
 * (`unwind_rules`, `unwind_procs`), with frame pointers where a file has
 * none, and stored by hash in `ustacks`. A sample of a process whose
 * mappings the agent has not loaded yet goes to `stack_copies` instead,
 * with a copy of the top of its stack, for the agent to unwind.
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
#include <bpf/bpf_core_read.h>

struct task_struct;

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
const volatile __u8 filter_tgids = 0; /* 1: only the processes in `tracked_tgids` */
const volatile __u8 report_processes = 0; /* 1: report new processes in `process_events` */
const volatile __u8 copy_stacks = 0; /* 1: copy the stacks of processes without unwind mappings */
#ifdef ANALYZER_DEBUG
const volatile __u32 debug_level = 1; /* 0 off, 1 drops and failed unwinds, 2 also filtered and every sample */
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

/*
 * The processes sampled when filter_tgids is set: the loader puts the
 * chosen ones and their running descendants in; analyzer_fork adds every
 * process they fork, analyzer_free removes a process once it is freed.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);   /* tgid */
	__type(value, __u32); /* 1 */
	__uint(max_entries, ANALYZER_MAX_TRACKED);
} tracked_tgids SEC(".maps");

/* when a process was first reported, and whether it was reported again */
struct seen_process {
	__u64 first_ns;
	__u64 again;
};

/*
 * Processes already reported in `process_events`, so each is reported on
 * its first sample and once more (see report_new_process); analyzer_exec
 * forgets a process that execs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u32); /* tgid */
	__type(value, struct seen_process);
	__uint(max_entries, ANALYZER_MAX_SEEN);
} seen_tgids SEC(".maps");

/* struct analyzer_process_record per new process, for the agent to read its maps at once */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} process_events SEC(".maps");

/* unwind rules, one run per mapped file (written by the agent, through mmap) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct analyzer_unwind_rule);
	__uint(max_entries, ANALYZER_UNWIND_MAX_RULES);
} unwind_rules SEC(".maps");

/*
 * per process (tgid), its executable mappings (written by the agent);
 * entries are allocated as processes come, not all up front
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct analyzer_unwind_proc);
	__uint(max_entries, ANALYZER_UNWIND_MAX_PROCS);
} unwind_procs SEC(".maps");

/*
 * struct analyzer_stack_copy per sample of a process without unwind
 * mappings, cut after the bytes of stack copied: a few KiB each, so that
 * the first samples of many new processes at once (a compiler loop) fit
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} stack_copies SEC(".maps");

/* where a stack copy is made before it goes to `stack_copies` */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct analyzer_stack_copy);
	__uint(max_entries, 1);
} copy_scratch SEC(".maps");

/* user stacks by hash (31 bits), leaf first */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct analyzer_user_stack);
	__uint(max_entries, 16384);
} ustacks SEC(".maps");


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



/* the user registers, laid out as the kernel saves them (struct pt_regs) */
#if defined(ANALYZER_ARCH_arm64)
struct analyzer_regs {
	__u64 regs[31];
	__u64 sp, pc, pstate;
};
#define REGS_USER(r) (((r)->pstate & 0xf) == 0) /* EL0 */
#define REGS_PC(r) ((r)->pc)
#define REGS_SP(r) ((r)->sp)
#define REGS_FP(r) ((r)->regs[29])
#define REGS_LR(r) ((r)->regs[30])
#define USER_TOP 0x0001000000000000ULL
#else
struct analyzer_regs {
	__u64 r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};
#define REGS_USER(r) (((r)->cs & 3) == 3)
#define REGS_PC(r) ((r)->ip)
#define REGS_SP(r) ((r)->sp)
#define REGS_FP(r) ((r)->bp)
#define REGS_LR(r) 0
#define USER_TOP 0x0000800000000000ULL
#endif

/* what one user-stack unwind carries from frame to frame */
struct unwind_state {
	__u64 pc, sp, fp, lr;
	__u64 hash;
	__u32 tgid;
	__u32 depth;
	__u32 reason;     /* enum analyzer_unwind_reason, once stopped */
	__u32 how;        /* ANALYZER_UNWIND_* bits */
	__u32 stopped;
	__u32 fp_step;    /* 1: the pc came from a frame-pointer step */
	__u32 file_id;    /* where it stopped: the mapping's file, or ~0 */
	__u64 offset;     /* and the pc's offset in it */
	__u64 stop_pc;
};

/*
 * Where a user stack is built, with the unwind's state, before the stack
 * goes to `ustacks`. Keeping the state in a map value (not on the BPF
 * stack) leaves the verifier nothing to tell iterations apart by, so it
 * checks the loop body once instead of once per depth.
 */
struct unwind_scratch {
	struct analyzer_user_stack stack;
	struct unwind_state st;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct unwind_scratch);
	__uint(max_entries, 1);
} ustack_scratch SEC(".maps");

static __always_inline long unwind_stop(struct unwind_state *st, __u32 reason)
{
	st->reason = reason;
	st->stopped = 1;
	return 1;
}

/*
 * The searches below are branch-free (base += half when the probe is at or
 * below the key), so the verifier walks each once, not once per path. The
 * comparison is unsigned: the borrow out of key - probe (a signed one
 * took [vsyscall], at 0xffffffffff600000, for an address below every
 * other mapping, and lost the mapping before it, often ld.so's code).
 */
static __always_inline __u32 at_or_below(__u64 probe, __u64 key)
{
	return 1 - (__u32)(((~key & probe) | (~(key ^ probe) & (key - probe))) >> 63);
}

/* the mapping of proc holding pc, or NULL */
static __always_inline const struct analyzer_unwind_map *find_map(const struct analyzer_unwind_proc *proc, __u64 pc)
{
	__u32 n = proc->n, base = 0, half, i;

	if (n == 0)
		return NULL;
	if (n > ANALYZER_UNWIND_MAX_MAPS)
		n = ANALYZER_UNWIND_MAX_MAPS;
	for (i = 0; i < 7; i++) { /* 7 halvings cover ANALYZER_UNWIND_MAX_MAPS */
		half = n / 2;
		base += half * at_or_below(proc->maps[(base + half) & (ANALYZER_UNWIND_MAX_MAPS - 1)].start, pc);
		n -= half;
	}
	base &= ANALYZER_UNWIND_MAX_MAPS - 1;
	if (pc < proc->maps[base].start || pc >= proc->maps[base].end)
		return NULL;
	return &proc->maps[base];
}

/* the rule in force at rel in a mapping's run, or NULL */
static __always_inline const struct analyzer_unwind_rule *find_rule(const struct analyzer_unwind_map *m, __u64 rel)
{
	const struct analyzer_unwind_rule *r;
	__u32 n = m->rules_len, base = 0, half, idx, i;

	if (rel > 0xffffffffULL || n == 0)
		return NULL;
	for (i = 0; i < 20; i++) { /* 20 halvings cover ANALYZER_UNWIND_MAX_RULES */
		half = n / 2;
		idx = m->rules_start + base + half;
		r = bpf_map_lookup_elem(&unwind_rules, &idx);
		if (!r)
			return NULL;
		base += half * at_or_below(r->pc, rel);
		n -= half;
	}
	idx = m->rules_start + base;
	r = bpf_map_lookup_elem(&unwind_rules, &idx);
	return r && r->pc <= rel ? r : NULL;
}

/* one frame with frame pointers: [fp] the caller's fp, [fp + 8] the return address */
static __always_inline long unwind_fp(struct unwind_state *st)
{
	__u64 frame[2];

	st->how |= ANALYZER_UNWIND_FP_USED;
	if (st->fp == 0)
		return unwind_stop(st, ANALYZER_UNWIND_NO_ROOT);
	if (st->fp + 16 <= st->sp)
		return unwind_stop(st, ANALYZER_UNWIND_NO_PROGRESS);
	if (bpf_probe_read_user(frame, sizeof(frame), (void *)st->fp))
		return unwind_stop(st, ANALYZER_UNWIND_READ_FAULT);
	st->sp = st->fp + 16;
	st->fp = frame[0];
	st->pc = frame[1];
	st->lr = 0;
	st->fp_step = 1;
	return 0;
}

/* one frame with the rule in force at the pc */
static __always_inline long unwind_rule(struct unwind_state *st, const struct analyzer_unwind_rule *r)
{
	__u64 cfa, ra = 0, fp;

	if (r->cfa_reg == ANALYZER_CFA_END)
		return unwind_stop(st, ANALYZER_UNWIND_OK);
	cfa = analyzer_rule_cfa(r, st->pc, st->sp, st->fp);
	if (!cfa)
		return unwind_stop(st, ANALYZER_UNWIND_NO_RULE);
	/* the stack grows down: a caller's CFA lies above, or at it while the return address is in LR */
	if (cfa < st->sp || (cfa == st->sp && !r->ra_in_lr))
		return unwind_stop(st, ANALYZER_UNWIND_NO_PROGRESS);
	if (r->ra_in_lr)
		ra = st->lr;
	else if (bpf_probe_read_user(&ra, sizeof(ra), (void *)(cfa + r->ra_off)))
		return unwind_stop(st, ANALYZER_UNWIND_READ_FAULT);
	if (r->fp_off) {
		if (bpf_probe_read_user(&fp, sizeof(fp), (void *)(cfa + r->fp_off)))
			return unwind_stop(st, ANALYZER_UNWIND_READ_FAULT);
		st->fp = fp;
	}
	st->sp = cfa;
	st->pc = ra;
	st->lr = 0;
	st->fp_step = 0;
	return 0;
}

/* bpf_loop callback: record the pc, then step to the caller */
static long unwind_step(__u32 i, void *arg)
{
	const struct analyzer_unwind_proc *proc;
	const struct analyzer_unwind_map *m;
	const struct analyzer_unwind_rule *r;
	struct unwind_scratch *sc;
	struct unwind_state *st;
	__u32 zero = 0, d;
	__u64 lookup;

	(void)i;
	(void)arg;
	sc = bpf_map_lookup_elem(&ustack_scratch, &zero);
	if (!sc)
		return 1;
	st = &sc->st;
	d = st->depth;
	if (st->pc == 0 || st->pc >= USER_TOP)
		return unwind_stop(st, d == 0 || st->pc >= USER_TOP ? ANALYZER_UNWIND_BAD_PC : ANALYZER_UNWIND_NO_ROOT);
	if (d >= ANALYZER_MAX_STACK_DEPTH)
		return unwind_stop(st, ANALYZER_UNWIND_DEPTH);
	/* a return address follows its call: look up the call itself */
	lookup = d == 0 ? st->pc : st->pc - 1;
	proc = bpf_map_lookup_elem(&unwind_procs, &st->tgid);
	/*
	 * every executable mapping has an entry: a caller's pc in none is no
	 * code. Guessed by frame pointers (a frame without CFI), the guess was
	 * wrong: the unwind ends at that frame, which the record names.
	 */
	m = proc ? find_map(proc, lookup) : NULL;
	if (proc && !m && d > 0 && st->fp_step)
		return unwind_stop(st, ANALYZER_UNWIND_NO_MAPPING);
	sc->stack.ips[d] = st->pc;
	st->depth = d + 1;
	st->hash = (st->hash ^ st->pc) * 0x100000001b3ULL;
	st->stop_pc = st->pc;
	st->file_id = ~0U;
	st->offset = st->pc;
	if (!proc) {
		st->how |= ANALYZER_UNWIND_NOT_LOADED;
		return unwind_fp(st);
	}
	/*
	 * read through CFI, it is a garbage return address: recorded, and
	 * what frame pointers would find above it is no stack; the sampled pc
	 * in none (code mapped since the mappings were read) may still lead
	 * to the entry by frame pointers
	 */
	if (!m && d > 0)
		return unwind_stop(st, ANALYZER_UNWIND_NO_MAPPING);
	if (!m)
		return unwind_fp(st);
	st->file_id = m->file_id;
	st->offset = st->pc - m->start + m->pgoff;
	if (!m->rules_len) {
		st->how |= m->flags & ANALYZER_MAP_NO_ROOM ? ANALYZER_UNWIND_NO_ROOM : ANALYZER_UNWIND_NO_CFI;
		return unwind_fp(st);
	}
	r = find_rule(m, lookup - m->bias);
	if (!r)
		return unwind_stop(st, ANALYZER_UNWIND_NO_RULE);
	return unwind_rule(st, r);
}

/* this thread's user registers at the sample, NULL for a kernel thread */
static __always_inline int user_regs(void *ctx, struct analyzer_regs *regs)
{
	struct task_struct *task;
	long pt;

	if (bpf_probe_read_kernel(regs, sizeof(*regs), ctx))
		return -1;
	if (REGS_USER(regs))
		return 0;
	/* sampled in the kernel: the user registers saved on entry */
	task = bpf_get_current_task_btf();
	pt = bpf_task_pt_regs(task);
	if (!pt || bpf_probe_read_kernel(regs, sizeof(*regs), (void *)pt))
		return -1;
	return REGS_PC(regs) && REGS_PC(regs) < USER_TOP ? 0 : -1;
}

/*
 * unwind the user stack of thread tgid into `ustacks`; its id, or -EFAULT
 * when the thread has no user stack (a kernel thread), or another -errno.
 * The unwind's final state stays in `ustack_scratch`.
 */
static __always_inline __s32 unwind_user(void *ctx, __u32 tgid)
{
	struct analyzer_user_stack *old;
	struct analyzer_regs regs;
	struct unwind_scratch *sc;
	struct unwind_state *st;
	__u32 zero = 0, id;
	long err;

	sc = bpf_map_lookup_elem(&ustack_scratch, &zero);
	if (!sc)
		return -ENOMEM;
	st = &sc->st;
	__builtin_memset(st, 0, sizeof(*st));
	st->tgid = tgid;
	if (user_regs(ctx, &regs))
		return -EFAULT;
	st->pc = REGS_PC(&regs);
	st->sp = REGS_SP(&regs);
	st->fp = REGS_FP(&regs);
	st->lr = REGS_LR(&regs);
	st->hash = 0xcbf29ce484222325ULL;
	bpf_loop(ANALYZER_MAX_STACK_DEPTH + 1, unwind_step, NULL, 0);
	if (!st->stopped)
		unwind_stop(st, ANALYZER_UNWIND_DEPTH);
	if (st->depth == 0)
		return -EFAULT;
	st->hash ^= st->hash >> 29;
	st->hash *= 0xbf58476d1ce4e5b9ULL;
	st->hash ^= st->hash >> 32;
	id = (__u32)st->hash & 0x7fffffff;
	sc->stack.hash = st->hash;
	sc->stack.depth = st->depth;
	sc->stack.pad = 0;
	old = bpf_map_lookup_elem(&ustacks, &id);
	if (old)
		return old->hash == st->hash ? (__s32)id : -EEXIST;
	err = bpf_map_update_elem(&ustacks, &id, &sc->stack, BPF_NOEXIST);
	if (err && err != -EEXIST) {
		st->reason = ANALYZER_UNWIND_MAP_FULL;
		return (__s32)err;
	}
	return (__s32)id;
}

#ifdef ANALYZER_DEBUG
static __noinline void debug_report(__u16 event, int err, __u64 id, __s32 kid, __s32 uid)
{
	struct analyzer_debug_record *r;

	/* every sample, and every sample of the processes filtered out, only at level 2 */
	if (debug_level == 0 ||
	    ((event == ANALYZER_DBG_SAMPLE || event == ANALYZER_DBG_FILTERED) && debug_level < 2))
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
	r->pc = 0;
	r->offset = 0;
	r->file_id = ~0U;
	r->depth = 0;
	r->reason = 0;
	r->how = 0;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	bpf_ringbuf_submit(r, 0);
}

/* a record for an unwind that did not reach an outermost frame */
static __noinline void debug_unwind(__u64 id, __s32 uid)
{
	struct analyzer_debug_record *r;
	struct unwind_scratch *sc;
	struct unwind_state *st;
	__u32 zero = 0;

	if (debug_level == 0)
		return;
	sc = bpf_map_lookup_elem(&ustack_scratch, &zero);
	if (!sc)
		return;
	st = &sc->st;
	/* one record per stack that is not complete, none for a complete one */
	if (st->depth == 0 || st->reason == ANALYZER_UNWIND_OK)
		return;
	if (debug_printk)
		bpf_printk("analyzer: unwind tgid=%d reason=%d depth=%d", (__u32)(id >> 32), st->reason, st->depth);
	r = bpf_ringbuf_reserve(&debug_events, sizeof(*r), 0);
	if (!r) {
		stat_inc(ANALYZER_STAT_DEBUG_LOST);
		return;
	}
	__builtin_memset(r, 0, sizeof(*r));
	r->ts_ns = bpf_ktime_get_ns();
	r->pid = (__u32)id;
	r->tgid = (__u32)(id >> 32);
	r->cpu = bpf_get_smp_processor_id();
	r->event = ANALYZER_DBG_UNWIND;
	r->ustack_id = uid;
	r->pc = st->stop_pc;
	r->offset = st->offset;
	r->file_id = st->file_id;
	r->depth = (__u16)st->depth;
	r->reason = (__u8)st->reason;
	r->how = (__u8)st->how;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	bpf_ringbuf_submit(r, 0);
}
#define DEBUG_UNWIND(id, uid) debug_unwind(id, uid)
#define DEBUG_REPORT(ev, err, id, kid, uid) debug_report(ev, err, id, kid, uid)
#else
#define DEBUG_REPORT(ev, err, id, kid, uid) do { } while (0)
#define DEBUG_UNWIND(id, uid) do { } while (0)
#endif

/*
 * Only the fields the analyzer reads; libbpf relocates their offsets
 * against the running kernel's BTF (CO-RE), so no kernel headers are needed.
 */
struct mm_struct {
	unsigned long start_stack;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

/* the pid filter: 1 when the sample of tgid is to be dropped */
static __always_inline int filtered_out(__u32 tgid)
{
	return filter_tgids && !bpf_map_lookup_elem(&tracked_tgids, &tgid);
}

/*
 * a process forked. Its child (a new process, not a thread) is tracked
 * when the parent is, and starts with the parent's unwind mappings, which
 * a fork copies: its stacks unwind from its first sample, before the
 * agent has read its mappings.
 */
SEC("raw_tp/sched_process_fork")
int analyzer_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	__u32 parent = (__u32)(bpf_get_current_pid_tgid() >> 32), pid, tgid, one = 1;
	const struct analyzer_unwind_proc *proc;

	pid = (__u32)BPF_CORE_READ(child, pid);
	tgid = (__u32)BPF_CORE_READ(child, tgid);
	if (pid != tgid)
		return 0;
	if (filter_tgids) {
		if (!bpf_map_lookup_elem(&tracked_tgids, &parent))
			return 0;
		bpf_map_update_elem(&tracked_tgids, &tgid, &one, BPF_ANY);
	}
	proc = bpf_map_lookup_elem(&unwind_procs, &parent);
	if (proc)
		bpf_map_update_elem(&unwind_procs, &tgid, proc, BPF_ANY);
	return 0;
}

/*
 * a task is freed: when it is a process's leader, the whole process is
 * gone and reaped (the leader is freed after its last thread), so its
 * tgid, which a new process may reuse, is no longer tracked, and its
 * unwind mappings go
 */
SEC("raw_tp/sched_process_free")
int analyzer_free(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	__u32 pid, tgid;

	pid = (__u32)BPF_CORE_READ(task, pid);
	tgid = (__u32)BPF_CORE_READ(task, tgid);
	if (pid != tgid)
		return 0;
	if (filter_tgids)
		bpf_map_delete_elem(&tracked_tgids, &tgid);
	bpf_map_delete_elem(&unwind_procs, &tgid);
	return 0;
}

/*
 * the first sample of a process (or the first since it exec'd): tell the
 * agent, which reads its mappings while it still runs, so that a process
 * that lives a few milliseconds is symbolized too; and once more on the
 * first sample ANALYZER_REPORT_AGAIN_NS later, for a process whose first
 * sample came while the dynamic loader was still mapping its libraries
 */
static __always_inline void report_new_process(void *ctx, __u32 tgid)
{
	struct analyzer_process_record r = { .tgid = tgid };
	struct seen_process *seen, fresh = {};
	__u64 now;

	if (!report_processes)
		return;
	seen = bpf_map_lookup_elem(&seen_tgids, &tgid);
	if (seen && seen->again)
		return;
	now = bpf_ktime_get_ns();
	if (seen) {
		if (now - seen->first_ns < ANALYZER_REPORT_AGAIN_NS)
			return;
		seen->again = 1;
	} else {
		fresh.first_ns = now;
		if (bpf_map_update_elem(&seen_tgids, &tgid, &fresh, BPF_NOEXIST) != 0)
			return;
	}
	bpf_perf_event_output(ctx, &process_events, BPF_F_CURRENT_CPU, &r, sizeof(r));
}

/*
 * a process exec'd: its mappings are new, so its unwind mappings go (the
 * agent loads the new ones on the report of its next sample), and its
 * next sample reports it again
 */
SEC("raw_tp/sched_process_exec")
int analyzer_exec(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);

	(void)ctx;
	bpf_map_delete_elem(&unwind_procs, &tgid);
	if (report_processes && !filtered_out(tgid))
		bpf_map_delete_elem(&seen_tgids, &tgid);
	return 0;
}

/*
 * a sample of process tgid, whose unwind mappings are not loaded: copied
 * into `stack_copies` (registers, kernel stack, the top of the user
 * stack); 1 when it was, 0 when it is to be unwound here (loaded, a
 * kernel thread, or no room)
 */
static __always_inline int copy_stack(void *ctx, __u64 id, const struct analyzer_sample_key *key)
{
	struct analyzer_stack_copy *rec;
	struct analyzer_regs regs;
	struct task_struct *task;
	__u64 top, size, len;
	__u32 zero = 0;
	long n;
	int i;

	if (!copy_stacks || bpf_map_lookup_elem(&unwind_procs, &key->tgid))
		return 0;
	if (user_regs(ctx, &regs))
		return 0;
	rec = bpf_map_lookup_elem(&copy_scratch, &zero);
	if (!rec)
		return 0;
	rec->pid = (__u32)id;
	rec->tgid = (__u32)(id >> 32);
	rec->cpu = bpf_get_smp_processor_id();
	rec->pad = 0;
	__builtin_memcpy(rec->comm, key->comm, sizeof(rec->comm));
	rec->pc = REGS_PC(&regs);
	rec->sp = REGS_SP(&regs);
	rec->fp = REGS_FP(&regs);
	rec->lr = REGS_LR(&regs);
	n = bpf_get_stack(ctx, rec->kips, sizeof(rec->kips), 0);
	rec->kdepth = n < 0 ? (__s32)n : (__s32)(n / sizeof(__u64));
	/* the main thread's frames lie below where exec put argc */
	task = bpf_get_current_task_btf();
	top = BPF_CORE_READ(task, mm, start_stack);
	size = ANALYZER_STACK_COPY;
	if (top > rec->sp && top - rec->sp < size)
		size = (top - rec->sp + 7) & ~7ULL;
	/* a thread's stack may end sooner: shorter copies until one reads */
	for (i = 0; i < 4; i++) {
		if (size > ANALYZER_STACK_COPY)
			size = ANALYZER_STACK_COPY;
		if (bpf_probe_read_user(rec->stack, size, (void *)rec->sp) == 0)
			break;
		size /= 4;
	}
	rec->size = i < 4 ? (__u32)size : 0;
	len = __builtin_offsetof(struct analyzer_stack_copy, stack) + rec->size;
	if (len > sizeof(*rec))
		len = sizeof(*rec);
	if (bpf_ringbuf_output(&stack_copies, rec, len, 0)) {
		stat_inc(ANALYZER_STAT_COPY_LOST);
		return 0;
	}
	stat_inc(ANALYZER_STAT_COPIED);
	return 1;
}

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
	if (filtered_out(key.tgid)) {
		stat_inc(ANALYZER_STAT_FILTERED);
		DEBUG_REPORT(ANALYZER_DBG_FILTERED, 0, id, 0, 0);
		return 0;
	}
	report_new_process(ctx, key.tgid);
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	if (copy_stack(ctx, id, &key)) {
		stat_inc(ANALYZER_STAT_RECORDED);
		DEBUG_REPORT(ANALYZER_DBG_SAMPLE, 0, id, 0, 0);
		return 0;
	}

	key.kstack_type = FRAME_MARKER_KERNEL;
	key.kstack_id = bpf_get_stackid(ctx, &stacks, 0);
	/* -EFAULT: the sample hit user mode, there is no kernel stack */
	if (key.kstack_id < 0 && key.kstack_id != -EFAULT) {
		key.kstack_type |= FRAME_MARKER_ERROR_BIT;
		stat_inc(ANALYZER_STAT_KSTACK_ERR);
		DEBUG_REPORT(ANALYZER_DBG_KSTACK_ERR, key.kstack_id, id, key.kstack_id, 0);
	}
	key.ustack_type = FRAME_MARKER_NATIVE;
	key.ustack_id = unwind_user(ctx, key.tgid);
	DEBUG_UNWIND(id, key.ustack_id);
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
