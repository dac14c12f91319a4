/* Loads unwind rules into the analyzer's maps (see unwind-loader.h). */
#include "unwind/loader.h"

#include <errno.h>
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
/*
 * a file no process maps keeps its rules this long, or until their room is
 * needed: the next short-lived process running it unwinds at once
 */
#define KEEP_UNMAPPED_S 30.0
/* a file whose rules did not fit is tried again, once there is room, this often at most */
#define NO_ROOM_RETRY_S 10.0

/* a file whose rules are loaded (or known to have none) */
struct ul_file {
	uint64_t dev, ino;
	uint64_t base;
	struct unwind_segment segs[UNWIND_MAX_SEGMENTS];
	size_t nsegs;
	uint32_t rules_start, rules_len, flags;
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
	struct unwind_loader_stats st;
};

static int on_snapshot(const struct proc_snapshot *snap, void *ctx);

struct unwind_loader *unwind_loader_new(const struct unwind_sink *sink, struct proc_table *t)
{
	struct unwind_loader *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->sink = *sink;
	l->max_rules = sink->max_rules;
	l->ptab = t;
	if (proc_table_listen(t, on_snapshot, l) < 0) {
		free(l);
		return NULL;
	}
	return l;
}

/*
 * first fit of n rules in [0, max_rules) between the runs in use, which
 * it joins; 0 with *start set, or -1 when there is no room
 */
static int alloc_rules(struct unwind_loader *l, uint32_t n, uint32_t *start)
{
	struct ul_run *tmp;
	uint64_t at = 0;
	size_t i;

	for (i = 0; i < l->nruns && l->runs[i].start < at + n; i++)
		at = (uint64_t)l->runs[i].start + l->runs[i].len;
	if (at + n > l->max_rules)
		return -1;
	if (l->nruns == l->cap_runs) {
		l->cap_runs = l->cap_runs ? 2 * l->cap_runs : 64;
		tmp = realloc(l->runs, l->cap_runs * sizeof(*tmp));
		if (!tmp)
			return -1;
		l->runs = tmp;
	}
	memmove(&l->runs[i + 1], &l->runs[i], (l->nruns - i) * sizeof(*l->runs));
	l->runs[i].start = (uint32_t)at;
	l->runs[i].len = n;
	l->nruns++;
	l->used_rules += n;
	*start = (uint32_t)at;
	return 0;
}

/* the run at start is free again */
static void free_rules(struct unwind_loader *l, uint32_t start)
{
	size_t lo = 0, hi = l->nruns, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->runs[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == l->nruns || l->runs[lo].start != start)
		return;
	l->used_rules -= l->runs[lo].len;
	memmove(&l->runs[lo], &l->runs[lo + 1], (l->nruns - lo - 1) * sizeof(*l->runs));
	l->nruns--;
}

static int write_rules(struct unwind_loader *l, uint32_t start, const struct analyzer_unwind_rule *r, uint32_t n)
{
	return l->sink.write_rules(l->sink.ctx, start, r, n);
}

static int add_name(struct unwind_loader *l, const char *path, const char *build_id, struct ul_file *f)
{
	struct ul_name *tmp;

	if (l->nnames == l->cap_names) {
		l->cap_names = l->cap_names ? 2 * l->cap_names : 64;
		tmp = realloc(l->names, l->cap_names * sizeof(*tmp));
		if (!tmp)
			return -1;
		l->names = tmp;
	}
	tmp = &l->names[l->nnames];
	tmp->path = strdup(path);
	if (!tmp->path)
		return -1;
	snprintf(tmp->build_id, sizeof(tmp->build_id), "%s", build_id);
	tmp->file = f;
	return (int)l->nnames++;
}

/*
 * free the rules of the files no process has mapped for keep seconds (0:
 * of every file no process maps); how many files were freed
 */
