/*
 * The Debian control writer and its checks (lib/debian.h): the input is
 * records "NAME\0KVALUE\0", K a byte whose low bit asks for a multi-line
 * value. Every record whose name and value pass the checks becomes a
 * field (debian_field) of one paragraph, which a small parser written
 * here, after Debian Policy 5.1, must read back to the same fields in the
 * same order; the paragraph holds no empty line and no control character
 * but its newlines. Every value one of the specific checks (relations,
 * maintainer, homepage, package, version) takes must pass the generic
 * one-line check too: whatever the releaser takes from releaser.conf is
 * writable.
 */
#include "fuzz.h"

#include <strings.h>

#include "lib/debian.h"

#define FIELDS_MAX 64

struct field {
	char *name;
	char *value;
};

/* the specific rules accept only one-line values the writer keeps */
static void check_specific(const char *value)
{
	char why[256];

	if (!debian_check_relations(value, why, sizeof(why)))
		fuzz_expect(!debian_check_value(value, 0));
	if (!debian_check_maintainer(value))
		fuzz_expect(!debian_check_value(value, 0));
	if (!debian_check_homepage(value))
		fuzz_expect(!debian_check_value(value, 0));
	if (!debian_check_package(value))
		fuzz_expect(!debian_check_value(value, 0));
	if (!debian_check_version(value))
		fuzz_expect(!debian_check_value(value, 0));
}

static char *dup_range(const char *s, size_t n)
{
	char *out = malloc(n + 1);

	fuzz_expect(out != NULL);
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* parses paragraph text into f (at most FIELDS_MAX); returns how many, or aborts when it is no paragraph */
static size_t parse(const char *text, struct field *f)
{
	const char *line = text, *end, *colon, *v;
	size_t n = 0, len, old;

	while (*line) {
		end = strchr(line, '\n');
		fuzz_expect(end != NULL);        /* every line ends in '\n' */
		fuzz_expect(end != line);        /* no empty line: it would end the paragraph */
		for (v = line; v < end; v++)
			fuzz_expect((unsigned char)*v >= 0x20 && *v != 0x7f);
		if (*line == ' ') {
			/* a continuation line: one space, then the text; " ." is an empty line */
			fuzz_expect(n > 0);
			v = line + 1;
			len = (size_t)(end - v);
			if (len == 1 && *v == '.')
				len = 0;
			else
				fuzz_expect(*v != '.');
			old = strlen(f[n - 1].value);
			f[n - 1].value = realloc(f[n - 1].value, old + len + 2);
			fuzz_expect(f[n - 1].value != NULL);
			f[n - 1].value[old] = '\n';
			memcpy(f[n - 1].value + old + 1, v, len);
			f[n - 1].value[old + 1 + len] = '\0';
		} else {
			fuzz_expect(*line != '#' && *line != '-');
			colon = memchr(line, ':', (size_t)(end - line));
			fuzz_expect(colon != NULL && colon != line && n < FIELDS_MAX);
			v = colon + 1;
			while (v < end && *v == ' ')
				v++;
			f[n].name = dup_range(line, (size_t)(colon - line));
			f[n].value = dup_range(v, (size_t)(end - v));
			n++;
		}
		line = end + 1;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct field want[FIELDS_MAX], got[FIELDS_MAX];
	char *text = NULL, *field;
	const char *p = (const char *)data, *end = p + size, *name, *value;
	size_t n = 0, m, len = 0, i, k;
	int multiline;

	while (p < end && n < FIELDS_MAX) {
		name = p;
		p = memchr(p, '\0', (size_t)(end - p));
		if (!p || p + 1 >= end)
			break;
		multiline = p[1] & 1;
		value = p + 2;
		p = memchr(value, '\0', (size_t)(end - value));
		if (!p)
			p = end;
		value = dup_range(value, (size_t)(p - value));
		p++;
		check_specific(value);
		for (k = 0; k < n && strcasecmp(want[k].name, name); k++)
			;
		if (k < n || debian_check_field_name(name) || debian_check_value(value, multiline)) {
			free((char *)value);
			continue;
		}
		/* a one-line value passes as a multi-line one too */
		fuzz_expect(multiline || !debian_check_value(value, 1));
		want[n].name = strdup(name);
		want[n].value = (char *)value;
		field = debian_field(name, value);
		text = realloc(text, len + strlen(field) + 1);
		fuzz_expect(text != NULL);
		strcpy(text + len, field);
		len += strlen(field);
		free(field);
		n++;
	}
	m = parse(text ? text : "", got);
	fuzz_expect(m == n);
	for (i = 0; i < n; i++) {
		fuzz_expect(!strcmp(want[i].name, got[i].name));
		fuzz_expect(!strcmp(want[i].value, got[i].value));
		free(want[i].name);
		free(want[i].value);
		free(got[i].name);
		free(got[i].value);
	}
	free(text);
	return 0;
}
