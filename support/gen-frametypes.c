/*
 * gen-frametypes: turn support/frametypes.json, the one source of truth for
 * frame types, into the C header used by the analyzer and the agent, and a
 * Go file that builds with CGO_ENABLED=0.
 *
 *   gen-frametypes [--c FILE.h] [--go FILE.go] FRAMETYPES.json
 *
 * Exit codes: 0 written, 1 the JSON is invalid (one line names the entry),
 * 2 bad usage or an output could not be written.
 * Outputs are written to a temporary file beside the target and renamed, so
 * a failed run never leaves a half-written file under the final name.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ENTRIES 64
#define FRAME_TYPE_MAX 15 /* the frame header keeps the type in 4 bits */
#define CONSTANT_MAX 255
#define NAME_MAX_LEN 32

struct entry {
	const char *name;
	long long value;
	const char *description;
	char go_name[NAME_MAX_LEN + 1];
};

struct spec {
	const char *source; /* path of the JSON, for messages */
	struct entry types[MAX_ENTRIES];
	size_t ntypes;
	struct entry consts[MAX_ENTRIES];
	size_t nconsts;
};

static const char *progname = "gen-frametypes";

static int invalid(const char *source, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", progname, source);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* a name must be a lower-case identifier that stays valid in C and Go */
static int valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > NAME_MAX_LEN || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
		if (c == '_' && (i + 1 == n || s[i + 1] == '_'))
			return 0;
	}
	return 1;
}

/* php_jit -> PhpJit */
static void go_name(const char *s, char *out)
{
	int upper = 1;

	for (; *s; s++) {
		if (*s == '_') {
			upper = 1;
			continue;
		}
		*out++ = upper && *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
		upper = 0;
	}
	*out = '\0';
}

static int parse_entry(const struct spec *sp, const char *list, size_t idx,
		       json_t *obj, long long max, struct entry *e)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return invalid(sp->source, "%s[%zu]: must be an object with name, value and description",
			       list, idx);
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "name") && strcmp(key, "value") && strcmp(key, "description"))
			return invalid(sp->source, "%s[%zu]: unknown field \"%s\" (allowed: name, value, description)",
				       list, idx, key);
	}
	v = json_object_get(obj, "name");
	if (!json_is_string(v))
		return invalid(sp->source, "%s[%zu]: missing string field \"name\"", list, idx);
	e->name = json_string_value(v);
	if (!valid_name(e->name))
		return invalid(sp->source, "%s[%zu] (\"%s\"): name must match [a-z][a-z0-9_]* (no double or trailing '_', at most %d characters) to be an identifier in C and Go",
			       list, idx, e->name, NAME_MAX_LEN);
	v = json_object_get(obj, "value");
	if (!json_is_integer(v))
		return invalid(sp->source, "%s[%zu] (\"%s\"): missing integer field \"value\"", list, idx, e->name);
	e->value = json_integer_value(v);
	if (e->value < 0 || e->value > max)
		return invalid(sp->source, "%s[%zu] (\"%s\"): value %lld is outside 0..%lld%s",
			       list, idx, e->name, e->value, max,
			       max == FRAME_TYPE_MAX ? " (the frame header has 4 bits for the type)" : "");
	v = json_object_get(obj, "description");
	if (!json_is_string(v) || json_string_length(v) == 0)
		return invalid(sp->source, "%s[%zu] (\"%s\"): missing non-empty string field \"description\"",
			       list, idx, e->name);
	e->description = json_string_value(v);
	if (strstr(e->description, "*/") || strchr(e->description, '\n'))
		return invalid(sp->source, "%s[%zu] (\"%s\"): description must be one line without \"*/\"",
			       list, idx, e->name);
	go_name(e->name, e->go_name);
	return 0;
}

static int parse_list(struct spec *sp, json_t *root, const char *list, long long max,
		      struct entry *out, size_t *n)
{
	json_t *arr = json_object_get(root, list), *obj;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return invalid(sp->source, "missing non-empty array \"%s\"", list);
	if (json_array_size(arr) > MAX_ENTRIES)
		return invalid(sp->source, "\"%s\" has more than %d entries", list, MAX_ENTRIES);
	json_array_foreach(arr, i, obj) {
		if (parse_entry(sp, list, i, obj, max, &out[i]) < 0)
			return -1;
	}
	*n = json_array_size(arr);
	return 0;
}

