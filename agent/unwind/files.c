/*
 * The unwind loader's files: each mapped file's rules read once (by
 * build-id, else by device and inode) into one run of `unwind_rules`,
 * shared by every process mapping it, and freed once unmapped for a while
 * or when their room is needed (see unwind/loader.h).
 */
#include "unwind/loader-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

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
 * free the runs of the files no process has mapped for keep seconds (0:
 * of every file no process maps); their rules stay kept. How many runs
 * were freed.
 */
size_t ul_sweep(struct unwind_loader *l, double keep)
{
	double t = now();
	size_t i, freed = 0;

	for (i = 0; i < l->nnames; i++) {
		struct ul_file *f = l->names[i].file;

		if (!f || f->refs || !f->rules_len || (keep > 0 && t - f->unref_at < keep))
			continue;
		free_rules(l, f->rules_start);
		f->rules_len = 0;
		l->st.evicted++;
		freed++;
	}
	return freed;
}

void ul_file_free(struct unwind_loader *l, size_t id)
{
	struct ul_file *f = l->names[id].file;

	if (!f)
		return;
	if (f->rules_len)
		free_rules(l, f->rules_start);
	l->kept_bytes -= f->nkept * sizeof(*f->kept);
	free(f->kept);
	free(f);
	l->names[id].file = NULL;
}

/*
 * the kept rules over KEEP_RULES_BYTES: forget files no process maps,
 * least recently mapped first (a later mapping reads them again)
 */
static void trim_kept(struct unwind_loader *l)
{
	size_t i, oldest;

	while (l->kept_bytes > KEEP_RULES_BYTES) {
		oldest = l->nnames;
		for (i = 0; i < l->nnames; i++) {
			const struct ul_file *f = l->names[i].file;

			if (f && !f->refs && f->nkept &&
			    (oldest == l->nnames || f->unref_at < l->names[oldest].file->unref_at))
				oldest = i;
		}
		if (oldest == l->nnames)
			return;
		ul_file_free(l, oldest);
		l->st.forgotten++;
	}
}

/*
 * a run of n rules, made room for by freeing the runs of files no process
 * maps, least recently mapped first, as few as it takes (their rules stay
 * kept); 0 with *start set, or -1 when even all of them leave no room
 */
static int make_room(struct unwind_loader *l, uint32_t n, uint32_t *start)
{
	size_t i, oldest;

	while (alloc_rules(l, n, start) < 0) {
		oldest = l->nnames;
		for (i = 0; i < l->nnames; i++) {
			const struct ul_file *f = l->names[i].file;

			if (f && !f->refs && f->rules_len &&
			    (oldest == l->nnames || f->unref_at < l->names[oldest].file->unref_at))
				oldest = i;
		}
		if (oldest == l->nnames)
			return -1;
		free_rules(l, l->names[oldest].file->rules_start);
		l->names[oldest].file->rules_len = 0;
		l->st.evicted++;
	}
	return 0;
}

/* f's kept rules into a run of `unwind_rules`; else f's flags say why not */
static void place_rules(struct unwind_loader *l, struct ul_file *f, const char *path)
{
	size_t n = f->nkept;

	f->flags = 0;
	f->rules_len = 0;
	if (!f->has_cfi) {
		f->flags = ANALYZER_MAP_NO_CFI;
		return;
	}
	if (n > UINT32_MAX || make_room(l, (uint32_t)n, &f->rules_start) < 0) {
		l->st.no_room++;
		log_info("no room for the %zu unwind rules of '%s'", n, path);
	} else if (write_rules(l, f->rules_start, f->kept, (uint32_t)n) < 0) {
		free_rules(l, f->rules_start);
		log_info("cannot write the unwind rules of '%s': %s", path, strerror(errno));
	} else {
		f->rules_len = (uint32_t)n;
		return;
	}
	f->flags = ANALYZER_MAP_NO_ROOM; /* ul_file_of tries again */
	f->want = n;
	f->tried_at = now();
}

/*
 * the table of mapping m's file, as process tgid sees it: a file through
 * /proc/TGID/root (given up past the loader's deadline), the vDSO from the
 * process's memory; 0, or -1 with err (-2: it cannot be opened, the
 * process is gone)
 */
