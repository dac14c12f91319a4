/*
 * The process table: what the agent reads of each sampled process in
 * /proc, read once and handed to every part that needs it. Its code
 * mappings (/proc/PID/maps) go to the symbolizer and the unwind loader
 * alike: each registers a listener, and every read of a process's
 * mappings reaches all listeners with the same snapshot.
 */
#ifndef AGENT_PROC_TABLE_H
#define AGENT_PROC_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "proc/maps.h"

struct proc_table;

/* one read of a process's code mappings */
struct proc_snapshot {
	uint32_t tgid;
	const struct procmap *maps; /* the executable ones, in address order; paths owned by the table */
	size_t n;
	int gone;                   /* 1: the process was gone (n is 0) */
	double read_at;             /* now() when read */
};

/*
 * a listener: called with each snapshot, valid during the call only.
 * Returns 0, or -1 when out of memory.
 */
typedef int (*proc_listener_fn)(const struct proc_snapshot *snap, void *ctx);

/* proc_table_new makes an empty table, or returns NULL when out of memory. */
struct proc_table *proc_table_new(void);

/* proc_table_free frees t (accepts NULL); its listeners are not called again. */
void proc_table_free(struct proc_table *t);

/*
 * proc_table_listen adds fn(ctx) to the listeners of t. Returns 0, or -1
 * when out of memory. proc_table_unlisten removes it again.
 */
int proc_table_listen(struct proc_table *t, proc_listener_fn fn, void *ctx);
void proc_table_unlisten(struct proc_table *t, proc_listener_fn fn, void *ctx);

/*
 * proc_table_read reads process tgid's mappings now (it was sampled for
 * the first time, or exec'd) and hands them to every listener. Returns 0
 * (a process already gone is no error: its snapshot says so), or -1 when
 * out of memory.
 */
int proc_table_read(struct proc_table *t, uint32_t tgid);

/*
 * proc_table_refresh does the same when tgid was never read, or last read
 * more than a second ago (an address outside its mappings: a library
 * opened since); otherwise nothing. Returns as proc_table_read.
 */
int proc_table_refresh(struct proc_table *t, uint32_t tgid);

/* proc_table_reads returns how many times t read /proc/PID/maps. */
unsigned long proc_table_reads(const struct proc_table *t);

#endif /* AGENT_PROC_TABLE_H */
