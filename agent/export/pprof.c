/* Writes the profile as a gzipped pprof Profile with protobuf-c (see pprof.h). */
#include "pprof.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gzip.h"
#include "log.h"
#include "model.h"
#include "profile.pb-c.h"

#define NLABELS 4

/* every array the Profile message points into, freed together */
struct pprof_parts {
	Perftools__Profiles__ValueType types[3], *type_ptrs[2];
	Perftools__Profiles__Sample *samples, **sample_ptrs;
	Perftools__Profiles__Label *labels, **label_ptrs;
	uint64_t *location_ids;
	int64_t *values;
	Perftools__Profiles__Mapping *mappings, **mapping_ptrs;
	Perftools__Profiles__Location *locations, **location_ptrs;
	Perftools__Profiles__Line *lines, **line_ptrs;
	Perftools__Profiles__Function *functions, **function_ptrs;
};

/* the strings the Profile names besides the model's; -1 when out of memory */
struct pprof_strings {
	int64_t samples, count, cpu, nanoseconds, pid, tid, comm, flavor, flavor_value;
};

static int intern_names(struct export_model *m, const char *flavor, struct pprof_strings *st)
{
	st->samples = intern_str(&m->strings, "samples");
	st->count = intern_str(&m->strings, "count");
	st->cpu = intern_str(&m->strings, "cpu");
	st->nanoseconds = intern_str(&m->strings, "nanoseconds");
	st->pid = intern_str(&m->strings, "pid");
	st->tid = intern_str(&m->strings, "tid");
	st->comm = intern_str(&m->strings, "comm");
	st->flavor = intern_str(&m->strings, "flavor");
	st->flavor_value = intern_str(&m->strings, flavor);
	return st->samples < 0 || st->count < 0 || st->cpu < 0 || st->nanoseconds < 0 || st->pid < 0 ||
			       st->tid < 0 || st->comm < 0 || st->flavor < 0 || st->flavor_value < 0
		       ? -1
		       : 0;
}

static int alloc_parts(struct pprof_parts *p, const struct export_model *m)
{
	size_t ns = m->nsamples ? m->nsamples : 1;

	p->samples = calloc(ns, sizeof(*p->samples));
	p->sample_ptrs = calloc(ns, sizeof(*p->sample_ptrs));
	p->labels = calloc(ns * NLABELS, sizeof(*p->labels));
	p->label_ptrs = calloc(ns * NLABELS, sizeof(*p->label_ptrs));
	p->values = calloc(ns * 2, sizeof(*p->values));
	p->location_ids = calloc(m->nlocs ? m->nlocs : 1, sizeof(*p->location_ids));
	p->mappings = calloc(m->nmappings + 1, sizeof(*p->mappings));
	p->mapping_ptrs = calloc(m->nmappings + 1, sizeof(*p->mapping_ptrs));
	p->locations = calloc(m->nlocations + 1, sizeof(*p->locations));
	p->location_ptrs = calloc(m->nlocations + 1, sizeof(*p->location_ptrs));
	p->lines = calloc(m->nlocations + 1, sizeof(*p->lines));
	p->line_ptrs = calloc(m->nlocations + 1, sizeof(*p->line_ptrs));
	p->functions = calloc(m->nfunctions + 1, sizeof(*p->functions));
	p->function_ptrs = calloc(m->nfunctions + 1, sizeof(*p->function_ptrs));
	return p->samples && p->sample_ptrs && p->labels && p->label_ptrs && p->values && p->location_ids &&
			       p->mappings && p->mapping_ptrs && p->locations && p->location_ptrs && p->lines &&
			       p->line_ptrs && p->functions && p->function_ptrs
		       ? 0
		       : -1;
}

static void free_parts(struct pprof_parts *p)
{
	free(p->samples);
	free(p->sample_ptrs);
	free(p->labels);
	free(p->label_ptrs);
	free(p->values);
	free(p->location_ids);
	free(p->mappings);
	free(p->mapping_ptrs);
	free(p->locations);
	free(p->location_ptrs);
	free(p->lines);
	free(p->line_ptrs);
	free(p->functions);
	free(p->function_ptrs);
}

static void set_label(Perftools__Profiles__Label *l, int64_t key, int64_t str, int64_t num)
{
	perftools__profiles__label__init(l);
	l->key = key;
	l->str = str;
	l->num = num;
}

static void fill_samples(Perftools__Profiles__Profile *prof, struct pprof_parts *p, const struct export_model *m,
			 const struct pprof_strings *st, int64_t period)
{
	size_t i, j;

	for (i = 0; i < m->nlocs; i++)
		p->location_ids[i] = m->locs[i] + 1;
	for (i = 0; i < m->nsamples; i++) {
		const struct export_sample *s = &m->samples[i];
		Perftools__Profiles__Sample *ps = &p->samples[i];
		Perftools__Profiles__Label *l = &p->labels[i * NLABELS];

		perftools__profiles__sample__init(ps);
		ps->n_location_id = s->n;
		ps->location_id = p->location_ids + s->first;
		p->values[2 * i] = (int64_t)s->count;
		p->values[2 * i + 1] = (int64_t)s->count * period;
		ps->n_value = 2;
		ps->value = &p->values[2 * i];
		set_label(&l[0], st->pid, 0, s->pid);
		set_label(&l[1], st->tid, 0, s->tid);
		set_label(&l[2], st->comm, s->comm, 0);
		set_label(&l[3], st->flavor, st->flavor_value, 0);
		for (j = 0; j < NLABELS; j++)
			p->label_ptrs[i * NLABELS + j] = &l[j];
		ps->n_label = NLABELS;
		ps->label = &p->label_ptrs[i * NLABELS];
		p->sample_ptrs[i] = ps;
	}
	prof->n_sample = m->nsamples;
	prof->sample = p->sample_ptrs;
}

