/*
 * libanalyzer: embed the profiler's eBPF analyzer in a program.
 *
 * The analyzer samples CPU stacks with perf events and counts samples per
 * (thread, kernel stack, user stack). Its objects are embedded in this
 * library in "slots": the release slot always, the debug slot when the
 * library was built with the debug-analyzer feature. A program opens one,
 * starts it, polls (which delivers debug records to a callback), drains the
 * aggregated samples and closes it:
 *
 *	struct analyzer_opts opts = { .sz = sizeof(opts), .flavor = ANALYZER_DEBUG };
 *	char err[256];
 *	struct analyzer *a = analyzer_open(&opts, err, sizeof(err));
 *	if (!a || analyzer_start(a, err, sizeof(err)) < 0) ...
 *	while (running) analyzer_poll(a, 100);
 *	analyzer_stop(a);
 *	analyzer_drain(a, on_sample, ctx);
 *	analyzer_close(a);
 *
 * Needs CAP_BPF and CAP_PERFMON (or root). Not thread-safe: use one
 * struct analyzer from one thread at a time.
 */
#ifndef LIBANALYZER_H
#define LIBANALYZER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ANALYZER_API_VERSION 4

enum analyzer_flavor {
	ANALYZER_RELEASE = 0, /* the release slot */
	ANALYZER_DEBUG = 1,   /* the debug slot */
};

/* what a debug record reports; mirrors the analyzer's own event numbers */
enum analyzer_event {
	ANALYZER_EVENT_SAMPLE = 1,     /* a sample was recorded */
	ANALYZER_EVENT_FILTERED = 2,   /* dropped: pid does not match the filter */
	ANALYZER_EVENT_KSTACK_ERR = 3, /* kernel stack capture failed */
	ANALYZER_EVENT_USTACK_ERR = 4, /* user stack capture failed */
	ANALYZER_EVENT_MAP_FULL = 5,   /* dropped: the counts map refused the sample */
	ANALYZER_EVENT_UNWIND = 6,     /* a user stack's unwind failed, was cut short or used frame pointers */
};

/* one debug record, as the debug analyzer reported it */
struct analyzer_debug_event {
	uint64_t ts_ns;  /* CLOCK_MONOTONIC time of the event */
	uint32_t pid;    /* thread id */
	uint32_t tgid;   /* process id */
	uint32_t cpu;
	int event;       /* enum analyzer_event */
	int err;         /* -errno from the failing helper, 0 when none */
	int kstack_id;
	int ustack_id;
	char comm[16];
	/* ANALYZER_EVENT_UNWIND: where and why the unwind stopped */
	uint64_t pc;          /* the last frame's pc */
	uint64_t map_offset;  /* its offset in the mapped file (the pc when none) */
	uint32_t file_id;     /* the mapped file, as the unwind maps number it; UINT32_MAX: none */
	uint32_t depth;       /* frames unwound */
	int unwind_reason;    /* enum analyzer_unwind_reason (analyzer_shared.h) */
	int unwind_how;       /* its ANALYZER_UNWIND_* bits: frame pointers used, and why */
};

typedef void (*analyzer_debug_fn)(const struct analyzer_debug_event *ev, void *ctx);

/*
 * called from analyzer_poll when the analyzer samples process tgid for
 * the first time, or for the first time since it exec'd: the moment to
 * read what it maps (/proc/PID/maps), before a short-lived process is gone
 */
typedef void (*analyzer_process_fn)(uint32_t tgid, void *ctx);

struct analyzer_sample;

/*
 * a sample of a process whose unwind mappings (analyzer_unwind_proc_set)
 * were not loaded yet: the user registers and the top of the user stack, as the
 * analyzer copied them, for the caller to unwind
 */
struct analyzer_user_copy {
	uint64_t pc, sp, fp, lr;  /* lr: arm64's x30, else 0 */
	const uint8_t *stack;     /* the bytes at [sp, sp + size) */
	size_t size;
	uint32_t cpu;             /* where the sample was taken */
};

/*
 * called from analyzer_poll for each such sample: s has its thread, comm,
 * count (1) and kernel stack, and no user stack (user_depth 0); c its
 * copy. Both are valid during the call only. A non-zero return stops
 * analyzer_poll, which returns it.
 */
typedef int (*analyzer_copy_fn)(const struct analyzer_sample *s, const struct analyzer_user_copy *c, void *ctx);

/* what the debug analyzer reports (analyzer_opts.debug_level) */
#define ANALYZER_DEBUG_LEVEL_DEFAULT 0 /* its default: ANALYZER_DEBUG_LEVEL_DROPS */
#define ANALYZER_DEBUG_LEVEL_OFF (-1)  /* nothing */
#define ANALYZER_DEBUG_LEVEL_DROPS 1   /* dropped samples, failed captures and unwinds */
#define ANALYZER_DEBUG_LEVEL_ALL 2     /* also samples the pid filter drops, and every recorded sample */

