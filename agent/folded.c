/* Writes the profile in the folded format (see folded.h). */
#include "folded.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "frametypes.h"
#include "log.h"

struct line {
	char *text; /* without the count */
	uint64_t count;
};

int folded_append(char **line, size_t *len, const char *name, int kernel)
{
	size_t n = strlen(name), i, at = *len;
	char *tmp = realloc(*line, at + 1 + n + 4 + 1);

	if (!tmp) {
		free(*line);
		*line = NULL;
		return -1;
	}
	if (at)
		tmp[at++] = ';';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		tmp[at++] = (c == ';' || c < 0x20 || c == 0x7f) ? '_' : (char)c;
	}
	if (kernel) {
		memcpy(tmp + at, "_[k]", 4);
		at += 4;
	}
	tmp[at] = '\0';
	*line = tmp;
	*len = at;
	return 0;
}

/* "[lost user stack]", "[user stack error EEXIST]" */
static int append_error(char **line, size_t *len, const char *which, int err, int kernel)
{
	const char *name = stack_error_name(err);
	char marker[64];

	if (!strcmp(name, "lost"))
		snprintf(marker, sizeof(marker), "[lost %s stack]", which);
	else
		snprintf(marker, sizeof(marker), "[%s stack error %s]", which, name);
	return folded_append(line, len, marker, kernel);
}

static char *entry_line(const struct stack_entry *e, struct symbolizer *s, struct frames *fr)
{
	char *line = NULL;
	size_t len = 0, i;
	int r;

	frames_resolve(s, e, fr);
	r = folded_append(&line, &len, e->comm[0] ? e->comm : "[unknown]", 0);
	if (r == 0 && e->user_err)
		r = append_error(&line, &len, "user", e->user_err, 0);
	for (i = 0; r == 0 && i < fr->n && fr->f[i].type != FRAME_MARKER_KERNEL; i++)
		r = folded_append(&line, &len, fr->f[i].name, 0);
	if (r == 0 && e->kernel_err)
		r = append_error(&line, &len, "kernel", e->kernel_err, 1);
	for (; r == 0 && i < fr->n; i++)
		r = folded_append(&line, &len, fr->f[i].name, 1);
	return r == 0 ? line : NULL;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->text, ((const struct line *)b)->text);
}

int folded_write(FILE *f, const struct aggregate *ag, struct symbolizer *s)
{
	struct line *lines = calloc(ag->n ? ag->n : 1, sizeof(*lines));
	struct frames *fr = malloc(sizeof(*fr));
	size_t i, j;
	int ret = -1;

	if (!lines || !fr) {
		log_error("cannot write the profile: out of memory");
		goto cleanup;
	}
	for (i = 0; i < ag->n; i++) {
		lines[i].text = entry_line(ag->entries[i], s, fr);
		lines[i].count = ag->entries[i]->count;
		if (!lines[i].text) {
			log_error("cannot write the profile: out of memory");
			goto cleanup;
		}
	}
	if (ag->n)
		qsort(lines, ag->n, sizeof(*lines), by_text);
	for (i = 0; i < ag->n; i = j) {
		uint64_t count = 0;

		for (j = i; j < ag->n && !strcmp(lines[j].text, lines[i].text); j++)
			count += lines[j].count;
		if (fprintf(f, "%s %" PRIu64 "\n", lines[i].text, count) < 0)
			break;
	}
	if (ferror(f)) {
		log_error("cannot write the profile: %s", strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	for (i = 0; lines && i < ag->n; i++)
		free(lines[i].text);
	free(lines);
	free(fr);
	return ret;
}
