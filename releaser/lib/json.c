/* jansson helpers (see json.h). */
#include "lib/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "lib/text.h"

#define JSON_MAX_FILE (16u << 20)

static json_t *must(json_t *v)
{
	if (!v)
		die(EXIT_FAIL, "out of memory");
	return v;
}

void jset(json_t *obj, const char *key, json_t *value)
{
	if (json_object_set_new(obj, key, value ? value : must(json_null())) < 0)
		die(EXIT_FAIL, "out of memory");
}

json_t *jstr(const char *s)
{
	json_t *v;
	char *fixed;

	if (!s)
		return must(json_null());
	if (utf8_valid(s, strlen(s)))
		return must(json_string(s));
	/* text from outside that is not UTF-8: kept, with U+FFFD for each bad byte */
	fixed = utf8_fix(s, strlen(s), NULL);
	v = must(json_string(fixed));
	free(fixed);
	return v;
}

void jpush(json_t *array, json_t *value)
{
	if (json_array_append_new(array, value) < 0)
		die(EXIT_FAIL, "out of memory");
}

char *json_text(const json_t *doc)
{
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char *out;

	if (!text) {
		error("cannot render JSON: out of memory or invalid text");
		return NULL;
	}
	out = xasprintf("%s\n", text);
	free(text);
	return out;
}

char *json_line(const json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *out;

	if (!text) {
		error("cannot render JSON: out of memory or invalid text");
		return NULL;
	}
	out = xasprintf("%s\n", text);
	free(text);
	return out;
}

int json_print(const json_t *doc)
{
	char *text = json_text(doc);
	int ret = 0;

	if (!text)
		return -1;
	if (fputs(text, stdout) == EOF || fflush(stdout) == EOF)
		ret = error("cannot write to standard output");
	free(text);
	return ret;
}

json_t *json_parse(const char *text, size_t len, char *why, size_t why_len)
{
	json_error_t err;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);

	if (!doc) {
		snprintf(why, why_len, "not valid JSON: line %d: %s", err.line, err.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		snprintf(why, why_len, "not a JSON object");
		return NULL;
	}
	return doc;
}

json_t *json_load(const char *path)
{
	char why[256];
	json_t *doc;
	size_t len;
	char *text = read_file(path, JSON_MAX_FILE, &len);

	if (!text)
		return NULL;
	doc = json_parse(text, len, why, sizeof(why));
	free(text);
	if (!doc)
		error("'%s' is %s: write it again", path, why);
	return doc;
}