static size_t sweep(struct unwind_loader *l, double keep)
{
	double t = now();
	size_t i, freed = 0;

	for (i = 0; i < l->nnames; i++) {
		struct ul_file *f = l->names[i].file;

		if (!f || f->refs || (keep > 0 && t - f->unref_at < keep))
			continue;
		if (f->rules_len) {
			free_rules(l, f->rules_start);
			l->st.evicted++;
		}
		free(f);
		l->names[i].file = NULL;
		freed++;
	}
	return freed;
}

/* f's rules, from its table t, into a run of `unwind_rules`; else f's flags say why not */
static void place_rules(struct unwind_loader *l, struct ul_file *f, const struct unwind_table *t, const char *path)
{
	f->flags = 0;
	f->rules_len = 0;
	if (!t->has_cfi) {
		f->flags = ANALYZER_MAP_NO_CFI;
		l->st.no_cfi++;
		return;
	}
	if (t->n > UINT32_MAX || (alloc_rules(l, (uint32_t)t->n, &f->rules_start) < 0 &&
				  (sweep(l, 0) == 0 || alloc_rules(l, (uint32_t)t->n, &f->rules_start) < 0))) {
		l->st.no_room++;
		log_info("no room for the %zu unwind rules of '%s'", t->n, path);
	} else if (write_rules(l, f->rules_start, t->rules, (uint32_t)t->n) < 0) {
		free_rules(l, f->rules_start);
		log_info("cannot write the unwind rules of '%s': %s", path, strerror(errno));
	} else {
		f->rules_len = (uint32_t)t->n;
		return;
	}
	f->flags = ANALYZER_MAP_NO_ROOM; /* retry_no_room tries again */
	f->want = t->n;
	f->tried_at = now();
}

/*
 * the table of mapping m's file, as process tgid sees it: a file through
 * /proc/TGID/root, the vDSO from the process's memory; 0, or -1 with err
 */
static int read_table(uint32_t tgid, const struct procmap *m, struct unwind_table *t, char *err, size_t errlen)
{
	char path[4096];
	int fd, ret;

	if (!procmap_is_vdso(m)) {
		snprintf(path, sizeof(path), "/proc/%u/root%s", tgid, m->path);
		return unwind_table_read(t, path, err, errlen);
	}
	fd = procmap_vdso_fd(tgid, m->start, m->end);
	if (fd < 0) {
		memset(t, 0, sizeof(*t));
		snprintf(err, errlen, "cannot read the vDSO image");
		return -1;
	}
	ret = unwind_table_read_fd(t, fd, m->path, err, errlen);
	close(fd);
	return ret;
}

/* read a file's table and load its rules; its id, or -1 when out of memory */
static int load_file(struct unwind_loader *l, uint32_t tgid, const struct procmap *m)
{
	struct unwind_table t;
	struct ul_file *f;
	char err[256];
	size_t i;
	int id;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->dev = ((uint64_t)m->dev_major << 32) | m->dev_minor;
	f->ino = m->inode;
	if (read_table(tgid, m, &t, err, sizeof(err)) < 0) {
		log_info("no unwind rules for '%s': %s", m->path, err);
		memset(&t, 0, sizeof(t));
	}
	for (i = 0; i < l->nnames; i++) /* the same build-id under another path */
		if (t.build_id[0] && l->names[i].file && !strcmp(l->names[i].build_id, t.build_id)) {
			unwind_table_release(&t);
			free(f);
			return (int)i;
		}
	f->base = t.base;
	f->nsegs = t.nsegs;
	memcpy(f->segs, t.segs, sizeof(f->segs));
	place_rules(l, f, &t, m->path);
	id = add_name(l, m->path, t.build_id, f);
	unwind_table_release(&t);
	if (id < 0) {
		if (f->rules_len)
			free_rules(l, f->rules_start);
		free(f);
	}
	return id;
}

/*
 * f's rules did not fit: once as many entries are free and a while has
 * passed, try again (the processes read from now on get them)
 */
