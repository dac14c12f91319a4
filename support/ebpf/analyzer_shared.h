/*
 * What the analyzer shares with userspace: the sample key, the debug record
 * and the names of maps, settings and the build-info section. Included by
 * analyzer.bpf.c and by the agent; keep it free of anything else.
 */
#ifndef ANALYZER_SHARED_H
#define ANALYZER_SHARED_H

#include <linux/types.h>

#define ANALYZER_MAX_STACK_DEPTH 127
#define ANALYZER_COMM_LEN 16

/*
 * Version of what this header describes (key, record, map and setting
 * names); the agent refuses an object whose abi differs from its own.
 */
#define ANALYZER_ABI_VERSION 6

/* capacity of the `tracked_tgids` map: processes a pid filter follows at once */
#define ANALYZER_MAX_TRACKED 8192

/*
 * ELF section holding the object's identity as "key=value\n" lines:
 * flavor (release|debug), arch (amd64|arm64), abi, source (hash of the
 * analyzer's sources and build flags).
 */
#define ANALYZER_INFO_SECTION ".analyzer_info"

/*
 * Key of the `counts` hash map: one entry per (thread, kernel stack, user
 * stack). A stack id below zero is the negative errno of the failed capture;
 * its frame type then carries FRAME_MARKER_ERROR_BIT.
 */
struct analyzer_sample_key {
	__u32 pid;        /* thread id */
	__u32 tgid;       /* process id */
	__s32 kstack_id;  /* id in the `stacks` map, or -errno */
	__s32 ustack_id;  /* id in the `stacks` map, or -errno */
	__u8 kstack_type; /* FRAME_MARKER_KERNEL [| FRAME_MARKER_ERROR_BIT] */
	__u8 ustack_type; /* FRAME_MARKER_NATIVE [| FRAME_MARKER_ERROR_BIT] */
	__u8 pad[6];
	char comm[ANALYZER_COMM_LEN];
};

/* capacity of the `seen_tgids` map: processes remembered as reported */
#define ANALYZER_MAX_SEEN 8192

/*
 * a process is reported again on its first sample this long after its
 * first report: a first sample in the dynamic loader comes before the
 * libraries are mapped
 */
#define ANALYZER_REPORT_AGAIN_NS (10 * 1000 * 1000ULL)

/*
 * one record of the `process_events` perf buffer: the analyzer sampled
 * process tgid for the first time, or for the first time since it exec'd,
 * or for the first time ANALYZER_REPORT_AGAIN_NS after that
 */
struct analyzer_process_record {
	__u32 tgid;
	__u32 pad;
};

/*
 * Native unwinding. The agent turns each mapped file's CFI (.eh_frame) into
 * rules sorted by pc, merged where equal, and stores them in the
 * `unwind_rules` array, one contiguous run per file (shared by every
 * process mapping that file). A rule holds from its pc to the next rule's.
 */
#define ANALYZER_UNWIND_MAX_RULES (512 * 1024) /* entries of `unwind_rules` */
#define ANALYZER_UNWIND_MAX_MAPS 128           /* executable mappings per process (a power of 2) */
#define ANALYZER_UNWIND_MAX_PROCS 1024         /* processes in `unwind_procs` */

/* how a rule computes the CFA (the caller's stack pointer) */
enum analyzer_cfa {
	ANALYZER_CFA_NONE = 0, /* no rule: this pc cannot be unwound */
	ANALYZER_CFA_SP = 1,   /* CFA = SP + cfa_off */
	ANALYZER_CFA_FP = 2,   /* CFA = FP + cfa_off */
	ANALYZER_CFA_END = 3,  /* outermost frame: the return address is undefined */
	ANALYZER_CFA_PLT = 4,  /* x86-64 PLT: CFA = SP + 8, + 8 more where (pc & 15) >= cfa_off */
};

