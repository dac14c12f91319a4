/*
 * Address to function name (see symbolize.h). Processes keep the code
 * mappings the process table read from /proc/PID/maps; mapped files and
 * kernel modules are "modules" (modules.c), each file's ELF symbols (and
 * those of its separate debug file, for a stripped one) read once, when
 * first needed.
 */
#include "symbolize/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "symbolize/elfsyms.h"
#include "symbolize/kallsyms.h"
#include "log.h"
#include "proc/maps.h"
#include "proc/table.h"

#define MAX_REFRESHES 16 /* maps re-reads per process, for addresses outside its mappings */

/* libstdc++'s demangler (the C++ ABI's, in libsupc++) */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

static int on_snapshot(const struct proc_snapshot *snap, void *ctx);

struct symbolizer *symbolizer_new(const char *kallsyms_path)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->kallsyms_path = strdup(kallsyms_path ? kallsyms_path : "/proc/kallsyms");
	s->debug_root = strdup(DEBUG_ROOT);
	if (!s->kallsyms_path || !s->debug_root) {
		symbolizer_free(s);
		return NULL;
	}
	s->ks_last_index = -1;
	s->demangle = 1;
	s->ptab = proc_table_new();
	s->own_ptab = 1;
	if (!s->ptab || proc_table_listen(s->ptab, on_snapshot, s) < 0) {
		symbolizer_free(s);
		return NULL;
	}
	return s;
}

void symbolizer_set_demangle(struct symbolizer *s, int on)
{
	s->demangle = on;
}

void symbolizer_set_lines(struct symbolizer *s, int on)
{
	s->lines = on;
}

int symbolizer_set_proc_table(struct symbolizer *s, struct proc_table *t)
{
	if (proc_table_listen(t, on_snapshot, s) < 0)
		return -1;
	if (s->own_ptab)
		proc_table_free(s->ptab);
	else
		proc_table_unlisten(s->ptab, on_snapshot, s);
	s->ptab = t;
	s->own_ptab = 0;
	return 0;
}

void symbolizer_free(struct symbolizer *s)
{
	size_t i;
	int m;

	if (!s)
		return;
	if (s->own_ptab)
		proc_table_free(s->ptab);
	else if (s->ptab)
		proc_table_unlisten(s->ptab, on_snapshot, s);
	for (i = 0; i < s->proc_cap; i++) {
		if (s->procs[i]) {
			free(s->procs[i]->maps);
			free(s->procs[i]);
		}
	}
	for (m = 0; m < s->nmods; m++) {
		module_unload(&s->mods[m]);
		free(s->mods[m].path);
	}
	free(s->procs);
	free(s->mods);
	kallsyms_release(&s->ks);
	free(s->kallsyms_path);
	free(s->debug_root);
	free(s);
}

int symbolizer_set_debug_root(struct symbolizer *s, const char *dir)
{
	char *copy = strdup(dir);

	if (!copy)
		return -1;
	free(s->debug_root);
	s->debug_root = copy;
	return 0;
}

/* ---- processes ---- */

static size_t proc_slot(const struct symbolizer *s, uint32_t tgid)
{
	size_t i = ((size_t)tgid * 2654435761u) & (s->proc_cap - 1);

	while (s->procs[i] && s->procs[i]->tgid != tgid)
		i = (i + 1) & (s->proc_cap - 1);
	return i;
}

static struct process *proc_find(const struct symbolizer *s, uint32_t tgid)
{
	return s->proc_cap ? s->procs[proc_slot(s, tgid)] : NULL;
}

static int proc_grow(struct symbolizer *s)
{
	struct process **old = s->procs;
	size_t old_cap = s->proc_cap, i;

	s->proc_cap = old_cap ? old_cap * 2 : 256;
	s->procs = calloc(s->proc_cap, sizeof(*s->procs));
	if (!s->procs) {
		s->procs = old;
		s->proc_cap = old_cap;
		return -1;
	}
	for (i = 0; i < old_cap; i++)
		if (old[i])
			s->procs[proc_slot(s, old[i]->tgid)] = old[i];
	free(old);
	return 0;
}

static struct process *proc_add(struct symbolizer *s, uint32_t tgid)
{
	struct process *p;

	if ((s->nprocs + 1) * 2 > s->proc_cap && proc_grow(s) < 0)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->tgid = tgid;
	s->procs[proc_slot(s, tgid)] = p;
	s->nprocs++;
	return p;
}

static const struct mapping *proc_mapping(const struct process *p, uint64_t ip)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ip < p->maps[mid].start)
			hi = mid;
		else if (ip >= p->maps[mid].end)
			lo = mid + 1;
		else
			return &p->maps[mid];
	}
	return NULL;
}

