/*
 * What the unwind loader's files share (internal to agent/unwind): the
 * loader's state, its files' rules (files.c), its processes (loader.c)
 * and the unwinder of stack copies (copy.c).
 */
#ifndef AGENT_UNWIND_LOADER_INTERNAL_H
#define AGENT_UNWIND_LOADER_INTERNAL_H

#include "proc/maps.h"
#include "unwind/loader.h"
#include "unwind/table.h"

/*
 * a file no process maps keeps its rules this long, or until their room is
 * needed: the next short-lived process running it unwinds at once
 */
#define KEEP_UNMAPPED_S 30.0
/* a file whose rules did not fit is tried again, once there is room, this often at most */
#define NO_ROOM_RETRY_S 10.0
/*
 * the rules of files read are kept in the agent's memory, up to this
 * many bytes, so a file read again (its run freed for room, then mapped by
 * a new process) costs a copy, not a parse; beyond, the files no process
 * maps go, least recently mapped first
 */
#define KEEP_RULES_BYTES (64u << 20)

/* a file whose rules are read (or known to have none), loaded in a run or not */
struct ul_file {
	uint64_t dev, ino;
	struct analyzer_unwind_rule *kept; /* its rules, as read (malloc'd) */
	size_t nkept;
	int has_cfi;
	uint64_t base;
	struct unwind_segment segs[UNWIND_MAX_SEGMENTS];
	size_t nsegs;
	uint32_t rules_start, rules_len, flags; /* rules_len 0 and no flags: not in a run now */
	unsigned int refs; /* processes mapping it */
	double unref_at;   /* when refs fell to 0 */
	size_t want;       /* ANALYZER_MAP_NO_ROOM: the rules it has */
	double tried_at;   /* and when they did not fit */
};

/* what a file_id names, kept after eviction for late debug records */
struct ul_name {
	char *path;
	char build_id[41];
	struct ul_file *file; /* NULL once evicted */
};

struct ul_proc {
	uint32_t tgid;
	struct analyzer_unwind_map *maps; /* as written to `unwind_procs`, sorted by start */
	uint32_t n;
	uint32_t *ids;                    /* distinct file ids it holds a reference to */
	size_t nids;
	double read_at;
};

/* a run of `unwind_rules` in use */
struct ul_run {
	uint32_t start, len;
};

struct unwind_loader {
	struct unwind_sink sink;
	struct proc_table *ptab;
	struct ul_run *runs; /* sorted by start */
	size_t nruns, cap_runs;
	size_t max_rules, used_rules;
	struct analyzer_unwind_proc scratch; /* a process's value, as it is read */
	uint32_t scratch_ids[ANALYZER_UNWIND_MAX_MAPS];
	struct ul_name *names; /* by file_id */
	size_t nnames, cap_names;
	struct ul_proc **procs; /* sorted by tgid */
	size_t nprocs, cap_procs;
	size_t kept_bytes; /* of the files' kept rules */
	struct unwind_loader_stats st;
	double deadline; /* see unwind_loader_set_deadline */
};

/*
 * ul_file_of returns the id of the file of mapping m of process tgid, its
 * rules loaded when new (files.c); -1 when out of memory, -2 when the file
 * cannot be opened (the process is gone; nothing is kept of it).
 */
int ul_file_of(struct unwind_loader *l, uint32_t tgid, const struct procmap *m);

/* ul_file_free forgets file id and frees what it holds (files.c). */
void ul_file_free(struct unwind_loader *l, size_t id);

/* ul_drop_refs drops a process's references to files ids[0..n) (files.c). */
void ul_drop_refs(struct unwind_loader *l, const uint32_t *ids, size_t n);

/*
 * ul_sweep frees the rules of files no process has mapped for keep
 * seconds (files.c); returns the entries freed.
 */
size_t ul_sweep(struct unwind_loader *l, double keep);

/* ul_proc_find returns process tgid, or NULL when not loaded (loader.c). */
struct ul_proc *ul_proc_find(const struct unwind_loader *l, uint32_t tgid);

/* ul_map_at returns the mapping of p holding pc, or NULL (loader.c). */
const struct analyzer_unwind_map *ul_map_at(const struct ul_proc *p, uint64_t pc);

#endif /* AGENT_UNWIND_LOADER_INTERNAL_H */
