/* The commit graph from raw commit headers (see graph.h). */
#include "git/graph.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"

static size_t oid_hash(const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h;
}

static void graph_rehash(struct graph *g, size_t n_slots)
{
	size_t i, j;

	free(g->slots);
	g->slots = xcalloc(n_slots, sizeof(*g->slots));
	g->n_slots = n_slots;
	for (i = 0; i < g->n; i++) {
		for (j = oid_hash(&g->nodes[i].id) & (n_slots - 1); g->slots[j]; j = (j + 1) & (n_slots - 1))
			;
		g->slots[j] = i + 1;
	}
}

size_t graph_node(struct graph *g, const git_oid *id)
{
	size_t j;

	if (2 * (g->n + 1) > g->n_slots)
		graph_rehash(g, g->n_slots ? 2 * g->n_slots : 1024);
	for (j = oid_hash(id) & (g->n_slots - 1); g->slots[j]; j = (j + 1) & (g->n_slots - 1))
		if (git_oid_equal(&g->nodes[g->slots[j] - 1].id, id))
			return g->slots[j] - 1;
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 1024;
		g->nodes = xrealloc(g->nodes, g->cap * sizeof(*g->nodes));
	}
	memset(&g->nodes[g->n], 0, sizeof(g->nodes[g->n]));
	git_oid_cpy(&g->nodes[g->n].id, id);
	g->nodes[g->n].mark = GRAPH_NONE;
	g->slots[j] = g->n + 1;
	return g->n++;
}

int graph_init(struct graph *g, git_repository *repo)
{
	memset(g, 0, sizeof(*g));
	g->repo = repo;
	return git_check(git_repository_odb(&g->odb, repo), "cannot open the object database");
}

void graph_release(struct graph *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->nodes[i].parents);
	free(g->nodes);
	free(g->slots);
	git_odb_free(g->odb);
	memset(g, 0, sizeof(*g));
}

const char *graph_header_next(const char *obj, size_t len, const char **p, size_t *value_len, const char **key)
{
	const char *line = *p, *end = obj + len, *nl;

	if (line >= end || *line == '\n')
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (!nl)
		nl = end;
	*p = nl < end ? nl + 1 : end;
	*key = line;
	*value_len = (size_t)(nl - line);
	return line;
}

/* the committer time of a "committer NAME <EMAIL> TIME ZONE" line (0 when it has none) */
static long long committer_time(const char *line, size_t len)
{
	const char *gt = NULL, *p;
	long long t = 0;

	for (p = line; p < line + len; p++)
		if (*p == '>')
			gt = p;
	for (p = gt ? gt + 1 : line + strlen("committer "); p < line + len && *p == ' '; p++)
		;
	for (; p < line + len && *p >= '0' && *p <= '9' && t < LLONG_MAX / 10 - 10; p++)
		t = t * 10 + (*p - '0');
	return t;
}

int graph_load(struct graph *g, size_t i)
{
	git_odb_object *obj = NULL;
	const char *data, *p, *line;
	size_t len, n, k;
	git_oid parent;
	int ret = -1;

	if (g->nodes[i].flags & GRAPH_LOADED)
		return 0;
	if (git_check(git_odb_read(&obj, g->odb, &g->nodes[i].id), "cannot read commit %.*s", SHORT_SHA_LEN,
		      git_oid_tostr_s(&g->nodes[i].id)) < 0)
		return -1;
	if (git_odb_object_type(obj) != GIT_OBJECT_COMMIT) {
		error("object %s is not a commit: the history is damaged (git fsck)", git_oid_tostr_s(&g->nodes[i].id));
		goto cleanup;
	}
	data = git_odb_object_data(obj);
	len = git_odb_object_size(obj);
	for (p = data; graph_header_next(data, len, &p, &n, &line);) {
		if (n == strlen("tree ") + OID_HEX_LEN && !strncmp(line, "tree ", strlen("tree "))) {
			if (git_oid_fromstrn(&g->nodes[i].tree, line + strlen("tree "), OID_HEX_LEN) < 0) {
				git_error_clear();
				error("commit %s has a bad tree line: the history is damaged (git fsck)",
				      git_oid_tostr_s(&g->nodes[i].id));
				goto cleanup;
			}
		} else if (n == strlen("parent ") + OID_HEX_LEN && !strncmp(line, "parent ", strlen("parent "))) {
			if (git_oid_fromstrn(&parent, line + strlen("parent "), OID_HEX_LEN) < 0) {
				git_error_clear();
				error("commit %s has a bad parent line: the history is damaged (git fsck)",
				      git_oid_tostr_s(&g->nodes[i].id));
				goto cleanup;
			}
			k = graph_node(g, &parent); /* may move g->nodes */
			g->nodes[i].parents = xrealloc(g->nodes[i].parents,
						       (g->nodes[i].n_parents + 1) * sizeof(size_t));
			g->nodes[i].parents[g->nodes[i].n_parents++] = k;
		} else if (n >= strlen("committer ") && !strncmp(line, "committer ", strlen("committer "))) {
			g->nodes[i].time = committer_time(line, n);
		}
	}
	g->nodes[i].flags |= GRAPH_LOADED;
	ret = 0;
cleanup:
	git_odb_object_free(obj);
	return ret;
}


