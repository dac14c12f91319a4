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
		if (n == strlen("parent ") + OID_HEX_LEN && !strncmp(line, "parent ", strlen("parent "))) {
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

