/*
 * Encodes one window as an OTLP ExportProfilesServiceRequest with
 * protobuf-c (see otlp.h, otlp_encode).
 */
#include "otlp.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intern.h"
#include "otlp-profiles.pb-c.h"
#include "utf8.h"

/* every allocation of one encoding, freed together */
struct arena {
	void **p;
	size_t n, cap;
	int failed;
};

static void *az(struct arena *a, size_t size)
{
	void *p;

	if (a->failed)
		return NULL;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		void **tmp = realloc(a->p, cap * sizeof(*tmp));

		if (!tmp) {
			a->failed = 1;
			return NULL;
		}
		a->p = tmp;
		a->cap = cap;
	}
	p = calloc(1, size ? size : 1);
	if (!p) {
		a->failed = 1;
		return NULL;
	}
	a->p[a->n++] = p;
	return p;
}

#define NEW(a, type, n) ((type *)az((a), sizeof(type) * (size_t)(n)))

static void arena_free(struct arena *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->p[i]);
	free(a->p);
}

/* the request being built: the dictionary's tables as they grow */
struct enc {
	struct arena a;
	struct export_model *m;
	Otlp__KeyValueAndUnit **attrs;
	size_t nattrs, cap_attrs;
	struct intern attr_keys;
};

static int32_t str(struct enc *e, const char *s)
{
	int64_t id = intern_str(&e->m->strings, s);

	if (id < 0 || id > INT32_MAX) {
		e->a.failed = 1;
		return 0;
	}
	return (int32_t)id;
}

/* the attribute table's index of key = value (a string, or v when s is NULL) */
static int32_t attr(struct enc *e, const char *key, const char *s, int64_t v)
{
	char buf[600];
	int len = snprintf(buf, sizeof(buf), "%s%c%c%s%c%lld", key, 0, s ? 's' : 'i', s ? s : "", 0, (long long)v);
	int added;
	int64_t id;
	Otlp__KeyValueAndUnit *kv;

	if (len < 0 || (size_t)len >= sizeof(buf))
		len = sizeof(buf) - 1;
	id = intern_id(&e->attr_keys, buf, (size_t)len, &added);
	if (id < 0 || id >= INT32_MAX) {
		e->a.failed = 1;
		return 0;
	}
	if (!added)
		return (int32_t)id + 1;
	if (e->nattrs == e->cap_attrs) {
		size_t cap = e->cap_attrs ? e->cap_attrs * 2 : 64;
		Otlp__KeyValueAndUnit **tmp = realloc(e->attrs, cap * sizeof(*tmp));

		if (!tmp) {
			e->a.failed = 1;
			return 0;
		}
		e->attrs = tmp;
		e->cap_attrs = cap;
	}
	kv = NEW(&e->a, Otlp__KeyValueAndUnit, 1);
	if (!kv)
		return 0;
	otlp__key_value_and_unit__init(kv);
	kv->key_strindex = str(e, key);
	kv->value = NEW(&e->a, Otlp__AnyValue, 1);
	if (!kv->value)
		return 0;
	otlp__any_value__init(kv->value);
	if (s) {
		kv->value->value_case = OTLP__ANY_VALUE__VALUE_STRING_VALUE;
		kv->value->string_value = (char *)s;
	} else {
		kv->value->value_case = OTLP__ANY_VALUE__VALUE_INT_VALUE;
		kv->value->int_value = v;
	}
	/* the table's index 0 is the zero value: entries start at 1 */
	e->attrs[e->nattrs++] = kv;
	return (int32_t)e->nattrs;
}

/* a resource attribute: KeyValue with a string or an int */
static Otlp__KeyValue *kv(struct enc *e, const char *key, const char *s, int64_t v)
{
	Otlp__KeyValue *k = NEW(&e->a, Otlp__KeyValue, 1);
	Otlp__AnyValue *val = NEW(&e->a, Otlp__AnyValue, 1);

	if (!k || !val)
		return NULL;
	otlp__key_value__init(k);
	otlp__any_value__init(val);
	k->key = (char *)key;
	k->value = val;
	if (s) {
		val->value_case = OTLP__ANY_VALUE__VALUE_STRING_VALUE;
		val->string_value = (char *)s;
	} else {
		val->value_case = OTLP__ANY_VALUE__VALUE_INT_VALUE;
		val->int_value = v;
	}
	return k;
}