static int read_table(const struct unwind_loader *l, uint32_t tgid, const struct procmap *m, struct unwind_table *t,
		      char *err, size_t errlen)
{
	char path[4096];
	int fd, ret;

	if (!procmap_is_vdso(m)) {
		snprintf(path, sizeof(path), "/proc/%u/root%s", tgid, m->path);
		return unwind_table_read_until(t, path, l->deadline, err, errlen);
	}
	fd = procmap_vdso_fd(tgid, m->start, m->end);
	if (fd < 0) {
		memset(t, 0, sizeof(*t));
		snprintf(err, errlen, "cannot read the vDSO image");
		return -2;
	}
	ret = unwind_table_read_fd(t, fd, m->path, err, errlen);
	close(fd);
	return ret;
}

static void replace_rules(struct unwind_loader *l, const struct procmap *m, struct ul_file *f);

/*
 * read a file's table and load its rules; its id, -1 when out of memory,
 * -2 when it cannot be opened (nothing is kept: the next process mapping
 * it reads it)
 */
static int load_file(struct unwind_loader *l, uint32_t tgid, const struct procmap *m)
{
	struct unwind_table t;
	struct ul_file *f;
	char err[256];
	size_t i;
	int id, rc;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->dev = ((uint64_t)m->dev_major << 32) | m->dev_minor;
	f->ino = m->inode;
	l->st.reads++;
	rc = read_table(l, tgid, m, &t, err, sizeof(err));
	if (rc < 0)
		log_info("no unwind rules for '%s': %s", m->path, err);
	if (rc == -2) {
		free(f);
		return -2;
	}
	if (rc < 0)
		memset(&t, 0, sizeof(t));
	for (i = 0; i < l->nnames; i++) /* the same build-id under another path */
		if (t.build_id[0] && l->names[i].file && !strcmp(l->names[i].build_id, t.build_id)) {
			unwind_table_release(&t);
			free(f);
			replace_rules(l, m, l->names[i].file);
			return (int)i;
		}
	f->base = t.base;
	f->nsegs = t.nsegs;
	memcpy(f->segs, t.segs, sizeof(f->segs));
	/* the rules are kept: read once, placed again after their run is freed */
	f->kept = t.rules;
	f->nkept = t.n;
	f->has_cfi = t.has_cfi;
	t.rules = NULL;
	t.n = 0;
	l->kept_bytes += f->nkept * sizeof(*f->kept);
	if (!f->has_cfi)
		l->st.no_cfi++;
	place_rules(l, f, m->path);
	id = add_name(l, m->path, t.build_id, f);
	unwind_table_release(&t);
	if (id < 0) {
		if (f->rules_len)
			free_rules(l, f->rules_start);
		l->kept_bytes -= f->nkept * sizeof(*f->kept);
		free(f->kept);
		free(f);
		return -1;
	}
	f->refs++; /* not trimmed before its first process holds it */
	trim_kept(l);
	f->refs--;
	return id;
}

/*
 * f is mapped by a new process: its kept rules go into a run again when
 * their run was freed, or, when they did not fit, once as many entries
 * are free and a while has passed (the processes read from now on get
 * them)
 */
static void replace_rules(struct unwind_loader *l, const struct procmap *m, struct ul_file *f)
{
	if (!f->has_cfi || f->rules_len)
		return;
	if ((f->flags & ANALYZER_MAP_NO_ROOM) &&
	    (f->want > l->max_rules - l->used_rules || now() - f->tried_at < NO_ROOM_RETRY_S))
		return;
	f->refs++; /* not swept while it makes room for itself */
	place_rules(l, f, m->path);
	f->refs--;
}

/* the id of the file of mapping m, loaded when new; -1 when out of memory, -2 when it cannot be opened */
int ul_file_of(struct unwind_loader *l, uint32_t tgid, const struct procmap *m)
{
	uint64_t dev = ((uint64_t)m->dev_major << 32) | m->dev_minor;
	size_t i;

	for (i = 0; i < l->nnames; i++) {
		struct ul_file *f = l->names[i].file;

		if (f && f->dev == dev && f->ino == m->inode && !strcmp(l->names[i].path, m->path)) {
			replace_rules(l, m, f);
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

void ul_drop_refs(struct unwind_loader *l, const uint32_t *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		evict(l, ids[i]);
}