static void fill_dictionary(Perftools__Profiles__Profile *prof, struct pprof_parts *p, const struct export_model *m)
{
	size_t i;

	for (i = 0; i < m->nmappings; i++) {
		Perftools__Profiles__Mapping *pm = &p->mappings[i];

		perftools__profiles__mapping__init(pm);
		pm->id = i + 1;
		pm->memory_start = 0;
		pm->memory_limit = m->mappings[i].limit;
		pm->file_offset = 0;
		pm->filename = m->mappings[i].filename;
		pm->build_id = m->mappings[i].build_id;
		pm->has_functions = 1;
		p->mapping_ptrs[i] = pm;
	}
	for (i = 0; i < m->nfunctions; i++) {
		Perftools__Profiles__Function *pf = &p->functions[i];

		perftools__profiles__function__init(pf);
		pf->id = i + 1;
		pf->name = m->functions[i].name;
		pf->system_name = m->functions[i].system_name;
		pf->filename = m->functions[i].filename;
		p->function_ptrs[i] = pf;
	}
	for (i = 0; i < m->nlocations; i++) {
		Perftools__Profiles__Location *pl = &p->locations[i];

		perftools__profiles__location__init(pl);
		perftools__profiles__line__init(&p->lines[i]);
		pl->id = i + 1;
		pl->mapping_id = m->locations[i].mapping >= 0 ? (uint64_t)m->locations[i].mapping + 1 : 0;
		pl->address = m->locations[i].address;
		p->lines[i].function_id = (uint64_t)m->locations[i].function + 1;
		p->lines[i].line = m->locations[i].line;
		p->line_ptrs[i] = &p->lines[i];
		pl->n_line = 1;
		pl->line = &p->line_ptrs[i];
		p->location_ptrs[i] = pl;
	}
	prof->n_mapping = m->nmappings;
	prof->mapping = p->mapping_ptrs;
	prof->n_function = m->nfunctions;
	prof->function = p->function_ptrs;
	prof->n_location = m->nlocations;
	prof->location = p->location_ptrs;
}

static int64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* packs prof, gzips it and writes it to f */
static int write_packed(FILE *f, const Perftools__Profiles__Profile *prof)
{
	size_t len = perftools__profiles__profile__get_packed_size(prof), zlen = 0;
	uint8_t *buf = malloc(len ? len : 1), *z = NULL;
	int ret = -1;

	if (!buf || (perftools__profiles__profile__pack(prof, buf), gzip_buffer(buf, len, &z, &zlen) < 0)) {
		log_error("cannot write the profile: out of memory");
		goto cleanup;
	}
	if (fwrite(z, 1, zlen, f) != zlen || ferror(f)) {
		log_error("cannot write the profile: %s", strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(buf);
	free(z);
	return ret;
}

int pprof_write(FILE *f, const struct aggregate *ag, struct symbolizer *s, const struct profile_meta *meta,
		int demangle)
{
	Perftools__Profiles__Profile prof = PERFTOOLS__PROFILES__PROFILE__INIT;
	struct pprof_parts p;
	struct pprof_strings st;
	struct export_model m;
	int64_t period = 1000000000LL / (meta->frequency_hz ? meta->frequency_hz : 1);
	int ret = -1;

	memset(&p, 0, sizeof(p));
	if (export_model_build(&m, ag, s, demangle) < 0)
		goto cleanup;
	if (intern_names(&m, meta->analyzer ? meta->analyzer->flavor : "", &st) < 0 || alloc_parts(&p, &m) < 0) {
		log_error("cannot write the profile: out of memory");
		goto cleanup;
	}
	perftools__profiles__value_type__init(&p.types[0]);
	p.types[0].type = st.samples;
	p.types[0].unit = st.count;
	perftools__profiles__value_type__init(&p.types[1]);
	p.types[1].type = st.cpu;
	p.types[1].unit = st.nanoseconds;
	p.types[2] = p.types[1];
	p.type_ptrs[0] = &p.types[0];
	p.type_ptrs[1] = &p.types[1];
	prof.n_sample_type = 2;
	prof.sample_type = p.type_ptrs;
	prof.period_type = &p.types[2];
	prof.period = period;
	prof.duration_nanos = (int64_t)(meta->duration_s * 1e9);
	prof.time_nanos = wall_ns() - prof.duration_nanos;
	fill_samples(&prof, &p, &m, &st, period);
	fill_dictionary(&prof, &p, &m);
	prof.n_string_table = m.strings.n;
	prof.string_table = m.strings.keys;
	ret = write_packed(f, &prof);
cleanup:
	free_parts(&p);
	export_model_release(&m);
	return ret;
}