/* names are unique over both lists (C and Go share one namespace), values within frame types */
static int check_unique(const struct spec *sp)
{
	const struct entry *all[2 * MAX_ENTRIES];
	size_t i, j, n = 0;

	for (i = 0; i < sp->ntypes; i++)
		all[n++] = &sp->types[i];
	for (i = 0; i < sp->nconsts; i++)
		all[n++] = &sp->consts[i];
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(all[i]->go_name, all[j]->go_name))
				return invalid(sp->source, "duplicate name \"%s\" (clashes with \"%s\")",
					       all[i]->name, all[j]->name);
	for (i = 0; i < sp->ntypes; i++)
		for (j = 0; j < i; j++)
			if (sp->types[i].value == sp->types[j].value)
				return invalid(sp->source, "frame_types[%zu] (\"%s\"): duplicate value %lld (already used by \"%s\")",
					       i, sp->types[i].name, sp->types[i].value, sp->types[j].name);
	return 0;
}

static const struct entry *find_const(const struct spec *sp, const char *name)
{
	size_t i;

	for (i = 0; i < sp->nconsts; i++)
		if (!strcmp(sp->consts[i].name, name))
			return &sp->consts[i];
	return NULL;
}

static int parse_spec(struct spec *sp, json_t *root)
{
	const char *key;
	json_t *v;
	const struct entry *err, *abrt;

	if (!json_is_object(root))
		return invalid(sp->source, "top level must be an object with \"frame_types\" and \"constants\"");
	json_object_foreach(root, key, v) {
		if (strcmp(key, "frame_types") && strcmp(key, "constants") && strcmp(key, "comment"))
			return invalid(sp->source, "unknown top-level field \"%s\"", key);
	}
	if (parse_list(sp, root, "frame_types", FRAME_TYPE_MAX, sp->types, &sp->ntypes) < 0 ||
	    parse_list(sp, root, "constants", CONSTANT_MAX, sp->consts, &sp->nconsts) < 0 ||
	    check_unique(sp) < 0)
		return -1;
	err = find_const(sp, "error_bit");
	abrt = find_const(sp, "abort");
	if (!err || !abrt)
		return invalid(sp->source, "constants must define \"error_bit\" and \"abort\"");
	if (err->value <= FRAME_TYPE_MAX || (err->value & (err->value - 1)))
		return invalid(sp->source, "constant \"error_bit\": %lld must be a single bit above the 4-bit type range",
			       err->value);
	if (!(abrt->value & err->value))
		return invalid(sp->source, "constant \"abort\": %lld must have the error bit set", abrt->value);
	return 0;
}

static void upper(const char *s, char *out)
{
	for (; *s; s++)
		*out++ = *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
	*out = '\0';
}

static void write_c(const struct spec *sp, FILE *f)
{
	char up[NAME_MAX_LEN + 1];
	size_t i;

	fprintf(f, "/* Code generated by support/gen-frametypes from support/frametypes.json; DO NOT EDIT. */\n"
		   "#ifndef ANALYZER_FRAMETYPES_H\n#define ANALYZER_FRAMETYPES_H\n\n");
	for (i = 0; i < sp->ntypes; i++) {
		upper(sp->types[i].name, up);
		fprintf(f, "/* %s */\n#define FRAME_MARKER_%s 0x%llx\n", sp->types[i].description, up,
			sp->types[i].value);
	}
	fprintf(f, "\n/* number of frame type values the frame header can hold */\n"
		   "#define FRAME_MARKER_TYPE_LIMIT %d\n\n", FRAME_TYPE_MAX + 1);
	for (i = 0; i < sp->nconsts; i++) {
		upper(sp->consts[i].name, up);
		fprintf(f, "/* %s */\n#define FRAME_MARKER_%s 0x%llx\n", sp->consts[i].description, up,
			sp->consts[i].value);
	}
	fprintf(f, "\n#ifndef __bpf__\n"
		   "/* frame_type_name returns the name of a frame type without the error bit, or NULL. */\n"
		   "static inline const char *frame_type_name(unsigned int type)\n{\n"
		   "\tif (type == FRAME_MARKER_ABORT)\n\t\treturn \"abort\";\n"
		   "\tswitch (type & ~(unsigned int)FRAME_MARKER_ERROR_BIT) {\n");
	for (i = 0; i < sp->ntypes; i++) {
		upper(sp->types[i].name, up);
		fprintf(f, "\tcase FRAME_MARKER_%s:\n\t\treturn \"%s\";\n", up, sp->types[i].name);
	}
	fprintf(f, "\tdefault:\n\t\treturn (const char *)0;\n\t}\n}\n#endif /* !__bpf__ */\n\n"
		   "#endif /* ANALYZER_FRAMETYPES_H */\n");
}