/* what /proc/PID/exe names, as UTF-8, or NULL when the process is gone */
static char *exe_path(struct enc *e, uint32_t pid)
{
	char link[64], buf[PATH_MAX], *t, *copy;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%u/exe", pid);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	t = utf8_text(buf, (size_t)n);
	copy = t ? NEW(&e->a, char, strlen(t) + 1) : NULL;
	if (copy)
		strcpy(copy, t);
	free(t);
	return copy;
}

static Otlp__ValueType *value_type(struct enc *e, const char *type, const char *unit)
{
	Otlp__ValueType *vt = NEW(&e->a, Otlp__ValueType, 1);

	if (!vt)
		return NULL;
	otlp__value_type__init(vt);
	vt->type_strindex = str(e, type);
	vt->unit_strindex = str(e, unit);
	return vt;
}

static Otlp__Resource *resource(struct enc *e, const struct export_sample *s, const struct otlp_window *w)
{
	Otlp__Resource *r = NEW(&e->a, Otlp__Resource, 1);
	Otlp__KeyValue **attrs = NEW(&e->a, Otlp__KeyValue *, 4);
	char *exe = exe_path(e, s->pid);

	if (!r || !attrs)
		return NULL;
	otlp__resource__init(r);
	attrs[0] = kv(e, "host.name", w->host_name, 0);
	attrs[1] = kv(e, "service.name", w->service_name ? w->service_name : e->m->strings.keys[s->comm], 0);
	attrs[2] = kv(e, "process.pid", NULL, s->pid);
	r->n_attributes = 3;
	if (exe)
		attrs[r->n_attributes++] = kv(e, "process.executable.path", exe, 0);
	r->attributes = attrs;
	return r;
}

/* the samples of one process, order[0..n) indexing e->m->samples */
static Otlp__ResourceProfiles *process_profiles(struct enc *e, const size_t *order, size_t n,
						const struct otlp_window *w)
{
	Otlp__ResourceProfiles *rp = NEW(&e->a, Otlp__ResourceProfiles, 1);
	Otlp__ScopeProfiles *sp = NEW(&e->a, Otlp__ScopeProfiles, 1);
	Otlp__InstrumentationScope *scope = NEW(&e->a, Otlp__InstrumentationScope, 1);
	Otlp__Profile *p = NEW(&e->a, Otlp__Profile, 1);
	Otlp__Sample **samples = NEW(&e->a, Otlp__Sample *, n);
	const struct export_model *m = e->m;
	size_t i;

	if (!rp || !sp || !scope || !p || !samples)
		return NULL;
	otlp__resource_profiles__init(rp);
	otlp__scope_profiles__init(sp);
	otlp__instrumentation_scope__init(scope);
	otlp__profile__init(p);
	rp->resource = resource(e, &m->samples[order[0]], w);
	rp->n_scope_profiles = 1;
	rp->scope_profiles = NEW(&e->a, Otlp__ScopeProfiles *, 1);
	if (!rp->scope_profiles)
		return NULL;
	rp->scope_profiles[0] = sp;
	scope->name = "profiling-agent";
	scope->version = (char *)w->meta->agent_version;
	sp->scope = scope;
	sp->n_profiles = 1;
	sp->profiles = NEW(&e->a, Otlp__Profile *, 1);
	if (!sp->profiles)
		return NULL;
	sp->profiles[0] = p;
	p->sample_type = value_type(e, "samples", "count");
	p->period_type = value_type(e, "cpu", "nanoseconds");
	p->period = 1000000000LL / (w->meta->frequency_hz ? w->meta->frequency_hz : 1);
	p->time_unix_nano = (uint64_t)w->start_unix_ns;
	p->duration_nano = (uint64_t)(w->meta->duration_s * 1e9);
	p->attribute_indices = NEW(&e->a, int32_t, 1);
	if (!p->attribute_indices)
		return NULL;
	p->attribute_indices[0] = attr(e, "profiling_agent.analyzer.flavor",
				       w->meta->analyzer ? w->meta->analyzer->flavor : "", 0);
	p->n_attribute_indices = 1;
	for (i = 0; i < n; i++) {
		const struct export_sample *s = &m->samples[order[i]];
		Otlp__Sample *smp = NEW(&e->a, Otlp__Sample, 1);
		int32_t *ai = NEW(&e->a, int32_t, 2);
		int64_t *v = NEW(&e->a, int64_t, 1);

		if (!smp || !ai || !v)
			return NULL;
		otlp__sample__init(smp);
		smp->stack_index = (int32_t)order[i] + 1;
		ai[0] = attr(e, "thread.id", NULL, s->tid);
		ai[1] = attr(e, "thread.name", m->strings.keys[s->comm], 0);
		smp->n_attribute_indices = 2;
		smp->attribute_indices = ai;
		v[0] = (int64_t)s->count;
		smp->n_values = 1;
		smp->values = v;
		samples[i] = smp;
	}
	p->n_samples = n;
	p->samples = samples;
	return e->a.failed ? NULL : rp;
}