static int by_start(const void *a, const void *b)
{
	const struct mapping *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int push_mapping(struct mapping **v, size_t *n, size_t *cap, const struct mapping *m)
{
	struct mapping *tmp;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		tmp = realloc(*v, *cap * sizeof(*tmp));
		if (!tmp)
			return -1;
		*v = tmp;
	}
	(*v)[(*n)++] = *m;
	return 0;
}

/*
 * take the code mappings of a snapshot of p; mappings of an earlier read
 * that the new ones do not cover stay, for addresses sampled before an
 * unmap. Returns 0 (also when the process is gone) or -1 when out of
 * memory.
 */
static int proc_take_maps(struct symbolizer *s, struct process *p, const struct proc_snapshot *snap)
{
	struct mapping *v = NULL, m;
	size_t n = 0, cap = 0, i, new_n;
	const struct procmap *pm;

	p->last_read = snap->read_at;
	if (snap->gone) { /* exited meanwhile */
		if (p->state == 0)
			p->state = -1;
		return 0;
	}
	for (i = 0; i < snap->n; i++) {
		pm = &snap->maps[i];
		m.start = pm->start;
		m.end = pm->end;
		m.pgoff = pm->pgoff;
		m.module = -1;
		if (pm->path[0]) {
			m.module = module_get(s, pm->path, pm->dev_major, pm->dev_minor, pm->inode, 0, p->tgid);
			if (m.module < 0)
				goto fail;
			if (procmap_is_vdso(pm) && !s->mods[m.module].end) {
				s->mods[m.module].start = pm->start;
				s->mods[m.module].end = pm->end;
			}
		}
		if (push_mapping(&v, &n, &cap, &m) < 0)
			goto fail;
	}
	new_n = n;
	for (i = 0; i < p->n; i++) {
		struct process fresh = { .maps = v, .n = new_n };

		if (!proc_mapping(&fresh, p->maps[i].start) && !proc_mapping(&fresh, p->maps[i].end - 1) &&
		    push_mapping(&v, &n, &cap, &p->maps[i]) < 0)
			goto fail;
	}
	if (n)
		qsort(v, n, sizeof(*v), by_start);
	free(p->maps);
	p->maps = v;
	p->n = n;
	p->state = 1;
	return 0;
fail:
	free(v);
	return -1;
}

/* the process table read a process's mappings: keep them */
static int on_snapshot(const struct proc_snapshot *snap, void *ctx)
{
	struct symbolizer *s = ctx;
	struct process *p = proc_find(s, snap->tgid);

	if (!p)
		p = proc_add(s, snap->tgid);
	if (!p)
		return -1;
	return proc_take_maps(s, p, snap);
}

/* a process is gone (not just unreadable) */
static int exited(uint32_t tgid)
{
	return kill((pid_t)tgid, 0) < 0 && errno == ESRCH;
}

/* forget the processes found exited last time; note those exited now */
static void sweep_processes(struct symbolizer *s)
{
	struct process **old = s->procs, **fresh;
	size_t i, old_cap = s->proc_cap, cap = 256, keep = 0;

	for (i = 0; i < old_cap; i++) {
		struct process *p = old[i];

		if (!p)
			continue;
		if (!exited(p->tgid))
			p->exited = 0; /* alive, or its tgid is another process's now */
		else if (!p->exited)
			p->exited = 2; /* found gone now: forgotten next time */
		else
			p->exited = 1; /* found gone last time: its samples are flushed */
		keep += p->exited != 1;
	}
	/* rebuilt without them, at most half full: shrunk after a churn */
	while (cap < 2 * (keep + 1))
		cap *= 2;
	fresh = old_cap ? calloc(cap, sizeof(*fresh)) : NULL;
	if (!fresh)
		return; /* nothing to do, or out of memory: forgotten next time */
	s->procs = fresh;
	s->proc_cap = cap;
	s->nprocs = keep;
	for (i = 0; i < old_cap; i++) {
		struct process *p = old[i];

		if (p && p->exited == 1) {
			free(p->maps);
			free(p);
			s->st.forgotten++;
		} else if (p) {
			s->procs[proc_slot(s, p->tgid)] = p;
		}
	}
	free(old);
}

