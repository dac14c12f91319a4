/* The export formats' view of a window's profile (see model.h). */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "frametypes.h"
#include "log.h"
#include "utf8.h"

/* grows *arr (of size elem) to hold one more than *n; -1 when out of memory */
static int reserve(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t c;
	void *tmp;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	tmp = realloc(*arr, c * elem);
	if (!tmp)
		return -1;
	*arr = tmp;
	*cap = c;
	return 0;
}

#define RESERVE(arr, cap, n) reserve((void **)&(arr), &(cap), (n), sizeof(*(arr)))

/* the string id of outside text, as well-formed UTF-8 */
static int64_t text_id(struct export_model *m, const char *s)
{
	char *t = utf8_text(s, strlen(s));
	int64_t id;

	if (!t)
		return -1;
	id = intern_str(&m->strings, t);
	free(t);
	return id;
}

static int64_t mapping_of(struct export_model *m, int module)
{
	int added;
	int64_t id = intern_id(&m->mapping_keys, &module, sizeof(module), &added);

	if (id < 0 || !added)
		return id;
	if (RESERVE(m->mappings, m->cap_mappings, m->nmappings) < 0)
		return -1;
	memset(&m->mappings[m->nmappings], 0, sizeof(m->mappings[0]));
	m->mappings[m->nmappings].module = module;
	return (int64_t)m->nmappings++;
}

/* the function (name, system name, source file); file NULL when unknown */
static int64_t function_of(struct export_model *m, const char *name, const char *system_name, const char *file)
{
	size_t ln = strlen(name), ls = strlen(system_name), lf = file ? strlen(file) : 0;
	char *key = malloc(ln + 1 + ls + 1 + lf);
	int64_t id, n, sn, fn = 0;
	int added;

	if (!key)
		return -1;
	memcpy(key, name, ln + 1);
	memcpy(key + ln + 1, system_name, ls + 1);
	if (lf)
		memcpy(key + ln + 1 + ls + 1, file, lf);
	id = intern_id(&m->function_keys, key, ln + 1 + ls + 1 + lf, &added);
	free(key);
	if (id < 0 || !added)
		return id;
	n = text_id(m, name);
	sn = text_id(m, system_name);
	if (file)
		fn = text_id(m, file);
	if (n < 0 || sn < 0 || fn < 0 || RESERVE(m->functions, m->cap_functions, m->nfunctions) < 0)
		return -1;
	m->functions[m->nfunctions].name = n;
	m->functions[m->nfunctions].system_name = sn;
	m->functions[m->nfunctions].filename = fn;
	return (int64_t)m->nfunctions++;
}

static int64_t location_of(struct export_model *m, int64_t mapping, uint64_t address, int64_t function,
			   int64_t line)
{
	struct { int64_t mapping; uint64_t address; int64_t function; } key = { mapping, address, function };
	int added;
	int64_t id = intern_id(&m->location_keys, &key, sizeof(key), &added);

	if (id < 0 || !added)
		return id;
	if (RESERVE(m->locations, m->cap_locations, m->nlocations) < 0)
		return -1;
	m->locations[m->nlocations].mapping = mapping;
	m->locations[m->nlocations].address = address;
	m->locations[m->nlocations].function = function;
	m->locations[m->nlocations].line = line;
	if (mapping >= 0 && address >= m->mappings[mapping].limit)
		m->mappings[mapping].limit = address + 1;
	return (int64_t)m->nlocations++;
}

static int push_loc(struct export_model *m, int64_t loc)
{
	if (loc < 0 || RESERVE(m->locs, m->cap_locs, m->nlocs) < 0)
		return -1;
	m->locs[m->nlocs++] = (uint64_t)loc;
	return 0;
}

/* a stack error as the folded output names it: "[lost user stack]" */
static int push_error(struct export_model *m, const char *which, int err)
{
	const char *name = stack_error_name(err);
	char marker[64];

	if (!strcmp(name, "lost"))
		snprintf(marker, sizeof(marker), "[lost %s stack]", which);
	else
		snprintf(marker, sizeof(marker), "[%s stack error %s]", which, name);
	return push_loc(m, location_of(m, -1, 0, function_of(m, marker, marker, NULL), 0));
}