/* mappings, functions, locations and stacks; index 0 of each the zero value */
static Otlp__ProfilesDictionary *dictionary(struct enc *e)
{
	const struct export_model *m = e->m;
	Otlp__ProfilesDictionary *d = NEW(&e->a, Otlp__ProfilesDictionary, 1);
	size_t i, j;

	if (!d)
		return NULL;
	otlp__profiles_dictionary__init(d);
	d->n_mapping_table = m->nmappings + 1;
	d->mapping_table = NEW(&e->a, Otlp__Mapping *, d->n_mapping_table);
	d->n_function_table = m->nfunctions + 1;
	d->function_table = NEW(&e->a, Otlp__Function *, d->n_function_table);
	d->n_location_table = m->nlocations + 1;
	d->location_table = NEW(&e->a, Otlp__Location *, d->n_location_table);
	d->n_stack_table = m->nsamples + 1;
	d->stack_table = NEW(&e->a, Otlp__Stack *, d->n_stack_table);
	d->n_link_table = 1;
	d->link_table = NEW(&e->a, Otlp__Link *, 1);
	if (!d->mapping_table || !d->function_table || !d->location_table || !d->stack_table || !d->link_table)
		return NULL;
	for (i = 0; i <= m->nmappings; i++) {
		Otlp__Mapping *mp = NEW(&e->a, Otlp__Mapping, 1);

		if (!mp)
			return NULL;
		otlp__mapping__init(mp);
		d->mapping_table[i] = mp;
		if (i == 0)
			continue;
		mp->memory_limit = m->mappings[i - 1].limit;
		mp->filename_strindex = (int32_t)m->mappings[i - 1].filename;
		if (m->strings.keys[m->mappings[i - 1].build_id][0]) {
			mp->attribute_indices = NEW(&e->a, int32_t, 1);
			if (!mp->attribute_indices)
				return NULL;
			mp->attribute_indices[0] = attr(e, "process.executable.build_id.gnu",
							m->strings.keys[m->mappings[i - 1].build_id], 0);
			mp->n_attribute_indices = 1;
		}
	}
	for (i = 0; i <= m->nfunctions; i++) {
		Otlp__Function *f = NEW(&e->a, Otlp__Function, 1);

		if (!f)
			return NULL;
		otlp__function__init(f);
		if (i > 0) {
			f->name_strindex = (int32_t)m->functions[i - 1].name;
			f->system_name_strindex = (int32_t)m->functions[i - 1].system_name;
			f->filename_strindex = (int32_t)m->functions[i - 1].filename;
		}
		d->function_table[i] = f;
	}
	for (i = 0; i <= m->nlocations; i++) {
		Otlp__Location *l = NEW(&e->a, Otlp__Location, 1);
		Otlp__Line *line = NEW(&e->a, Otlp__Line, 1);

		if (!l || !line)
			return NULL;
		otlp__location__init(l);
		otlp__line__init(line);
		d->location_table[i] = l;
		if (i == 0)
			continue;
		l->mapping_index = (int32_t)(m->locations[i - 1].mapping + 1);
		l->address = m->locations[i - 1].address;
		line->function_index = (int32_t)m->locations[i - 1].function + 1;
		line->line = m->locations[i - 1].line;
		l->lines = NEW(&e->a, Otlp__Line *, 1);
		if (!l->lines)
			return NULL;
		l->lines[0] = line;
		l->n_lines = 1;
	}
	for (i = 0; i <= m->nsamples; i++) {
		Otlp__Stack *st = NEW(&e->a, Otlp__Stack, 1);

		if (!st)
			return NULL;
		otlp__stack__init(st);
		d->stack_table[i] = st;
		if (i == 0)
			continue;
		st->n_location_indices = m->samples[i - 1].n;
		st->location_indices = NEW(&e->a, int32_t, st->n_location_indices);
		if (!st->location_indices)
			return NULL;
		for (j = 0; j < st->n_location_indices; j++)
			st->location_indices[j] = (int32_t)m->locs[m->samples[i - 1].first + j] + 1;
	}
	d->link_table[0] = NEW(&e->a, Otlp__Link, 1);
	if (!d->link_table[0])
		return NULL;
	otlp__link__init(d->link_table[0]);
	/* the zero Link as the spec recommends it: 16 and 8 zero bytes */
	d->link_table[0]->trace_id.len = 16;
	d->link_table[0]->trace_id.data = NEW(&e->a, uint8_t, 16);
	d->link_table[0]->span_id.len = 8;
	d->link_table[0]->span_id.data = NEW(&e->a, uint8_t, 8);
	return e->a.failed ? NULL : d;
}

