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
#define ANALYZER_ABI_VERSION 2

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

/* indexes of the per-CPU `stats` array, present in both flavors */
enum analyzer_stat {
	ANALYZER_STAT_SAMPLES = 0,   /* perf events seen */
	ANALYZER_STAT_RECORDED,      /* samples counted in `counts` */
	ANALYZER_STAT_FILTERED,      /* dropped by the pid filter */
	ANALYZER_STAT_KSTACK_ERR,    /* kernel stack capture failed (not -EFAULT) */
	ANALYZER_STAT_USTACK_ERR,    /* user stack capture failed */
	ANALYZER_STAT_MAP_FULL,      /* `counts` update failed */
	ANALYZER_STAT_DEBUG_LOST,    /* debug records the ring buffer had no room for */
	ANALYZER_STAT_COUNT,
};

/* what a debug record reports (debug flavor only) */
enum analyzer_dbg_event {
	ANALYZER_DBG_SAMPLE = 1,     /* a sample was recorded */
	ANALYZER_DBG_FILTERED,       /* dropped: pid does not match the filter */
	ANALYZER_DBG_KSTACK_ERR,     /* kernel stack capture failed, err = -errno */
	ANALYZER_DBG_USTACK_ERR,     /* user stack capture failed, err = -errno */
	ANALYZER_DBG_MAP_FULL,       /* dropped: `counts` update failed, err = -errno */
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
};

#endif /* ANALYZER_SHARED_H */
