/*
 * profile-check: reads a profile the agent wrote with --format json,
 * checks its shape and prints what the shell tests assert on:
 *
 *   profile-check FILE [SYMBOL...]
 *
 * Output: "key=value" lines (format, flavor, stacks, samples, frames,
 * kernel_frames, native_frames, symbolized_frames, modules,
 * modules_with_build_id, pids: how many processes have samples,
 * user_frame_samples, mapped_user_frame_samples and named_user_frame_samples:
 * native frames weighted by their stacks' counts, all, those in a module and
 * those with a symbol), then "symbol:NAME=N":
 * the samples of the stacks holding a frame named NAME, then "pid:PID=N"
 * per process, by pid. Exit 0, or 1 with the first problem found.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frametypes.h"

struct tally {
	long long stacks, samples, frames, kernel, native, symbolized;
	long long user_frame_samples, mapped_user_frame_samples, named_user_frame_samples;
};

struct pid_count {
	long long pid, samples;
};

static int by_pid(const void *a, const void *b)
{
	const struct pid_count *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* the samples per process, by pid, in a calloc'd array of *n; NULL when out of memory */
static struct pid_count *count_pids(json_t *stacks, size_t *n)
{
	struct pid_count *v = calloc(json_array_size(stacks) + 1, sizeof(*v));
	size_t i, j, out = 0;
	json_t *st;

	if (!v)
		return NULL;
	json_array_foreach(stacks, i, st) {
		v[i].pid = json_integer_value(json_object_get(st, "pid"));
		v[i].samples = json_integer_value(json_object_get(st, "count"));
	}
	qsort(v, json_array_size(stacks), sizeof(*v), by_pid);
	for (i = 0; i < json_array_size(stacks); i = j) {
		v[out] = v[i];
		for (j = i + 1; j < json_array_size(stacks) && v[j].pid == v[i].pid; j++)
			v[out].samples += v[j].samples;
		out++;
	}
	*n = out;
	return v;
}

static int bad(const char *what, size_t i)
{
	fprintf(stderr, "profile-check: entry %zu: %s\n", i, what);
	return -1;
}

static int known_type(const char *name)
{
	unsigned int t;

	for (t = 0; t < FRAME_MARKER_TYPE_LIMIT; t++)
		if (frame_type_name(t) && !strcmp(frame_type_name(t), name))
			return 1;
	return 0;
}

static int check_frame(json_t *fr, size_t nmods, size_t i, long long count, struct tally *t)
{
	json_t *type = json_object_get(fr, "type"), *addr = json_object_get(fr, "address");
	json_t *sym = json_object_get(fr, "symbol"), *mod = json_object_get(fr, "module");

	if (!json_is_string(type) || !known_type(json_string_value(type)))
		return bad("frame without a known type", i);
	if (!json_is_string(addr) || strncmp(json_string_value(addr), "0x", 2) ||
	    strspn(json_string_value(addr) + 2, "0123456789abcdef") != strlen(json_string_value(addr) + 2))
		return bad("frame without a hex address", i);
	if (sym && !json_is_string(sym))
		return bad("symbol is not a string", i);
	if (mod && (!json_is_integer(mod) || json_integer_value(mod) < 0 || (size_t)json_integer_value(mod) >= nmods))
		return bad("module is not an index into modules", i);
	t->frames++;
	t->kernel += !strcmp(json_string_value(type), "kernel");
	t->native += !strcmp(json_string_value(type), "native");
	t->symbolized += sym != NULL;
	if (!strcmp(json_string_value(type), "native")) {
		t->user_frame_samples += count;
		t->mapped_user_frame_samples += mod ? count : 0;
		t->named_user_frame_samples += sym ? count : 0;
	}
	return 0;
}

