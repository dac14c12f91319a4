/* SHA256SUMS in GNU format, and its BSD-style twin (see sums.h). */
#include "lib/sums.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"

static int name_ok(const char *p, size_t len)
{
	size_t i;

	if (len == 0 || p[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c <= ' ' || c == 0x7f || c == '/' || c == '\\')
			return 0;
	}
	return 1;
}

static int parse_line(const char *p, size_t len, struct sums_entry *e, char *why, size_t why_len)
{
	size_t i;

	if (len < 64 + 2 + 1) {
		snprintf(why, why_len, "not a \"hex  name\" line");
		return -1;
	}
	for (i = 0; i < 64; i++) {
		if (!isxdigit((unsigned char)p[i])) {
			snprintf(why, why_len, "not a sha256 checksum");
			return -1;
		}
		e->hex[i] = (char)tolower((unsigned char)p[i]);
	}
	e->hex[64] = '\0';
	if (p[64] != ' ' || (p[65] != ' ' && p[65] != '*')) {
		snprintf(why, why_len, "no two spaces after the checksum");
		return -1;
	}
	if (!name_ok(p + 66, len - 66)) {
		snprintf(why, why_len, "bad file name (a plain name without spaces, slashes or a leading dot)");
		return -1;
	}
	e->name = xmalloc(len - 66 + 1);
	memcpy(e->name, p + 66, len - 66);
	e->name[len - 66] = '\0';
	return 0;
}

int sums_parse(const char *text, size_t len, struct sums *s, char *why, size_t why_len)
{
	const char *p = text, *end = text + len, *nl;
	struct sums_entry e;
	char reason[128];
	size_t line = 0;

	s->v = NULL;
	s->n = 0;
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (memchr(p, '\0', (size_t)(nl - p))) {
			snprintf(why, why_len, "line %zu: a NUL byte", line);
			goto fail;
		}
		if (parse_line(p, (size_t)(nl - p), &e, reason, sizeof(reason)) < 0) {
			snprintf(why, why_len, "line %zu: %s", line, reason);
			goto fail;
		}
		if (sums_find(s, e.name)) {
			snprintf(why, why_len, "line %zu: '%s' is listed twice", line, e.name);
			free(e.name);
			goto fail;
		}
		s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
		s->v[s->n++] = e;
		p = nl + 1;
	}
	if (s->n == 0) {
		snprintf(why, why_len, "lists no files");
		goto fail;
	}
	return 0;
fail:
	sums_release(s);
	return -1;
}

/* appends the strings given (up to a NULL) to a NUL-terminated text */
static void append(char **text, size_t *len, ...)
{
	const char *s;
	size_t n;
	va_list ap;

	va_start(ap, len);
	while ((s = va_arg(ap, const char *)) != NULL) {
		n = strlen(s);
		*text = xrealloc(*text, *len + n + 1);
		memcpy(*text + *len, s, n + 1);
		*len += n;
	}
	va_end(ap);
}

void sums_lists_add(struct sums_lists *l, const char *name, const char *hex)
{
	append(&l->gnu, &l->gnu_len, hex, "  ", name, "\n", (const char *)NULL);
	append(&l->bsd, &l->bsd_len, "SHA256 (", name, ") = ", hex, "\n", (const char *)NULL);
}

void sums_lists_release(struct sums_lists *l)
{
	free(l->gnu);
	free(l->bsd);
	memset(l, 0, sizeof(*l));
}

char *sums_bsd(const struct sums *s, size_t *len)
{
	char *out = xstrdup("");
	size_t i;

	*len = 0;
	for (i = 0; i < s->n; i++)
		append(&out, len, "SHA256 (", s->v[i].name, ") = ", s->v[i].hex, "\n", (const char *)NULL);
	return out;
}

const struct sums_entry *sums_find(const struct sums *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

void sums_release(struct sums *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