int graph_message(struct graph *g, size_t i, char **msg, size_t *len, char **encoding)
{
	git_odb_object *obj = NULL;
	const char *data, *p, *line, *end;
	size_t size, n;

	*msg = *encoding = NULL;
	*len = 0;
	if (git_check(git_odb_read(&obj, g->odb, &g->nodes[i].id), "cannot read commit %.*s", SHORT_SHA_LEN,
		      git_oid_tostr_s(&g->nodes[i].id)) < 0)
		return -1;
	data = git_odb_object_data(obj);
	size = git_odb_object_size(obj);
	for (p = data; graph_header_next(data, size, &p, &n, &line);)
		if (!*encoding && n > strlen("encoding ") && !strncmp(line, "encoding ", strlen("encoding ")))
			*encoding = xasprintf("%.*s", (int)(n - strlen("encoding ")), line + strlen("encoding "));
	end = data + size;
	if (p < end && *p == '\n')
		p++;
	*len = (size_t)(end - p);
	*msg = xmalloc(*len + 1);
	memcpy(*msg, p, *len);
	(*msg)[*len] = '\0';
	git_odb_object_free(obj);
	return 0;
}

/* whether node a comes out before node b: the newer first, then the one added first */
static int newer(const struct graph *g, size_t a, size_t b)
{
	if (g->nodes[a].time != g->nodes[b].time)
		return g->nodes[a].time > g->nodes[b].time;
	return a < b;
}

void graph_heap_push(const struct graph *g, struct graph_heap *h, size_t v)
{
	size_t i, up;

	if (h->n == h->cap)
		h->v = xrealloc(h->v, (h->cap = h->cap ? 2 * h->cap : 64) * sizeof(*h->v));
	for (i = h->n++; i > 0 && newer(g, v, h->v[up = (i - 1) / 2]); i = up)
		h->v[i] = h->v[up];
	h->v[i] = v;
}

size_t graph_heap_pop(const struct graph *g, struct graph_heap *h)
{
	size_t top = h->v[0], v = h->v[--h->n], i = 0, c;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && newer(g, h->v[c + 1], h->v[c]))
			c++;
		if (!newer(g, h->v[c], v))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	h->v[i] = v;
	return top;
}

int graph_heap_only(const struct graph *g, const struct graph_heap *h, unsigned flag)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (!(g->nodes[h->v[i]].flags & flag))
			return 0;
	return 1;
}

void graph_spread(struct graph *g, size_t i, unsigned flag)
{
	size_t *stack, n = 0, cap = 64, k, p;

	if (g->nodes[i].flags & flag)
		return;
	stack = xmalloc(cap * sizeof(*stack));
	g->nodes[i].flags |= flag;
	stack[n++] = i;
	while (n > 0) {
		i = stack[--n];
		if (!(g->nodes[i].flags & GRAPH_LOADED))
			continue;
		for (k = 0; k < g->nodes[i].n_parents; k++) {
			p = g->nodes[i].parents[k];
			if (g->nodes[p].flags & flag)
				continue;
			g->nodes[p].flags |= flag;
			if (n == cap)
				stack = xrealloc(stack, (cap *= 2) * sizeof(*stack));
			stack[n++] = p;
		}
	}
	free(stack);
}

int graph_limit(struct graph *g, size_t tip, size_t hide)
{
	struct graph_heap q = { 0 };
	size_t v, k, p, slop = GRAPH_SLOP;
	int ret = -1;

	g->nodes[tip].flags |= GRAPH_QUEUED;
	graph_heap_push(g, &q, tip);
	if (hide != GRAPH_NONE) {
		graph_spread(g, hide, GRAPH_HIDDEN);
		if (!(g->nodes[hide].flags & GRAPH_QUEUED)) {
			g->nodes[hide].flags |= GRAPH_QUEUED;
			graph_heap_push(g, &q, hide);
		}
	}
	while (q.n > 0) {
		if (!graph_heap_only(g, &q, GRAPH_HIDDEN))
			slop = GRAPH_SLOP;
		else if (--slop == 0)
			break;
		v = graph_heap_pop(g, &q);
		if (graph_load(g, v) < 0)
			goto cleanup;
		if (!(g->nodes[v].flags & GRAPH_HIDDEN))
			g->nodes[v].flags |= GRAPH_IN;
		for (k = 0; k < g->nodes[v].n_parents; k++) {
			p = g->nodes[v].parents[k];
			if (g->nodes[v].flags & GRAPH_HIDDEN)
				graph_spread(g, p, GRAPH_HIDDEN);
			if (!(g->nodes[p].flags & GRAPH_QUEUED)) {
				g->nodes[p].flags |= GRAPH_QUEUED;
				graph_heap_push(g, &q, p);
			}
		}
	}
	for (v = 0; v < g->n; v++)
		if (g->nodes[v].flags & GRAPH_HIDDEN)
			g->nodes[v].flags &= ~(unsigned)GRAPH_IN;
	ret = 0;
cleanup:
	free(q.v);
	return ret;
}

int graph_order(struct graph *g, size_t tip, size_t **order, size_t *n)
{
	struct graph_heap h = { 0 };
	size_t i, k, v, cap = 0;

	*order = NULL;
	*n = 0;
	for (i = 0; i < g->n; i++)
		if (g->nodes[i].flags & GRAPH_IN)
			for (k = 0; k < g->nodes[i].n_parents; k++)
				g->nodes[g->nodes[i].parents[k]].count++;
	if (g->nodes[tip].flags & GRAPH_IN)
		graph_heap_push(g, &h, tip);
	while (h.n > 0) {
		v = graph_heap_pop(g, &h);
		if (*n == cap)
			*order = xrealloc(*order, (cap = cap ? 2 * cap : 64) * sizeof(**order));
		(*order)[(*n)++] = v;
		for (k = 0; k < g->nodes[v].n_parents; k++) {
			i = g->nodes[v].parents[k];
			if ((g->nodes[i].flags & GRAPH_IN) && --g->nodes[i].count == 0)
				graph_heap_push(g, &h, i);
		}
	}
	free(h.v);
	return 0;
}