static void write_go(const struct spec *sp, FILE *f)
{
	size_t i;

	fprintf(f, "// Code generated by support/gen-frametypes from support/frametypes.json; DO NOT EDIT.\n\n"
		   "// Package frametypes holds the profiler's frame types, without cgo.\n"
		   "package frametypes\n\n"
		   "import \"strconv\"\n\n"
		   "// FrameType tags a frame with the kind of code it belongs to.\n"
		   "type FrameType uint8\n\nconst (\n");
	for (i = 0; i < sp->ntypes; i++)
		fprintf(f, "\t// %s is a %s.\n\t%s FrameType = %lld\n", sp->types[i].go_name,
			sp->types[i].description, sp->types[i].go_name, sp->types[i].value);
	fprintf(f, ")\n\nconst (\n");
	for (i = 0; i < sp->nconsts; i++)
		fprintf(f, "\t// %s: %s.\n\t%s FrameType = 0x%llx\n", sp->consts[i].go_name,
			sp->consts[i].description, sp->consts[i].go_name, sp->consts[i].value);
	fprintf(f, ")\n\n// TypeLimit is the number of frame type values the frame header can hold.\n"
		   "const TypeLimit = %d\n\n"
		   "// String returns the frame type's name, with \"+error\" when the error bit is set.\n"
		   "func (t FrameType) String() string {\n"
		   "\tif t == Abort {\n\t\treturn \"abort\"\n\t}\n"
		   "\tsuffix := \"\"\n\tif t&ErrorBit != 0 {\n\t\tsuffix = \"+error\"\n\t\tt &^= ErrorBit\n\t}\n"
		   "\tswitch t {\n", FRAME_TYPE_MAX + 1);
	for (i = 0; i < sp->ntypes; i++)
		fprintf(f, "\tcase %s:\n\t\treturn \"%s\" + suffix\n", sp->types[i].go_name, sp->types[i].name);
	fprintf(f, "\t}\n\treturn \"FrameType(\" + strconv.Itoa(int(t)) + \")\" + suffix\n}\n");
}

/* write to PATH.tmp, flush, fsync and rename; returns 0 or -1 after a message */
static int write_file(const char *path, const struct spec *sp,
		      void (*emit)(const struct spec *, FILE *))
{
	char tmp[4096];
	FILE *f;
	int ret = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		fprintf(stderr, "%s: output path too long: '%s'\n", progname, path);
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", progname, tmp, strerror(errno));
		return -1;
	}
	emit(sp, f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f)) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", progname, tmp, strerror(errno));
		goto cleanup;
	}
	if (fclose(f) != 0) {
		f = NULL;
		fprintf(stderr, "%s: cannot write '%s': %s\n", progname, tmp, strerror(errno));
		goto cleanup;
	}
	f = NULL;
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "%s: cannot rename '%s' to '%s': %s\n", progname, tmp, path, strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (f)
		fclose(f);
	if (ret)
		unlink(tmp);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [--c FILE.h] [--go FILE.go] FRAMETYPES.json\n"
		   "exit codes: 0 written, 1 invalid JSON, 2 usage or write error\n", progname);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "c", required_argument, NULL, 'c' },
		{ "go", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *c_out = NULL, *go_out = NULL;
	static struct spec sp;
	json_error_t jerr;
	json_t *root = NULL;
	int ch, ret = 2;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': c_out = optarg; break;
		case 'g': go_out = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	sp.source = argv[optind];
	root = json_load_file(sp.source, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (jerr.line < 0)
			fprintf(stderr, "%s: cannot read '%s': %s\n", progname, sp.source, jerr.text);
		else
			invalid(sp.source, "line %d: %s", jerr.line, jerr.text);
		return jerr.line < 0 ? 2 : 1;
	}
	if (parse_spec(&sp, root) < 0) {
		ret = 1;
		goto cleanup;
	}
	if ((c_out && write_file(c_out, &sp, write_c) < 0) ||
	    (go_out && write_file(go_out, &sp, write_go) < 0))
		goto cleanup;
	ret = 0;
cleanup:
	json_decref(root);
	return ret;
}