/* one unwind rule, in force from pc to the next rule's pc */
struct analyzer_unwind_rule {
	__u32 pc;      /* ELF address - the table's base */
	__u8 cfa_reg;  /* enum analyzer_cfa */
	__u8 ra_in_lr; /* 1: the return address is still in the link register (arm64) */
	__s16 cfa_off;
	__s16 ra_off;  /* return address at CFA + ra_off (unless ra_in_lr) */
	__s16 fp_off;  /* caller's FP saved at CFA + fp_off; 0: FP unchanged */
	__u32 pad;     /* an array map's elements are 8-byte aligned: mapped, each takes 16 bytes */
};

/*
 * the CFA (the caller's stack pointer) of the frame at pc with stack
 * pointer sp and frame pointer fp under rule r; 0 when r has none
 * (ANALYZER_CFA_NONE, ANALYZER_CFA_END). The analyzer and the agent's
 * unwinder of copied stacks both use it.
 */
static __inline__ __u64 analyzer_rule_cfa(const struct analyzer_unwind_rule *r, __u64 pc, __u64 sp, __u64 fp)
{
	if (r->cfa_reg == ANALYZER_CFA_SP)
		return sp + (__u64)(__s64)r->cfa_off;
	if (r->cfa_reg == ANALYZER_CFA_FP)
		return fp + (__u64)(__s64)r->cfa_off;
	if (r->cfa_reg == ANALYZER_CFA_PLT)
		return sp + 8 + ((pc & 15) >= (__u64)(__s64)r->cfa_off ? 8 : 0);
	return 0;
}

/* one executable mapping of a process, as `unwind_procs` holds it */
struct analyzer_unwind_map {
	__u64 start, end;  /* [start, end) */
	__u64 pgoff;       /* file offset of start */
	__u64 bias;        /* pc - bias = the pc's offset in the file's rules */
	__u32 rules_start; /* first rule in `unwind_rules` */
	__u32 rules_len;   /* 0: no rules (see flags): frame pointers */
	__u32 file_id;     /* the agent's number for the mapped file */
	__u32 flags;       /* ANALYZER_MAP_* */
};

#define ANALYZER_MAP_NO_CFI 1   /* the file has no CFI */
#define ANALYZER_MAP_NO_ROOM 2  /* its rules did not fit in `unwind_rules` */

/* value of `unwind_procs` (key: tgid): executable mappings sorted by start */
struct analyzer_unwind_proc {
	__u32 n;
	__u32 pad;
	struct analyzer_unwind_map maps[ANALYZER_UNWIND_MAX_MAPS];
};

/*
 * why an unwind stopped. ANALYZER_UNWIND_OK alone means the stack is
 * complete: it reached an outermost frame, one whose CFI leaves the
 * return address undefined (_start, a thread's clone); every other reason
 * is a stack that may stop short, and gets a debug record.
 */
enum analyzer_unwind_reason {
	ANALYZER_UNWIND_OK = 0,
	ANALYZER_UNWIND_NO_RULE,    /* the rules have none for the pc (or an expression) */
	ANALYZER_UNWIND_READ_FAULT, /* reading the stack failed */
	ANALYZER_UNWIND_DEPTH,      /* ANALYZER_MAX_STACK_DEPTH frames, and more */
	ANALYZER_UNWIND_BAD_PC,     /* the pc is 0 (the first frame's) or no user address */
	ANALYZER_UNWIND_MAP_FULL,   /* `ustacks` had no room for the stack */
	ANALYZER_UNWIND_NO_ROOT,    /* a zero return address or frame pointer, at no outermost frame */
	ANALYZER_UNWIND_NO_PROGRESS, /* the caller's stack pointer (the CFA) is not above the frame's */
	ANALYZER_UNWIND_NO_MAPPING, /* a caller's pc lies in none of the process's executable mappings */
};

/* how frames were unwound, or why not from rules (bits) */
#define ANALYZER_UNWIND_FP_USED 1    /* some frame was unwound with frame pointers */
#define ANALYZER_UNWIND_NOT_LOADED 2 /* the process's rules are not loaded (yet) */
#define ANALYZER_UNWIND_NO_CFI 4     /* a file without CFI */
#define ANALYZER_UNWIND_NO_ROOM 8    /* a file whose rules did not fit */

