/* String interning for the export formats (see intern.h). */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

void intern_init(struct intern *t)
{
	memset(t, 0, sizeof(*t));
}

/* doubles the slots (or makes the first 256) and places every key again */
static int rehash(struct intern *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 256, i, j;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -1;
	for (i = 0; i < t->n; i++) {
		for (j = hash(t->keys[i], t->lens[i]) & (n - 1); s[j]; j = (j + 1) & (n - 1))
			;
		s[j] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = s;
	t->nslots = n;
	return 0;
}

static int append(struct intern *t, const void *key, size_t len)
{
	char *copy;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **k = realloc(t->keys, cap * sizeof(*k));
		size_t *l;

		if (!k)
			return -1;
		t->keys = k;
		l = realloc(t->lens, cap * sizeof(*l));
		if (!l)
			return -1;
		t->lens = l;
		t->cap = cap;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, key, len);
	copy[len] = '\0';
	t->keys[t->n] = copy;
	t->lens[t->n] = len;
	t->n++;
	return 0;
}

int64_t intern_id(struct intern *t, const void *key, size_t len, int *added)
{
	size_t j;

	if (added)
		*added = 0;
	if ((t->n + 1) * 2 > t->nslots && rehash(t) < 0)
		return -1;
	for (j = hash(key, len) & (t->nslots - 1); t->slots[j]; j = (j + 1) & (t->nslots - 1)) {
		uint32_t id = t->slots[j] - 1;

		if (t->lens[id] == len && !memcmp(t->keys[id], key, len))
			return id;
	}
	if (t->n >= UINT32_MAX - 1 || append(t, key, len) < 0)
		return -1;
	t->slots[j] = (uint32_t)t->n;
	if (added)
		*added = 1;
	return (int64_t)t->n - 1;
}

int64_t intern_str(struct intern *t, const char *s)
{
	return intern_id(t, s, strlen(s), NULL);
}

void intern_release(struct intern *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->lens);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