/* free the symbols of files no kept process has mapped for two sweeps */
static void sweep_modules(struct symbolizer *s)
{
	size_t i, j;
	int m;

	for (m = 0; m < s->nmods; m++)
		s->mods[m].idle++;
	for (i = 0; i < s->proc_cap; i++) {
		const struct process *p = s->procs[i];

		for (j = 0; p && j < p->n; j++)
			if (p->maps[j].module >= 0)
				s->mods[p->maps[j].module].idle = 0;
	}
	for (m = 0; m < s->nmods; m++) {
		struct module *mod = &s->mods[m];

		/* the vDSO's image is read through a process that maps it */
		if (mod->state != 1 || mod->idle < 2 || mod->kernel || !strcmp(mod->path, "[vdso]"))
			continue;
		module_unload(mod);
		s->st.unloaded++;
	}
}

void symbolizer_sweep(struct symbolizer *s)
{
	sweep_processes(s);
	sweep_modules(s);
}

void symbolizer_read_stats(const struct symbolizer *s, struct symbolizer_stats *st)
{
	int m;

	*st = s->st;
	st->processes = s->nprocs;
	st->files = s->nmods;
	st->files_loaded = 0;
	for (m = 0; m < s->nmods; m++)
		st->files_loaded += s->mods[m].state == 1;
}

/* a plausible user-space code address, worth re-reading the maps for */
static int plausible(uint64_t ip)
{
	return ip >= 4096 && ip < (1ULL << 56);
}

/*
 * sym's name demangled when it is a C++ one (_Z...), kept with m; the
 * name as it is when it is not, or cannot be (or out of memory)
 */
static const char *demangled_name(struct module *m, const struct elf_sym *sym)
{
	size_t i = (size_t)(sym - m->elf.syms);
	int status;

	if (strncmp(sym->name, "_Z", 2) != 0)
		return sym->name;
	if (!m->demangled && !(m->demangled = calloc(m->elf.n, sizeof(*m->demangled))))
		return sym->name;
	if (!m->demangled[i])
		m->demangled[i] = __cxa_demangle(sym->name, NULL, NULL, &status);
	return m->demangled[i] ? m->demangled[i] : sym->name;
}

int symbolizer_track(struct symbolizer *s, uint32_t tgid, const uint64_t *ips, size_t n)
{
	struct process *p = proc_find(s, tgid);
	size_t i;

	if (!p)
		return proc_table_read(s->ptab, tgid);
	if (p->state != 1 || p->refreshes >= MAX_REFRESHES || now() - p->last_read < 1.0)
		return 0;
	for (i = 0; i < n; i++) {
		if (plausible(ips[i]) && !proc_mapping(p, ips[i])) {
			p->refreshes++;
			return proc_table_refresh(s->ptab, tgid);
		}
	}
	return 0;
}

int symbolizer_learn(struct symbolizer *s, uint32_t tgid)
{
	return proc_table_read(s->ptab, tgid);
}

void symbolizer_user(struct symbolizer *s, uint32_t tgid, uint64_t ip, int return_address,
		     struct sym_frame *f)
{
	uint64_t look = return_address && ip ? ip - 1 : ip, off, vaddr;
	const struct process *p = proc_find(s, tgid);
	const struct mapping *map;
	const struct elf_sym *sym;
	struct module *m;

	memset(f, 0, sizeof(*f));
	f->module = -1;
	if (!p || p->state != 1)
		return;
	f->mapped = 1;
	map = proc_mapping(p, look);
	if (!map || map->module < 0)
		return;
	f->module = map->module;
	m = module_load(s, map->module);
	off = look - map->start + map->pgoff;
	if (m->state != 1 || elfsyms_vaddr(&m->elf, off, &vaddr) < 0) {
		/* [vdso] and unreadable files: the offset in the mapping or file */
		f->module_offset = m->path[0] == '[' ? ip - map->start : ip - map->start + map->pgoff;
		return;
	}
	/* a file offset, PIE or not; the symbols are in ELF addresses */
	f->module_offset = off + (ip - look);
	sym = elfsyms_lookup(&m->elf, vaddr);
	if (sym) {
		f->symbol = s->demangle ? demangled_name(m, sym) : sym->name;
		f->symbol_offset = vaddr + (ip - look) - sym->addr;
	}
	/* a return address: the line of the call, one byte back */
	if (s->lines && module_line(m, vaddr, &f->file, &f->line) < 0) {
		f->file = NULL;
		f->line = 0;
	}
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

const char *symbolizer_frame_name(const struct symbolizer *s, const struct sym_frame *f, uint64_t ip,
				  char *buf, size_t len)
{
	if (f->symbol)
		return f->symbol;
	if (!f->mapped)
		snprintf(buf, len, "0x%" PRIx64, ip);
	else if (f->module >= 0)
		snprintf(buf, len, "%s+0x%" PRIx64, base_name(s->mods[f->module].path), f->module_offset);
	else
		snprintf(buf, len, "[unknown]");
	return buf;
}