static int has_symbol(json_t *frames, const char *name)
{
	size_t i;
	json_t *fr;

	json_array_foreach(frames, i, fr) {
		json_t *sym = json_object_get(fr, "symbol");

		if (json_is_string(sym) && !strcmp(json_string_value(sym), name))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	json_t *doc, *stacks, *modules, *st, *fr;
	struct tally t = { 0 };
	struct pid_count *pids;
	size_t npids;
	json_error_t e;
	size_t i, j, with_id = 0;
	int a;

	if (argc < 2) {
		fprintf(stderr, "usage: profile-check FILE [SYMBOL...]\n");
		return 2;
	}
	doc = json_load_file(argv[1], JSON_REJECT_DUPLICATES, &e);
	if (!doc) {
		fprintf(stderr, "profile-check: '%s' line %d: %s\n", argv[1], e.line, e.text);
		return 1;
	}
	stacks = json_object_get(doc, "stacks");
	modules = json_object_get(doc, "modules");
	if (!json_is_array(stacks) || !json_is_array(modules) || json_integer_value(json_object_get(doc, "format_version")) != 1 ||
	    !json_is_string(json_object_get(json_object_get(doc, "analyzer"), "flavor"))) {
		fprintf(stderr, "profile-check: not a profiling-agent profile (format_version 1)\n");
		return 1;
	}
	json_array_foreach(modules, i, st) {
		if (!json_is_string(json_object_get(st, "path")) || !json_is_string(json_object_get(st, "build_id")) ||
		    !json_is_boolean(json_object_get(st, "kernel")))
			return bad("a module lacks path, build_id or kernel", i) < 0;
		with_id += json_string_length(json_object_get(st, "build_id")) > 0;
	}
	json_array_foreach(stacks, i, st) {
		json_t *frames = json_object_get(st, "frames"), *count = json_object_get(st, "count");

		if (!json_is_string(json_object_get(st, "comm")) || !json_is_integer(json_object_get(st, "pid")) ||
		    !json_is_integer(count) || json_integer_value(count) <= 0 || !json_is_array(frames))
			return bad("lacks comm, pid, a positive count or frames", i) < 0;
		json_array_foreach(frames, j, fr)
			if (check_frame(fr, json_array_size(modules), i, json_integer_value(count), &t) < 0)
				return 1;
		t.stacks++;
		t.samples += json_integer_value(count);
	}
	if (json_integer_value(json_object_get(doc, "samples")) != t.samples) {
		fprintf(stderr, "profile-check: \"samples\" is not the sum of the stacks' counts\n");
		return 1;
	}
	printf("format=%s\nflavor=%s\n", json_string_value(json_object_get(doc, "format")),
	       json_string_value(json_object_get(json_object_get(doc, "analyzer"), "flavor")));
	printf("stacks=%lld\nsamples=%lld\nframes=%lld\nkernel_frames=%lld\nnative_frames=%lld\n"
	       "symbolized_frames=%lld\nmodules=%zu\nmodules_with_build_id=%zu\n",
	       t.stacks, t.samples, t.frames, t.kernel, t.native, t.symbolized, json_array_size(modules), with_id);
	pids = count_pids(stacks, &npids);
	if (!pids) {
		fprintf(stderr, "profile-check: out of memory\n");
		return 1;
	}
	printf("pids=%zu\nuser_frame_samples=%lld\nmapped_user_frame_samples=%lld\nnamed_user_frame_samples=%lld\n",
	       npids, t.user_frame_samples, t.mapped_user_frame_samples, t.named_user_frame_samples);
	for (a = 2; a < argc; a++) {
		long long n = 0;

		json_array_foreach(stacks, i, st)
			if (has_symbol(json_object_get(st, "frames"), argv[a]))
				n += json_integer_value(json_object_get(st, "count"));
		printf("symbol:%s=%lld\n", argv[a], n);
	}
	for (i = 0; i < npids; i++)
		printf("pid:%lld=%lld\n", pids[i].pid, pids[i].samples);
	free(pids);
	json_decref(doc);
	return 0;
}