static const struct export_model *sort_model;

static int by_pid(const void *a, const void *b)
{
	uint32_t x = sort_model->samples[*(const size_t *)a].pid, y = sort_model->samples[*(const size_t *)b].pid;

	if (x != y)
		return x < y ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

uint8_t *otlp_encode(struct export_model *m, const struct otlp_window *w, size_t *len)
{
	Otlp__ExportProfilesServiceRequest req = OTLP__EXPORT_PROFILES_SERVICE_REQUEST__INIT;
	struct enc e;
	size_t *order, i, j, n = 0;
	uint8_t *out = NULL;

	memset(&e, 0, sizeof(e));
	e.m = m;
	intern_init(&e.attr_keys);
	if (m->nlocations >= INT32_MAX || m->nsamples >= INT32_MAX || m->strings.n >= INT32_MAX)
		goto cleanup;
	order = NEW(&e.a, size_t, m->nsamples);
	req.resource_profiles = NEW(&e.a, Otlp__ResourceProfiles *, m->nsamples);
	if (!order || !req.resource_profiles)
		goto cleanup;
	for (i = 0; i < m->nsamples; i++)
		order[i] = i;
	sort_model = m; /* the main thread alone encodes */
	qsort(order, m->nsamples, sizeof(*order), by_pid);
	for (i = 0; i < m->nsamples; i = j) {
		for (j = i; j < m->nsamples && m->samples[order[j]].pid == m->samples[order[i]].pid; j++)
			;
		req.resource_profiles[n] = process_profiles(&e, order + i, j - i, w);
		if (!req.resource_profiles[n++])
			goto cleanup;
	}
	req.n_resource_profiles = n;
	req.dictionary = dictionary(&e);
	if (!req.dictionary)
		goto cleanup;
	/* last: attr() and str() above add to both tables */
	req.dictionary->n_attribute_table = e.nattrs + 1;
	req.dictionary->attribute_table = NEW(&e.a, Otlp__KeyValueAndUnit *, e.nattrs + 1);
	if (!req.dictionary->attribute_table)
		goto cleanup;
	req.dictionary->attribute_table[0] = NEW(&e.a, Otlp__KeyValueAndUnit, 1);
	if (!req.dictionary->attribute_table[0])
		goto cleanup;
	otlp__key_value_and_unit__init(req.dictionary->attribute_table[0]);
	for (i = 0; i < e.nattrs; i++)
		req.dictionary->attribute_table[i + 1] = e.attrs[i];
	req.dictionary->n_string_table = m->strings.n;
	req.dictionary->string_table = m->strings.keys;
	if (e.a.failed)
		goto cleanup;
	*len = otlp__export_profiles_service_request__get_packed_size(&req);
	out = malloc(*len ? *len : 1);
	if (out)
		otlp__export_profiles_service_request__pack(&req, out);
cleanup:
	free(e.attrs);
	intern_release(&e.attr_keys);
	arena_free(&e.a);
	return out;
}