static void retry_no_room(struct unwind_loader *l, uint32_t tgid, const struct procmap *m, struct ul_file *f)
{
	struct unwind_table t;
	char err[256];

	if (!(f->flags & ANALYZER_MAP_NO_ROOM) || f->want > l->max_rules - l->used_rules ||
	    now() - f->tried_at < NO_ROOM_RETRY_S)
		return;
	if (read_table(tgid, m, &t, err, sizeof(err)) < 0) {
		f->tried_at = now();
		return;
	}
	f->refs++; /* not swept while it makes room for itself */
	place_rules(l, f, &t, m->path);
	f->refs--;
	unwind_table_release(&t);
}

/* the id of the file of mapping m, loaded when new; -1 when out of memory */
static int file_of(struct unwind_loader *l, uint32_t tgid, const struct procmap *m)
{
	uint64_t dev = ((uint64_t)m->dev_major << 32) | m->dev_minor;
	size_t i;

	for (i = 0; i < l->nnames; i++) {
		struct ul_file *f = l->names[i].file;

		if (f && f->dev == dev && f->ino == m->inode && !strcmp(l->names[i].path, m->path)) {
			retry_no_room(l, tgid, m, f);
			return (int)i;
		}
	}
	return load_file(l, tgid, m);
}

/* a process no longer maps file id: the file's rules stay for KEEP_UNMAPPED_S */
static void evict(struct unwind_loader *l, uint32_t id)
{
	struct ul_file *f = l->names[id].file;

	if (f && f->refs && --f->refs == 0)
		f->unref_at = now();
}

static void drop_refs(struct unwind_loader *l, const uint32_t *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		evict(l, ids[i]);
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
			break; /* the rest by frame pointers */
		/* anonymous code (a JIT's) has no CFI; the vDSO has, in its image */
		if ((m.path[0] != '/' && !procmap_is_vdso(&m)) || m.deleted) {
			add_map(l, &m, NULL, UINT32_MAX);
			continue;
		}
		id = file_of(l, p->tgid, &m);
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
	drop_refs(l, p->ids, p->nids);
	free(p->ids);
	p->ids = NULL;
	p->nids = 0;
	if (keep_scratch(l, p, nids) < 0) {
		drop_refs(l, l->scratch_ids, nids);
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

/* the mapping of p holding pc, or NULL */
static const struct analyzer_unwind_map *map_at(const struct ul_proc *p, uint64_t pc)
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
		if (!map_at(p, ips[i]))
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
		drop_refs(l, p->ids, p->nids);
		free(p->maps);
		free(p->ids);
		free(p);
	}
	l->nprocs = kept;
	sweep(l, KEEP_UNMAPPED_S);
}

int unwind_loader_file(const struct unwind_loader *l, uint32_t file_id, const char **path, const char **build_id)
{
	if (file_id >= l->nnames)
		return -1;
	*path = l->names[file_id].path;
	*build_id = l->names[file_id].build_id;
	return 0;
}

/* the rule in force at rel in m's run, or NULL (the analyzer's find_rule) */
static const struct analyzer_unwind_rule *rule_at(const struct unwind_loader *l, const struct analyzer_unwind_map *m,
						  uint64_t rel)
{
	if (!l->sink.rules || rel > UINT32_MAX || (size_t)m->rules_start + m->rules_len > l->max_rules)
		return NULL;
	return unwind_rules_find(&l->sink.rules[m->rules_start], m->rules_len, rel);
}

/* the 8 bytes at addr in the copy; 0, or -1 outside it */
static int copy_read(const struct analyzer_user_copy *c, uint64_t addr, uint64_t *v)
{
	if (addr < c->sp || addr - c->sp > c->size || c->size - (addr - c->sp) < sizeof(*v))
		return -1;
	memcpy(v, c->stack + (addr - c->sp), sizeof(*v));
	return 0;
}

/* the walk stopped at depth n for reason: the frame pc is where */
static void stopped(struct unwind_result *res, size_t n, int reason, uint64_t pc)
{
	res->depth = n;
	res->reason = reason;
	res->pc = pc;
}