static int push_frame(struct export_model *m, struct symbolizer *s, const struct frame *f, const char *system_name)
{
	int64_t mapping = -1;
	uint64_t address = f->ip;

	if (f->sym.module >= 0) {
		mapping = mapping_of(m, f->sym.module);
		if (mapping < 0)
			return -1;
		m->mappings[mapping].kernel = symbolizer_module(s, f->sym.module).kernel;
		if (!m->mappings[mapping].kernel)
			address = f->sym.module_offset;
	}
	/* a location is its address: one line, one function (the address's symbol) */
	return push_loc(m, location_of(m, mapping, address, function_of(m, f->name, system_name, f->sym.file),
				       f->sym.line));
}

/* e's locations, leaf first: kernel leaf .. kernel root, user leaf .. user root */
static int add_entry(struct export_model *m, struct symbolizer *s, const struct stack_entry *e,
		     struct frames *sys, struct frames *fr, int demangle)
{
	struct export_sample *smp = &m->samples[m->nsamples];
	size_t i = fr->n;

	symbolizer_set_demangle(s, 0);
	frames_resolve(s, e, sys);
	symbolizer_set_demangle(s, demangle);
	symbolizer_set_lines(s, 1);
	frames_resolve(s, e, fr);
	symbolizer_set_lines(s, 0);
	smp->first = m->nlocs;
	smp->count = e->count;
	smp->pid = e->tgid;
	smp->tid = e->tid;
	smp->comm = text_id(m, e->comm[0] ? e->comm : "[unknown]");
	if (smp->comm < 0)
		return -1;
	for (i = fr->n; i > 0 && fr->f[i - 1].type == FRAME_MARKER_KERNEL; i--)
		if (push_frame(m, s, &fr->f[i - 1], sys->f[i - 1].name) < 0)
			return -1;
	if (e->kernel_err && push_error(m, "kernel", e->kernel_err) < 0)
		return -1;
	for (; i > 0; i--)
		if (push_frame(m, s, &fr->f[i - 1], sys->f[i - 1].name) < 0)
			return -1;
	if (e->user_err && push_error(m, "user", e->user_err) < 0)
		return -1;
	smp->n = m->nlocs - smp->first;
	m->total += e->count;
	m->nsamples++;
	return 0;
}

/* now that every frame is resolved, the modules' build-ids are known */
static int fill_mappings(struct export_model *m, struct symbolizer *s)
{
	size_t i;

	for (i = 0; i < m->nmappings; i++) {
		struct sym_module mod = symbolizer_module(s, m->mappings[i].module);

		m->mappings[i].filename = text_id(m, mod.path);
		m->mappings[i].build_id = text_id(m, mod.build_id ? mod.build_id : "");
		if (m->mappings[i].filename < 0 || m->mappings[i].build_id < 0)
			return -1;
	}
	return 0;
}

int export_model_build(struct export_model *m, const struct aggregate *ag, struct symbolizer *s, int demangle)
{
	struct frames *sys = malloc(sizeof(*sys)), *fr = malloc(sizeof(*fr));
	int ret = -1;
	size_t i;

	memset(m, 0, sizeof(*m));
	intern_init(&m->strings);
	intern_init(&m->mapping_keys);
	intern_init(&m->function_keys);
	intern_init(&m->location_keys);
	m->samples = calloc(ag->n ? ag->n : 1, sizeof(*m->samples));
	if (!sys || !fr || !m->samples || intern_str(&m->strings, "") != 0)
		goto cleanup;
	for (i = 0; i < ag->n; i++)
		if (add_entry(m, s, ag->entries[i], sys, fr, demangle) < 0)
			goto cleanup;
	if (fill_mappings(m, s) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	symbolizer_set_demangle(s, demangle);
	if (ret < 0)
		log_error("cannot write the profile: out of memory");
	free(sys);
	free(fr);
	return ret;
}

const char *export_model_string(const struct export_model *m, int64_t id)
{
	return m->strings.keys[id];
}

void export_model_release(struct export_model *m)
{
	intern_release(&m->strings);
	intern_release(&m->mapping_keys);
	intern_release(&m->function_keys);
	intern_release(&m->location_keys);
	free(m->mappings);
	free(m->functions);
	free(m->locations);
	free(m->locs);
	free(m->samples);
	memset(m, 0, sizeof(*m));
}
