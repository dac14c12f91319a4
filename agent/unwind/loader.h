/*
 * Loads unwind rules into the analyzer's maps: each mapped file's rules
 * once (by build-id, else by device and inode) into one run of
 * `unwind_rules`, shared by every process mapping the file, and per
 * process its executable mappings into `unwind_procs`. A file's run is
 * freed once no loaded process has mapped it for a while, or sooner when
 * its room is needed; rules that do not fit are counted, and their
 * mappings fall back to frame pointers. A file's rules are read once and
 * kept in memory (up to 64 MiB beyond those of files mapped now), so a new
 * process of a known file costs a copy of them at most.
 */
#ifndef AGENT_UNWIND_LOADER_H
#define AGENT_UNWIND_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "analyzer_shared.h"

struct unwind_loader;

/*
 * where the loader writes: the analyzer's unwind maps (unwind/sink.c), or
 * memory (the unit tests). Each call returns 0 or a negative errno.
 */
struct unwind_sink {
	void *ctx;
	size_t max_rules;                         /* entries of the rules table */
	const struct analyzer_unwind_rule *rules; /* the table as written, for unwinding copies; NULL: none */
	int (*write_rules)(void *ctx, uint32_t start, const struct analyzer_unwind_rule *r, uint32_t n);
	int (*set_proc)(void *ctx, uint32_t tgid, const struct analyzer_unwind_proc *p);
	int (*delete_proc)(void *ctx, uint32_t tgid);
};

/*
 * unwind_sink_analyzer fills *sink with the unwind maps of the loaded
 * analyzer a (libanalyzer's calls). Returns 0, or -1 when a has none.
 */
int unwind_sink_analyzer(struct unwind_sink *sink, struct analyzer *a);

struct unwind_loader_stats {
	size_t processes;     /* processes loaded now */
	size_t files;         /* files whose rules are loaded now */
	size_t rules;         /* entries of `unwind_rules` in use */
	size_t max_rules;     /* its size */
	unsigned long no_room;   /* files whose rules did not fit */
	unsigned long no_cfi;    /* files without CFI */
	unsigned long procs_full; /* processes `unwind_procs` had no room for */
	unsigned long evicted;   /* runs of files no process mapped freed (their rules kept) */
	unsigned long reads;     /* files whose CFI was read (each once while kept) */
	unsigned long forgotten; /* files whose kept rules were freed (KEEP_RULES_BYTES) */
	size_t kept_bytes;       /* rules kept in memory, at most 64 MiB beyond what processes map */
	unsigned long late;      /* processes read past the deadline, their files left unread */
};

struct proc_table;

/*
 * unwind_loader_new makes a loader writing into sink (copied; what it
 * points to must outlive the loader), taking process mappings from the
 * process table t (which must outlive it too): every read of t, for this
 * loader or another listener, loads the process read. Returns NULL when
 * out of memory. Free with unwind_loader_free.
 */
struct unwind_loader *unwind_loader_new(const struct unwind_sink *sink, struct proc_table *t);

/* unwind_loader_free frees l (the maps keep what was written); accepts NULL. */
void unwind_loader_free(struct unwind_loader *l);

/*
 * unwind_loader_track makes sure process tgid's rules are loaded: on first
 * sight it has the process table read its mappings, and loads each
 * executable file's CFI (the vDSO's from its image in the process's
 * memory); later, when one of ips[0..n) lies outside the mappings it
 * loaded (a library opened since), it has them read again, at most once a
 * second. Returns 0 (a
 * process already gone is no error), or -1 when out of memory.
 */
int unwind_loader_track(struct unwind_loader *l, uint32_t tgid, const uint64_t *ips, size_t n);

/*
 * unwind_loader_reload has the process table read process tgid's
 * mappings now, known or not: it
 * was sampled for the first time, or exec'd (which dropped its mappings
 * from `unwind_procs`). Returns 0, or -1 when out of memory.
 */
int unwind_loader_reload(struct unwind_loader *l, uint32_t tgid);

/*
 * unwind_loader_set_deadline: past t (on clock.h's now()), no file's rules
 * are read or loaded any more, for a process's mappings read then count
 * for no sample (the sampling has ended). The default, INFINITY: never.
 */
void unwind_loader_set_deadline(struct unwind_loader *l, double t);

/*
 * unwind_loader_forget_exited drops the processes that exited, and frees
 * the rules of files no remaining process has mapped for 30 seconds (those
 * of any file no process maps go sooner, when their room is needed).
 */
void unwind_loader_forget_exited(struct unwind_loader *l);

/*
 * unwind_loader_file names the file of a mapping's file_id: its path and
 * build-id (hex, "" when none), owned by l. Returns 0, or -1 for an
 * unknown id.
 */
int unwind_loader_file(const struct unwind_loader *l, uint32_t file_id, const char **path,
		       const char **build_id);

/* how an unwind of a stack copy went, as the analyzer reports its own */
struct unwind_result {
	size_t depth;      /* frames in ips */
	int reason;        /* enum analyzer_unwind_reason */
	int how;           /* ANALYZER_UNWIND_* bits */
	uint32_t file_id;  /* the last frame's mapped file (unwind_loader_file), UINT32_MAX: none */
	uint64_t pc;       /* the last frame's pc */
	uint64_t offset;   /* its offset in the file (the pc when none) */
};

/*
 * unwind_loader_unwind unwinds the stack copy c of a sample of process
 * tgid, as the analyzer does (rules where the mapping has them, else frame
 * pointers), into ips[0..max), leaf first, and says in *res how it went: a
 * read outside the copy is a read fault; a process not loaded unwinds by
 * frame pointers only.
 */
void unwind_loader_unwind(struct unwind_loader *l, uint32_t tgid, const struct analyzer_user_copy *c,
			  uint64_t *ips, size_t max, struct unwind_result *res);

/* unwind_loader_read_stats fills *st. */
void unwind_loader_read_stats(const struct unwind_loader *l, struct unwind_loader_stats *st);

#endif /* AGENT_UNWIND_LOADER_H */