struct analyzer_opts {
	size_t sz;                  /* sizeof(struct analyzer_opts), for compatibility */
	enum analyzer_flavor flavor;
	const char *object_path;    /* load this object file instead of the embedded slot */
	unsigned int frequency_hz;  /* samples per second per CPU; 0: 19 */
	int pid;                    /* only this process (tgid) and its descendants; 0: every process */
	int debug_level;            /* debug flavor: one of ANALYZER_DEBUG_LEVEL_* */
	int debug_printk;           /* debug flavor: also bpf_printk, for `bpftool prog tracelog` */
	analyzer_debug_fn debug_cb; /* called from analyzer_poll for each debug record */
	void *debug_ctx;
	int verbose;                /* let libbpf's own log through to stderr */
	/*
	 * since API version 2: more processes to sample, with pid. With pid or
	 * pids set, the analyzer samples those processes (every thread) and
	 * their descendants: those running at analyzer_start and every process
	 * they fork from then on, up to 8192 processes at once.
	 */
	const int *pids;
	size_t npids;
	analyzer_process_fn process_cb; /* since API version 2: new processes sampled */
	void *process_ctx;
	/*
	 * since API version 3: samples of processes without unwind mappings
	 * come here as stack copies; without it they are unwound with frame
	 * pointers and drained with the others
	 */
	analyzer_copy_fn copy_cb;
	void *copy_ctx;
	/* since API version 3: entries of `unwind_rules`; 0: ANALYZER_UNWIND_MAX_RULES */
	size_t unwind_rules;
};

/* the identity an analyzer object declares in its ELF */
struct analyzer_object_info {
	char flavor[16]; /* "release" or "debug" */
	char arch[16];   /* "amd64" or "arm64" */
	char source[32]; /* hash of the analyzer's sources */
	int abi;
};

/* one aggregated stack, as analyzer_drain hands it out */
struct analyzer_sample {
	uint32_t pid;                /* thread id */
	uint32_t tgid;               /* process id */
	char comm[16];
	uint64_t count;              /* samples since the last drain */
	const uint64_t *kernel_ips;  /* leaf first */
	uint32_t kernel_depth;
	const uint64_t *user_ips;    /* leaf first */
	uint32_t user_depth;
	uint8_t kernel_type;         /* frame type (frametypes.h), error bit on failure */
	uint8_t user_type;
	int kernel_err;              /* -errno of a failed or lost kernel stack, else 0 */
	int user_err;
};

typedef int (*analyzer_sample_fn)(const struct analyzer_sample *s, void *ctx);

/* counters the analyzer keeps in both flavors, summed over CPUs */
struct analyzer_stats {
	uint64_t samples;    /* perf events seen */
	uint64_t recorded;   /* samples counted */
	uint64_t filtered;   /* dropped by the pid filter (not a chosen process or a descendant) */
	uint64_t kstack_err; /* kernel stack capture failures */
	uint64_t ustack_err; /* user stack capture failures */
	uint64_t map_full;   /* samples the counts map refused */
	uint64_t debug_lost; /* debug records the ring buffer had no room for */
	uint64_t copied;     /* since API version 3: samples handed to copy_cb (in recorded) */
	uint64_t copy_lost;  /* stack copies the ring buffer had no room for (unwound by frame pointers) */
};

struct analyzer;

/*
 * analyzer_has_slot tells whether this build embeds the given flavor's slot
 * (1) or not (0).
 */
int analyzer_has_slot(enum analyzer_flavor flavor);

/*
 * analyzer_slot_info reads the identity of an embedded slot without loading
 * it. Returns 0, or -1 with a one-line reason in err.
 */
int analyzer_slot_info(enum analyzer_flavor flavor, struct analyzer_object_info *info,
		       char *err, size_t errlen);

/*
 * analyzer_open opens an analyzer (the embedded slot, or opts->object_path),
 * applies the settings and loads it into the kernel, without attaching.
 * Returns a handle the caller frees with analyzer_close, or NULL with a
 * one-line reason in err (missing slot, bad object, kernel refusal with the
 * errno and a hint).
 */
struct analyzer *analyzer_open(const struct analyzer_opts *opts, char *err, size_t errlen);

/*
 * analyzer_info returns the identity of the loaded object (owned by a,
 * valid until analyzer_close).
 */
const struct analyzer_object_info *analyzer_info(const struct analyzer *a);

/*
 * analyzer_start attaches the analyzer: with a pid filter, first to the
 * scheduler's fork and free tracepoints, then puts the chosen processes and
 * their running descendants (read from /proc) in its filter; then opens a
 * CPU-clock perf event per online CPU and attaches to each. Returns 0, or
 * -1 with the reason in err.
 */
int analyzer_start(struct analyzer *a, char *err, size_t errlen);

