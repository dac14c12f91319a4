/* Writes the profile as one json document with jansson (see json.h). */
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "frametypes.h"
#include "log.h"

#define FORMAT_VERSION 1

/* modules are listed as frames first use them */
struct module_map {
	int *json_index; /* symbolizer module -> index in list, or -1 */
	int cap;
	json_t *list;
	const struct symbolizer *s;
};

static json_t *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_string(buf);
}

/* the json index of a module, or -1 when out of memory */
static int module_ref(struct module_map *mm, int module)
{
	if (module >= mm->cap) {
		int cap = module * 2 + 16, i;
		int *tmp = realloc(mm->json_index, (size_t)cap * sizeof(int));

		if (!tmp)
			return -1;
		for (i = mm->cap; i < cap; i++)
			tmp[i] = -1;
		mm->json_index = tmp;
		mm->cap = cap;
	}
	if (mm->json_index[module] < 0) {
		mm->json_index[module] = (int)json_array_size(mm->list);
		json_array_append_new(mm->list, json_pack("{s:s, s:s, s:b}", "path",
							  symbolizer_module(mm->s, module).path, "build_id", "",
							  "kernel", symbolizer_module(mm->s, module).kernel));
	}
	return mm->json_index[module];
}

static json_t *frame_json(const struct frame *fr, struct module_map *mm)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(frame_type_name(fr->type)));
	json_object_set_new(o, "address", hex(fr->ip));
	if (fr->sym.symbol) {
		json_object_set_new(o, "symbol", json_string(fr->sym.symbol));
		json_object_set_new(o, "symbol_offset", json_integer((json_int_t)fr->sym.symbol_offset));
	}
	if (fr->sym.module >= 0 && module_ref(mm, fr->sym.module) >= 0) {
		json_object_set_new(o, "module", json_integer(mm->json_index[fr->sym.module]));
		if (fr->type != FRAME_MARKER_KERNEL)
			json_object_set_new(o, "module_offset", hex(fr->sym.module_offset));
	}
	return o;
}

static json_t *stack_json(const struct stack_entry *e, struct symbolizer *s, struct frames *fr,
			  struct module_map *mm)
{
	json_t *o = json_object(), *frames = json_array();
	size_t i;

	frames_resolve(s, e, fr);
	for (i = 0; i < fr->n; i++)
		json_array_append_new(frames, frame_json(&fr->f[i], mm));
	json_object_set_new(o, "comm", json_string(e->comm));
	json_object_set_new(o, "pid", json_integer(e->tgid));
	json_object_set_new(o, "count", json_integer((json_int_t)e->count));
	if (e->user_err)
		json_object_set_new(o, "user_error", json_string(stack_error_name(e->user_err)));
	if (e->kernel_err)
		json_object_set_new(o, "kernel_error", json_string(stack_error_name(e->kernel_err)));
	json_object_set_new(o, "frames", frames);
	return o;
}

static int by_count(const void *a, const void *b)
{
	const struct stack_entry *x = *(const struct stack_entry *const *)a;
	const struct stack_entry *y = *(const struct stack_entry *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->tgid < y->tgid ? -1 : x->tgid > y->tgid;
}

static json_t *header_json(const struct profile_meta *m, uint64_t samples)
{
	const struct analyzer_stats *st = &m->stats;
	json_t *pids = json_array();
	int i;

	for (i = 0; i < m->npids; i++)
		json_array_append_new(pids, json_integer(m->pids[i]));

	return json_pack("{s:s, s:i, s:{s:s, s:s}, s:{s:s, s:s, s:i, s:s}, s:i, s:o, s:o, s:f, s:I, "
			 "s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
			 "format", "profiling-agent-profile", "format_version", FORMAT_VERSION,
			 "agent", "name", "profiling-agent", "version", m->agent_version,
			 "analyzer", "flavor", m->analyzer->flavor, "arch", m->analyzer->arch,
			 "abi", m->analyzer->abi, "source", m->analyzer->source,
			 "frequency_hz", (int)m->frequency_hz,
			 "pid", m->npids ? json_integer(m->pids[0]) : json_null(), "pids", pids,
			 "duration_s", m->duration_s,
			 "samples", (json_int_t)samples,
			 "stats", "samples", (json_int_t)st->samples, "recorded", (json_int_t)st->recorded,
			 "filtered", (json_int_t)st->filtered, "kernel_stack_errors", (json_int_t)st->kstack_err,
			 "user_stack_errors", (json_int_t)st->ustack_err, "map_full", (json_int_t)st->map_full,
			 "debug_lost", (json_int_t)st->debug_lost, "stack_copies", (json_int_t)st->copied,
			 "stack_copies_lost", (json_int_t)st->copy_lost);
}

/* now that every frame is resolved, the build-ids are known */
static void fill_build_ids(struct module_map *mm)
{
	int i;

	for (i = 0; i < mm->cap; i++)
		if (mm->json_index[i] >= 0)
			json_object_set_new(json_array_get(mm->list, (size_t)mm->json_index[i]), "build_id",
					    json_string(symbolizer_module(mm->s, i).build_id));
}

int json_write(FILE *f, const struct aggregate *ag, struct symbolizer *s, const struct profile_meta *meta)
{
	struct stack_entry **order = malloc((ag->n ? ag->n : 1) * sizeof(*order));
	struct frames *fr = malloc(sizeof(*fr));
	struct module_map mm = { NULL, 0, json_array(), s };
	json_t *doc = header_json(meta, ag->samples), *stacks = json_array();
	int ret = -1;
	size_t i;

	if (!order || !fr || !doc || !stacks || !mm.list) {
		log_error("cannot write the profile: out of memory");
		goto cleanup;
	}
	if (ag->n) {
		memcpy(order, ag->entries, ag->n * sizeof(*order));
		qsort(order, ag->n, sizeof(*order), by_count);
	}
	for (i = 0; i < ag->n; i++)
		json_array_append_new(stacks, stack_json(order[i], s, fr, &mm));
	fill_build_ids(&mm);
	json_object_set(doc, "modules", mm.list);
	json_object_set(doc, "stacks", stacks);
	if (json_dumpf(doc, f, JSON_INDENT(1) | JSON_ENSURE_ASCII) < 0 || fputc('\n', f) == EOF || ferror(f)) {
		log_error("cannot write the profile: %s", strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	json_decref(mm.list);
	json_decref(stacks);
	json_decref(doc);
	free(mm.json_index);
	free(order);
	free(fr);
	return ret;
}