/* value of `ustacks` (key: the stack's hash, 31 bits): a user stack, leaf first */
struct analyzer_user_stack {
	__u64 hash; /* the full 64-bit hash, to tell collisions */
	__u32 depth;
	__u32 pad;
	__u64 ips[ANALYZER_MAX_STACK_DEPTH];
};

/*
 * A sample of a process whose unwind mappings are not loaded yet (its
 * first samples, before the agent has read its mappings) is not counted in
 * `counts`: the analyzer copies its user registers, its kernel stack and
 * the top of its user stack into the `stack_copies` ring buffer, and the
 * agent unwinds the copy with the process's rules once it has loaded them.
 */
#define ANALYZER_STACK_COPY 16384 /* bytes of user stack copied, at most, from SP up */

/* one record of `stack_copies`, which ends after stack[size] */
struct analyzer_stack_copy {
	__u32 pid;
	__u32 tgid;
	char comm[ANALYZER_COMM_LEN];
	__u64 pc, sp, fp, lr; /* the user registers (lr: arm64's x30, else 0) */
	__s32 kdepth;         /* kernel frames in kips; 0: sampled in user mode; < 0: -errno */
	__u32 size;           /* bytes in stack[], copied from sp up */
	__u32 cpu;
	__u32 pad;
	__u64 kips[ANALYZER_MAX_STACK_DEPTH];
	__u8 stack[ANALYZER_STACK_COPY];
};

/* indexes of the per-CPU `stats` array, present in both flavors */
enum analyzer_stat {
	ANALYZER_STAT_SAMPLES = 0,   /* perf events seen */
	ANALYZER_STAT_RECORDED,      /* samples counted in `counts` */
	ANALYZER_STAT_FILTERED,      /* dropped by the pid filter */
	ANALYZER_STAT_KSTACK_ERR,    /* kernel stack capture failed (not -EFAULT) */
	ANALYZER_STAT_USTACK_ERR,    /* user stack capture failed */
	ANALYZER_STAT_MAP_FULL,      /* `counts` update failed */
	ANALYZER_STAT_DEBUG_LOST,    /* debug records the ring buffer had no room for */
	ANALYZER_STAT_COPIED,        /* samples handed out as stack copies (counted in RECORDED) */
	ANALYZER_STAT_COPY_LOST,     /* stack copies `stack_copies` had no room for (unwound here) */
	ANALYZER_STAT_COUNT,
};

/* what a debug record reports (debug flavor only) */
enum analyzer_dbg_event {
	ANALYZER_DBG_SAMPLE = 1,     /* a sample was recorded */
	ANALYZER_DBG_FILTERED,       /* dropped: pid does not match the filter */
	ANALYZER_DBG_KSTACK_ERR,     /* kernel stack capture failed, err = -errno */
	ANALYZER_DBG_USTACK_ERR,     /* user stack capture failed, err = -errno */
	ANALYZER_DBG_MAP_FULL,       /* dropped: `counts` update failed, err = -errno */
	ANALYZER_DBG_UNWIND,         /* a user stack's unwind failed, was cut short, or used frame pointers */
};

/* one record of the debug flavor's `debug_events` ring buffer */
struct analyzer_debug_record {
	__u64 ts_ns;      /* bpf_ktime_get_ns() */
	__u32 pid;
	__u32 tgid;
	__u32 cpu;
	__u16 event;      /* enum analyzer_dbg_event */
	__u16 pad;
	__s32 err;        /* -errno from a helper, 0 when none */
	__s32 kstack_id;
	__s32 ustack_id;
	__u32 pad2;
	char comm[ANALYZER_COMM_LEN];
	/* ANALYZER_DBG_UNWIND: where and why the unwind stopped */
	__u64 pc;         /* the last frame's pc */
	__u64 offset;     /* its offset in the mapped file (the pc when none) */
	__u32 file_id;    /* the mapping's file (struct analyzer_unwind_map), ~0: none */
	__u16 depth;      /* frames unwound */
	__u8 reason;      /* enum analyzer_unwind_reason */
	__u8 how;         /* ANALYZER_UNWIND_* bits */
};

#endif /* ANALYZER_SHARED_H */
