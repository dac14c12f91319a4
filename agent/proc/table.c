/* The process table (see proc/table.h). */
#include "proc/table.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#define REFRESH_INTERVAL_S 1.0
/* the table forgets processes that exited, when it has grown by this many */
#define SWEEP_EVERY 256

struct proc_entry {
	uint32_t tgid;
	double read_at;
};

struct proc_listener {
	proc_listener_fn fn;
	void *ctx;
};

struct proc_table {
	struct proc_entry *procs; /* sorted by tgid */
	size_t nprocs, cap_procs, swept_at;
	struct proc_listener *listeners;
	size_t nlisteners;
	struct procmap *maps; /* a read's mappings, reused */
	size_t cap_maps;
	char *line;           /* and its lines (the paths point into them) */
	size_t line_cap;
	char *text;
	size_t text_cap;
	unsigned long reads;
};

struct proc_table *proc_table_new(void)
{
	return calloc(1, sizeof(struct proc_table));
}

void proc_table_free(struct proc_table *t)
{
	if (!t)
		return;
	free(t->procs);
	free(t->listeners);
	free(t->maps);
	free(t->line);
	free(t->text);
	free(t);
}

int proc_table_listen(struct proc_table *t, proc_listener_fn fn, void *ctx)
{
	struct proc_listener *v = realloc(t->listeners, (t->nlisteners + 1) * sizeof(*v));

	if (!v)
		return -1;
	t->listeners = v;
	v[t->nlisteners].fn = fn;
	v[t->nlisteners].ctx = ctx;
	t->nlisteners++;
	return 0;
}

void proc_table_unlisten(struct proc_table *t, proc_listener_fn fn, void *ctx)
{
	size_t i, kept = 0;

	for (i = 0; i < t->nlisteners; i++)
		if (t->listeners[i].fn != fn || t->listeners[i].ctx != ctx)
			t->listeners[kept++] = t->listeners[i];
	t->nlisteners = kept;
}

/* the index of tgid's entry in t->procs, or where it goes */
static size_t slot(const struct proc_table *t, uint32_t tgid)
{
	size_t lo = 0, hi = t->nprocs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->procs[mid].tgid < tgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* drop the entries of processes that exited */
static void sweep(struct proc_table *t)
{
	size_t i, kept = 0;

	for (i = 0; i < t->nprocs; i++)
		if (kill((pid_t)t->procs[i].tgid, 0) == 0 || errno != ESRCH)
			t->procs[kept++] = t->procs[i];
	t->nprocs = kept;
	t->swept_at = kept;
}

/* tgid's entry, added when new; NULL when out of memory */
static struct proc_entry *entry(struct proc_table *t, uint32_t tgid)
{
	struct proc_entry *v;
	size_t at;

	if (t->nprocs >= t->swept_at + SWEEP_EVERY)
		sweep(t);
	at = slot(t, tgid);
	if (at < t->nprocs && t->procs[at].tgid == tgid)
		return &t->procs[at];
	if (t->nprocs == t->cap_procs) {
		v = realloc(t->procs, (t->cap_procs ? t->cap_procs * 2 : 64) * sizeof(*v));
		if (!v)
			return NULL;
		t->procs = v;
		t->cap_procs = t->cap_procs ? t->cap_procs * 2 : 64;
	}
	memmove(&t->procs[at + 1], &t->procs[at], (t->nprocs - at) * sizeof(*t->procs));
	t->nprocs++;
	t->procs[at].tgid = tgid;
	t->procs[at].read_at = -1e9;
	return &t->procs[at];
}

/* append text[0..len) to t->text; its offset, or -1 when out of memory */
static long keep_text(struct proc_table *t, size_t *used, const char *s)
{
	size_t len = strlen(s) + 1, cap;
	char *v;

	if (*used + len > t->text_cap) {
		cap = t->text_cap ? t->text_cap : 4096;
		while (cap < *used + len)
			cap *= 2;
		v = realloc(t->text, cap);
		if (!v)
			return -1;
		t->text = v;
		t->text_cap = cap;
	}
	memcpy(t->text + *used, s, len);
	*used += len;
	return (long)(*used - len);
}

/*
 * read the code mappings of tgid into t->maps[0..*n) (their paths as
 * offsets into t->text until the end); 1 when the process is gone, 0, or
 * -1 when out of memory
 */
static int read_maps(struct proc_table *t, uint32_t tgid, size_t *n)
{
	size_t used = 0, i;
	struct procmap m, *v;
	char path[64];
	long off;
	FILE *f;
	int ret = 0;

	*n = 0;
	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/maps", tgid);
	f = fopen(path, "re");
	if (!f)
		return 1;
	t->reads++;
	while (getline(&t->line, &t->line_cap, f) > 0) {
		if (procmap_parse_line(t->line, &m) < 0 || !procmap_is_exec(&m))
			continue;
		if (*n == t->cap_maps) {
			v = realloc(t->maps, (t->cap_maps ? t->cap_maps * 2 : 64) * sizeof(*v));
			if (!v) {
				ret = -1;
				break;
			}
			t->maps = v;
			t->cap_maps = t->cap_maps ? t->cap_maps * 2 : 64;
		}
		off = keep_text(t, &used, m.path);
		if (off < 0) {
			ret = -1;
			break;
		}
		m.path = (const char *)(uintptr_t)off;
		t->maps[(*n)++] = m;
	}
	fclose(f);
	for (i = 0; i < *n; i++)
		t->maps[i].path = t->text + (uintptr_t)t->maps[i].path;
	/* an empty file: the process exited meanwhile (a zombie has no mappings) */
	return ret < 0 ? -1 : *n == 0;
}

int proc_table_read(struct proc_table *t, uint32_t tgid)
{
	struct proc_snapshot snap;
	struct proc_entry *e = entry(t, tgid);
	size_t i, n;
	int r, ret = 0;

	if (!e)
		return -1;
	e->read_at = now();
	r = read_maps(t, tgid, &n);
	if (r < 0)
		return -1;
	memset(&snap, 0, sizeof(snap));
	snap.tgid = tgid;
	snap.maps = t->maps;
	snap.n = r ? 0 : n;
	snap.gone = r;
	snap.read_at = e->read_at;
	for (i = 0; i < t->nlisteners; i++)
		if (t->listeners[i].fn(&snap, t->listeners[i].ctx) < 0)
			ret = -1;
	return ret;
}

int proc_table_refresh(struct proc_table *t, uint32_t tgid)
{
	size_t at = slot(t, tgid);

	if (at < t->nprocs && t->procs[at].tgid == tgid && now() - t->procs[at].read_at < REFRESH_INTERVAL_S)
		return 0;
	return proc_table_read(t, tgid);
}

unsigned long proc_table_reads(const struct proc_table *t)
{
	return t->reads;
}