void unwind_loader_unwind(struct unwind_loader *l, uint32_t tgid, const struct analyzer_user_copy *c,
			  uint64_t *ips, size_t max, struct unwind_result *res)
{
	uint64_t pc = c->pc, sp = c->sp, fp = c->fp, lr = c->lr, lookup, cfa, ra, frame[2];
	const struct analyzer_unwind_rule *r;
	const struct analyzer_unwind_map *m;
	const struct ul_proc *p = NULL;
	size_t at = proc_index(l, tgid), n = 0;

	memset(res, 0, sizeof(*res));
	res->file_id = UINT32_MAX;
	if (at < l->nprocs && l->procs[at]->tgid == tgid)
		p = l->procs[at];
	else
		res->how |= ANALYZER_UNWIND_NOT_LOADED;
	for (;;) {
		if (!pc)
			return stopped(res, n, n ? ANALYZER_UNWIND_NO_ROOT : ANALYZER_UNWIND_BAD_PC, pc);
		if (n == max)
			return stopped(res, n, ANALYZER_UNWIND_DEPTH, pc);
		ips[n] = pc;
		res->file_id = UINT32_MAX;
		res->offset = pc;
		/* a return address follows its call: look up the call itself */
		lookup = n++ ? pc - 1 : pc;
		/* a pc in no mapping (a garbage caller): frame pointers, as the analyzer */
		m = p ? map_at(p, lookup) : NULL;
		if (m) {
			res->file_id = m->file_id;
			res->offset = pc - m->start + m->pgoff;
			if (!m->rules_len)
				res->how |= m->flags & ANALYZER_MAP_NO_ROOM ? ANALYZER_UNWIND_NO_ROOM : ANALYZER_UNWIND_NO_CFI;
		}
		if (m && m->rules_len) {
			r = rule_at(l, m, lookup - m->bias);
			if (r && r->cfa_reg == ANALYZER_CFA_END)
				return stopped(res, n, ANALYZER_UNWIND_OK, pc);
			cfa = r ? analyzer_rule_cfa(r, pc, sp, fp) : 0;
			if (!cfa)
				return stopped(res, n, ANALYZER_UNWIND_NO_RULE, pc);
			if (cfa < sp || (cfa == sp && !r->ra_in_lr))
				return stopped(res, n, ANALYZER_UNWIND_NO_PROGRESS, pc);
			if (r->ra_in_lr)
				ra = lr;
			else if (copy_read(c, cfa + (uint64_t)(int64_t)r->ra_off, &ra) < 0)
				return stopped(res, n, ANALYZER_UNWIND_READ_FAULT, pc);
			if (r->fp_off && copy_read(c, cfa + (uint64_t)(int64_t)r->fp_off, &fp) < 0)
				return stopped(res, n, ANALYZER_UNWIND_READ_FAULT, pc);
			sp = cfa;
			pc = ra;
		} else { /* no rules: frame pointers, [fp] the caller's fp, [fp + 8] the return address */
			res->how |= ANALYZER_UNWIND_FP_USED;
			if (!fp)
				return stopped(res, n, ANALYZER_UNWIND_NO_ROOT, pc);
			if (fp + 16 <= sp)
				return stopped(res, n, ANALYZER_UNWIND_NO_PROGRESS, pc);
			if (copy_read(c, fp, &frame[0]) < 0 || copy_read(c, fp + 8, &frame[1]) < 0)
				return stopped(res, n, ANALYZER_UNWIND_READ_FAULT, pc);
			sp = fp + 16;
			fp = frame[0];
			pc = frame[1];
		}
		lr = 0;
	}
}

void unwind_loader_read_stats(const struct unwind_loader *l, struct unwind_loader_stats *st)
{
	size_t i;

	*st = l->st;
	st->processes = l->nprocs;
	st->rules = l->used_rules;
	st->max_rules = l->max_rules;
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
		free(l->names[i].path);
		free(l->names[i].file);
	}
	free(l->procs);
	free(l->names);
	free(l->runs);
	proc_table_unlisten(l->ptab, on_snapshot, l);
	free(l);
}
