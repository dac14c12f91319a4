/* Loads unwind rules into the analyzer's maps (see unwind/loader.h): the loader and its processes. */
#include "unwind/loader-internal.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "proc/maps.h"
#include "proc/table.h"
#include "unwind/table.h"

#define REREAD_INTERVAL_S 1.0

static int on_snapshot(const struct proc_snapshot *snap, void *ctx);

struct unwind_loader *unwind_loader_new(const struct unwind_sink *sink, struct proc_table *t)
{
	struct unwind_loader *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->sink = *sink;
	l->max_rules = sink->max_rules;
	l->ptab = t;
	l->deadline = INFINITY;
	if (proc_table_listen(t, on_snapshot, l) < 0) {
		free(l);
		return NULL;
	}
	return l;
}

/* the process being read holds a reference to file id (once) */
static void hold(struct unwind_loader *l, size_t *nids, uint32_t id)
{
	size_t i;

	for (i = 0; i < *nids; i++)
		if (l->scratch_ids[i] == id)
			return;
	l->scratch_ids[(*nids)++] = id;
	l->names[id].file->refs++;
}

/* one executable mapping of the process being read, of file id */
static void add_map(struct unwind_loader *l, const struct procmap *m, const struct ul_file *f, uint32_t id)
{
	struct analyzer_unwind_map *um = &l->scratch.maps[l->scratch.n++];
	struct unwind_table t;
	uint64_t vaddr;

	memset(um, 0, sizeof(*um));
	um->start = m->start;
	um->end = m->end;
	um->pgoff = m->pgoff;
	um->file_id = id;
	um->flags = f ? f->flags : ANALYZER_MAP_NO_CFI;
	if (!f || !f->rules_len)
		return;
	memset(&t, 0, sizeof(t));
	t.base = f->base;
	t.nsegs = f->nsegs;
	memcpy(t.segs, f->segs, sizeof(t.segs));
	if (unwind_table_vaddr(&t, m->pgoff, &vaddr) < 0) {
		um->flags = ANALYZER_MAP_NO_CFI;
		return;
	}
	/* pc - bias = vaddr(pc) - base */
	um->bias = m->start - (vaddr - f->base);
	um->rules_start = f->rules_start;
	um->rules_len = f->rules_len;
}

/* p's mappings are now the scratch ones; -1 when out of memory */
static int keep_scratch(struct unwind_loader *l, struct ul_proc *p, size_t nids)
{
	struct analyzer_unwind_map *maps = NULL;
	uint32_t *ids = NULL;

	if (l->scratch.n && !(maps = malloc(l->scratch.n * sizeof(*maps))))
		return -1;
	if (nids && !(ids = malloc(nids * sizeof(*ids)))) {
		free(maps);
		return -1;
	}
	if (maps)
		memcpy(maps, l->scratch.maps, l->scratch.n * sizeof(*maps));
	if (ids)
		memcpy(ids, l->scratch_ids, nids * sizeof(*ids));
	free(p->maps);
	free(p->ids);
	p->maps = maps;
	p->n = l->scratch.n;
	p->ids = ids;
	p->nids = nids;
	return 0;
}

/* take p's mappings from a snapshot and load their files' tables; -1 when out of memory */
static int read_process(struct unwind_loader *l, struct ul_proc *p, const struct proc_snapshot *snap)
{
	size_t nids = 0, i;
	int id, ret = 0;

	memset(&l->scratch, 0, sizeof(l->scratch));
	p->read_at = snap->read_at;
	if (snap->gone)
		goto done; /* gone: nothing to unwind any more */
	for (i = 0; i < snap->n; i++) {
		const struct procmap m = snap->maps[i];

		if (l->scratch.n == ANALYZER_UNWIND_MAX_MAPS)
			break; /* the rest is in no mapping: a caller there ends the unwind */
		if (now() >= l->deadline) {
			l->st.late++;
			goto done; /* sampling has ended: the rules would serve no sample */
		}
		/* anonymous code (a JIT's) has no CFI; the vDSO has, in its image */
		if ((m.path[0] != '/' && !procmap_is_vdso(&m)) || m.deleted) {
			add_map(l, &m, NULL, UINT32_MAX);
			continue;
		}
		id = ul_file_of(l, p->tgid, &m);
		if (id == -2) { /* gone before its file was read: no rules this time */
			add_map(l, &m, NULL, UINT32_MAX);
			continue;
		}
		if (id < 0) {
			ret = -1;
			break;
		}
		hold(l, &nids, (uint32_t)id);
		add_map(l, &m, l->names[id].file, (uint32_t)id);
	}
	if (ret == 0 && l->sink.set_proc(l->sink.ctx, p->tgid, &l->scratch) < 0)
		l->st.procs_full++;
done:
	/* the old references go after the new ones are held: files kept stay loaded */
	ul_drop_refs(l, p->ids, p->nids);
	free(p->ids);
	p->ids = NULL;
	p->nids = 0;
	if (keep_scratch(l, p, nids) < 0) {
		ul_drop_refs(l, l->scratch_ids, nids);
		free(p->maps);
		p->maps = NULL;
		p->n = 0;
		return -1;
	}
	return ret;
}

