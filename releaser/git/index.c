/* git's index file, read without libgit2 (see index.h). */
#include "git/index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/common.h"

#define HEADER_LEN 12
#define CHECKSUM_LEN INDEX_ID_LEN
#define FIXED_LEN 62          /* ten stat fields, the id, the flags */
#define NAME_MASK 0x0fffu
#define PATH_MAX_LEN 4096     /* longer paths are refused (git could not check them out either) */
#define PATHS_MAX (64u << 20) /* the most path text a version 4 index may unfold into */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int bad(char *why, size_t why_len, const char *fmt, size_t n)
{
	snprintf(why, why_len, fmt, n);
	return -1;
}

/* git's varint (varint.c): 7 bits a byte, high bit set on all but the last; -1 when it does not fit */
static int varint(const unsigned char **p, const unsigned char *end, size_t *out)
{
	size_t v;
	unsigned char c;

	if (*p >= end)
		return -1;
	c = *(*p)++;
	v = c & 127;
	while (c & 128) {
		if (*p >= end || v > (SIZE_MAX >> 8))
			return -1;
		c = *(*p)++;
		v = ((v + 1) << 7) | (c & 127);
	}
	*out = v;
	return 0;
}

/* a path git accepts in an index: relative, no empty, ".", ".." or ".git" component */
static int path_ok(const char *p, size_t len)
{
	size_t i = 0, n;

	if (len == 0 || len > PATH_MAX_LEN)
		return 0;
	while (i <= len) {
		n = 0;
		while (i + n < len && p[i + n] != '/')
			n++;
		if (n == 0 || (n == 1 && p[i] == '.') || (n == 2 && p[i] == '.' && p[i + 1] == '.') ||
		    (n == 4 && !strncasecmp(p + i, ".git", 4)))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* the cache tree's root ("TREE" extension): path "", entry count (-1: invalid), subtrees, id */
static int read_tree(const unsigned char *d, size_t len, struct index_file *out)
{
	const unsigned char *p = d + 1, *end = d + len;
	long count = 0;
	int neg = 0, digits = 0;

	if (len == 0 || d[0] != '\0')
		return -1;
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	for (; p < end && *p >= '0' && *p <= '9' && count < 100000000; p++, digits++)
		count = count * 10 + (*p - '0');
	if (!digits || p >= end || *p != ' ')
		return -1;
	for (p++, digits = 0; p < end && *p >= '0' && *p <= '9'; p++)
		digits++;
	if (!digits || p >= end || *p++ != '\n')
		return -1;
	if (neg)
		return 0; /* invalid: the index changed since the tree was written */
	if ((size_t)(end - p) < INDEX_ID_LEN)
		return -1;
	memcpy(out->tree_id, p, INDEX_ID_LEN);
	out->tree_entries = count;
	out->tree_valid = 1;
	return 0;
}

/* the extensions between the entries (ending at *pos) and the checksum */
static int read_extensions(const unsigned char *data, size_t len, size_t pos, struct index_file *out, char *why,
			   size_t why_len)
{
	size_t end = len - CHECKSUM_LEN, size;

	while (pos < end) {
		if (end - pos < 8)
			return bad(why, why_len, "a truncated extension at byte %zu", pos);
		size = be32(data + pos + 4);
		if (size > end - pos - 8)
			return bad(why, why_len, "an extension longer than the file at byte %zu", pos);
		if (!memcmp(data + pos, "TREE", 4)) {
			if (read_tree(data + pos + 8, size, out) < 0)
				return bad(why, why_len, "a cache tree git would not write at byte %zu", pos);
		} else if (data[pos] < 'A' || data[pos] > 'Z') {
			out->foreign = 1; /* required: split index ("link"), sparse index ("sdir"), ... */
		}
		pos += 8 + size;
	}
	return 0;
}

/* the entries' path text: offsets while it grows, pointers once it is whole */
struct paths {
	char *text;
	size_t len, cap;
	size_t *off;
};

static int paths_add(struct paths *ps, size_t i, const char *prefix, size_t plen, const char *rest, size_t rlen)
{
	size_t need = plen + rlen + 1;

	if (need > PATHS_MAX - ps->len)
		return -1;
	if (ps->len + need > ps->cap) {
		ps->cap = ps->cap * 2 > ps->len + need ? ps->cap * 2 : ps->len + need + 4096;
		ps->text = xrealloc(ps->text, ps->cap);
	}
	if (plen)
		memmove(ps->text + ps->len, prefix == NULL ? ps->text + ps->off[i - 1] : prefix, plen);
	memcpy(ps->text + ps->len + plen, rest, rlen);
	ps->text[ps->len + plen + rlen] = '\0';
	ps->off[i] = ps->len;
	ps->len += need;
	return 0;
}

/* one entry at data[*pos] into out->entries[i]; *pos moves past it */
static int read_entry(const unsigned char *data, size_t end, size_t *pos, unsigned version, size_t i,
		      struct paths *ps, struct index_file *out, char *why, size_t why_len)
{
	struct index_entry *e = &out->entries[i];
	const unsigned char *p = data + *pos, *name, *nul;
	size_t fixed = FIXED_LEN, strip = 0, prev_len = 0, len, padded;
	unsigned flags, ext = 0;
	uint32_t *fields[10] = { &e->ctime_s, &e->ctime_ns, &e->mtime_s, &e->mtime_ns, &e->dev,
				 &e->ino,     &e->mode,     &e->uid,     &e->gid,      &e->size };
	int k;

	if (end - *pos < FIXED_LEN + 2)
		return bad(why, why_len, "entry %zu is truncated", i);
	for (k = 0; k < 10; k++)
		*fields[k] = be32(p + 4 * k);
	memcpy(e->id, p + 40, INDEX_ID_LEN);
	flags = (unsigned)p[60] << 8 | p[61];
	if (flags & 0x4000) {
		if (version < 3)
			return bad(why, why_len, "entry %zu has extended flags in a version 2 index", i);
		ext = (unsigned)p[62] << 8 | p[63];
		if (ext & ~0x6000u)
			return bad(why, why_len, "entry %zu has extended flags git does not know", i);
		fixed += 2;
	}
	e->stage = (flags >> 12) & 3;
	e->flags = (flags & 0x8000 ? INDEX_ASSUME_VALID : 0) | (ext & 0x4000 ? INDEX_SKIP_WORKTREE : 0) |
		   (ext & 0x2000 ? INDEX_INTENT_TO_ADD : 0);
	name = p + fixed;
	if (version == 4 && i > 0)
		prev_len = strlen(ps->text + ps->off[i - 1]);
	if (version == 4 && varint(&name, data + end, &strip) < 0)
		return bad(why, why_len, "entry %zu has a bad path prefix length", i);
	if (strip > prev_len)
		return bad(why, why_len, "entry %zu drops more of the previous path than it has", i);
	nul = memchr(name, '\0', (size_t)(data + end - name));
	if (!nul)
		return bad(why, why_len, "entry %zu has no end to its path", i);
	len = prev_len - strip + (size_t)(nul - name);
	if (version < 4) {
		padded = (fixed + (size_t)(nul - name) + 8) & ~(size_t)7;
		if (padded > end - *pos)
			return bad(why, why_len, "entry %zu is truncated", i);
		for (p = nul; p < data + *pos + padded; p++)
			if (*p)
				return bad(why, why_len, "entry %zu is not padded with NUL bytes", i);
		*pos += padded;
	} else {
		*pos = (size_t)(nul + 1 - data);
	}
	if ((flags & NAME_MASK) != (len < NAME_MASK ? len : NAME_MASK))
		return bad(why, why_len, "entry %zu's path length is not the one in its flags", i);
	if (paths_add(ps, i, NULL, prev_len - strip, (const char *)name, (size_t)(nul - name)) < 0 ||
	    !path_ok(ps->text + ps->off[i], len))
		return bad(why, why_len, "entry %zu has a path git refuses", i);
	return 0;
}

int index_parse(const unsigned char *data, size_t len, struct index_file *out, char *why, size_t why_len)
{
	struct paths ps = { 0 };
	size_t pos = HEADER_LEN, n, i;
	unsigned version;
	int ret = -1, c;

	memset(out, 0, sizeof(*out));
	if (len < HEADER_LEN + CHECKSUM_LEN || memcmp(data, "DIRC", 4))
		return bad(why, why_len, "no index header (%zu bytes)", len);
	version = be32(data + 4);
	n = be32(data + 8);
	if (version < 2 || version > 4)
		return bad(why, why_len, "index version %zu is not 2, 3 or 4", version);
	if (n > (len - HEADER_LEN - CHECKSUM_LEN) / (FIXED_LEN + 2))
		return bad(why, why_len, "%zu entries cannot fit in the file", n);
	out->entries = xcalloc(n ? n : 1, sizeof(*out->entries));
	ps.off = xcalloc(n ? n : 1, sizeof(*ps.off));
	for (i = 0; i < n; i++) {
		if (read_entry(data, len - CHECKSUM_LEN, &pos, version, i, &ps, out, why, why_len) < 0)
			goto cleanup;
		if (i > 0) {
			c = strcmp(ps.text + ps.off[i - 1], ps.text + ps.off[i]);
			if (c > 0 || (c == 0 && out->entries[i - 1].stage >= out->entries[i].stage)) {
				bad(why, why_len, "entry %zu is out of order", i);
				goto cleanup;
			}
		}
	}
	out->n = n;
	if (read_extensions(data, len, pos, out, why, why_len) < 0)
		goto cleanup;
	out->paths = ps.text;
	ps.text = NULL;
	for (i = 0; i < n; i++)
		out->entries[i].path = out->paths + ps.off[i];
	ret = 0;
cleanup:
	free(ps.off);
	free(ps.text);
	if (ret)
		index_file_release(out);
	return ret;
}

void index_file_release(struct index_file *ix)
{
	free(ix->entries);
	free(ix->paths);
	memset(ix, 0, sizeof(*ix));
}