/*
 * analyzer_stop detaches the analyzer from its perf events, so no new
 * samples arrive, while keeping its maps: a last analyzer_poll and
 * analyzer_drain then see everything it recorded. Idempotent.
 */
void analyzer_stop(struct analyzer *a);

/*
 * analyzer_poll waits up to timeout_ms for debug records, new processes
 * and stack copies, and hands each to opts->debug_cb, opts->process_cb or
 * opts->copy_cb (new processes first). Returns the number of records (0
 * when there were none, as for a release object without callbacks),
 * copy_cb's non-zero return, or a negative errno (-EINTR when a signal
 * interrupted the wait).
 */
int analyzer_poll(struct analyzer *a, int timeout_ms);

/*
 * analyzer_drain hands every aggregated stack to fn, then removes it from
 * the kernel's maps, so a later drain sees only newer samples. The sample
 * and its arrays are valid during the call only. Stops early and returns
 * fn's value when fn returns non-zero (what was not handed out stays for
 * a later drain); returns 0 when all were handed out, or a negative errno
 * when reading the maps failed.
 */
int analyzer_drain(struct analyzer *a, analyzer_sample_fn fn, void *ctx);

/*
 * analyzer_read_stats sums the analyzer's counters over CPUs into *st.
 * Returns 0 or a negative errno.
 */
int analyzer_read_stats(const struct analyzer *a, struct analyzer_stats *st);

/*
 * analyzer_prog_fd returns the loaded program's file descriptor (owned by
 * a), for callers that read its run-time statistics.
 */
int analyzer_prog_fd(const struct analyzer *a);

/*
 * The unwind maps (since API version 4). The analyzer unwinds a process's
 * user stacks from rules: `unwind_procs` holds, per process, its
 * executable mappings (struct analyzer_unwind_proc), each naming a run of
 * the table `unwind_rules` (struct analyzer_unwind_rule); both layouts
 * are in the analyzer's shared header, analyzer_shared.h. A process
 * without an entry is unwound with frame pointers (or, with a copy_cb,
 * handed out as a stack copy).
 */
struct analyzer_unwind_rule;
struct analyzer_unwind_proc;

/*
 * analyzer_unwind_rules_size returns the entries of `unwind_rules`
 * (analyzer_opts.unwind_rules, or the object's default), 0 when the loaded
 * object has no unwind maps.
 */
size_t analyzer_unwind_rules_size(const struct analyzer *a);

/*
 * analyzer_unwind_rules returns `unwind_rules` as the analyzer reads it
 * (memory owned by a, valid until analyzer_close), or NULL when the kernel
 * could not map it (it is then written through system calls and cannot be
 * read back).
 */
const struct analyzer_unwind_rule *analyzer_unwind_rules(const struct analyzer *a);

/*
 * analyzer_unwind_rules_write writes rules[0..n) at entries [start, start
 * + n) of `unwind_rules`. Returns 0, -ERANGE past its end, -ENOENT without
 * unwind maps, or another negative errno.
 */
int analyzer_unwind_rules_write(struct analyzer *a, uint32_t start, const struct analyzer_unwind_rule *rules,
				uint32_t n);

/*
 * analyzer_unwind_proc_set makes p process tgid's mappings in
 * `unwind_procs`. Returns 0, -E2BIG when the map is full, -ENOENT without
 * unwind maps, or another negative errno.
 */
int analyzer_unwind_proc_set(struct analyzer *a, uint32_t tgid, const struct analyzer_unwind_proc *p);

/*
 * analyzer_unwind_proc_delete removes process tgid from `unwind_procs`.
 * Returns 0, or a negative errno (-ENOENT when it had no entry).
 */
int analyzer_unwind_proc_delete(struct analyzer *a, uint32_t tgid);

/*
 * analyzer_close detaches everything and frees a. Accepts NULL.
 */
void analyzer_close(struct analyzer *a);

/*
 * analyzer_object_info_from_file reads the identity an analyzer object
 * declares in its ".analyzer_info" section, without loading it.
 * Returns 0, or -1 with a one-line reason naming path in err.
 */
int analyzer_object_info_from_file(const char *path, struct analyzer_object_info *info,
				   char *err, size_t errlen);

/*
 * analyzer_object_info_from_memory does the same for an object image in
 * data[0..size). Returns 0, or -1 with the reason in err.
 */
int analyzer_object_info_from_memory(const void *data, size_t size,
				     struct analyzer_object_info *info, char *err, size_t errlen);

/*
 * analyzer_object_info_parse parses the section's text ("key=value\n"
 * lines; flavor, arch and abi required, unknown keys ignored). Returns 0 or
 * -1 when it is malformed.
 */
int analyzer_object_info_parse(const char *text, size_t len, struct analyzer_object_info *info);

/* analyzer_event_name names an enum analyzer_event value ("sample", ...). */
const char *analyzer_event_name(int event);

#ifdef __cplusplus
}
#endif

#endif /* LIBANALYZER_H */