static size_t proc_index(const struct unwind_loader *l, uint32_t tgid)
{
	size_t lo = 0, hi = l->nprocs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->procs[mid]->tgid < tgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct ul_proc *ul_proc_find(const struct unwind_loader *l, uint32_t tgid)
{
	size_t at = proc_index(l, tgid);

	return at < l->nprocs && l->procs[at]->tgid == tgid ? l->procs[at] : NULL;
}

const struct analyzer_unwind_map *ul_map_at(const struct ul_proc *p, uint64_t pc)
{
	uint32_t i;

	for (i = 0; i < p->n; i++)
		if (pc >= p->maps[i].start && pc < p->maps[i].end)
			return &p->maps[i];
	return NULL;
}

/* every one of ips[0..n) lies in a mapping p has */
static int covered(const struct ul_proc *p, const uint64_t *ips, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ul_map_at(p, ips[i]))
			return 0;
	return 1;
}

/* the process table read a process's mappings: load them, as a new process when new */
static int on_snapshot(const struct proc_snapshot *snap, void *ctx)
{
	struct unwind_loader *l = ctx;
	size_t at = proc_index(l, snap->tgid);
	struct ul_proc *p, **tmp;

	if (at < l->nprocs && l->procs[at]->tgid == snap->tgid)
		return read_process(l, l->procs[at], snap);
	if (snap->gone)
		return 0;
	if (l->nprocs == l->cap_procs) {
		l->cap_procs = l->cap_procs ? 2 * l->cap_procs : 64;
		tmp = realloc(l->procs, l->cap_procs * sizeof(*tmp));
		if (!tmp)
			return -1;
		l->procs = tmp;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -1;
	p->tgid = snap->tgid;
	memmove(&l->procs[at + 1], &l->procs[at], (l->nprocs - at) * sizeof(*l->procs));
	l->procs[at] = p;
	l->nprocs++;
	return read_process(l, p, snap);
}

int unwind_loader_track(struct unwind_loader *l, uint32_t tgid, const uint64_t *ips, size_t n)
{
	size_t at = proc_index(l, tgid);
	const struct ul_proc *p;

	if (at == l->nprocs || l->procs[at]->tgid != tgid)
		return proc_table_read(l->ptab, tgid);
	p = l->procs[at];
	/* a sample left the mappings loaded (a library opened since): at most once a second */
	if (!covered(p, ips, n) && now() - p->read_at >= REREAD_INTERVAL_S)
		return proc_table_refresh(l->ptab, tgid);
	return 0;
}

void unwind_loader_set_deadline(struct unwind_loader *l, double t)
{
	l->deadline = t;
}

int unwind_loader_reload(struct unwind_loader *l, uint32_t tgid)
{
	return proc_table_read(l->ptab, tgid);
}

void unwind_loader_forget_exited(struct unwind_loader *l)
{
	size_t i, kept = 0;

	for (i = 0; i < l->nprocs; i++) {
		struct ul_proc *p = l->procs[i];

		if (kill((pid_t)p->tgid, 0) == 0 || errno != ESRCH) {
			l->procs[kept++] = p;
			continue;
		}
		l->sink.delete_proc(l->sink.ctx, p->tgid);
		ul_drop_refs(l, p->ids, p->nids);
		free(p->maps);
		free(p->ids);
		free(p);
	}
	l->nprocs = kept;
	ul_sweep(l, KEEP_UNMAPPED_S);
}

int unwind_loader_file(const struct unwind_loader *l, uint32_t file_id, const char **path, const char **build_id)
{
	if (file_id >= l->nnames)
		return -1;
	*path = l->names[file_id].path;
	*build_id = l->names[file_id].build_id;
	return 0;
}

void unwind_loader_read_stats(const struct unwind_loader *l, struct unwind_loader_stats *st)
{
	size_t i;

	*st = l->st;
	st->processes = l->nprocs;
	st->rules = l->used_rules;
	st->max_rules = l->max_rules;
	st->kept_bytes = l->kept_bytes;
	st->files = 0;
	for (i = 0; i < l->nnames; i++)
		st->files += l->names[i].file != NULL;
}

void unwind_loader_free(struct unwind_loader *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->nprocs; i++) {
		free(l->procs[i]->maps);
		free(l->procs[i]->ids);
		free(l->procs[i]);
	}
	for (i = 0; i < l->nnames; i++) {
		ul_file_free(l, i);
		free(l->names[i].path);
	}
	free(l->procs);
	free(l->names);
	free(l->runs);
	proc_table_unlisten(l->ptab, on_snapshot, l);
	free(l);
}

