/* Tag index and describe (see describe.h). */
#include "git/describe.h"

#include "git/graph.h"
#include "git/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "lib/version.h"

struct tagged_commit {
	git_oid oid;
	char **names; /* sorted */
	size_t n;
};

/* open addressing, linear probing; the table is at most half full */
struct tag_index {
	struct tagged_commit **slots;
	size_t cap;
	size_t commits;
	size_t tags;
};

static size_t oid_hash(const git_oid *oid)
{
	uint64_t h;

	memcpy(&h, oid->id, sizeof(h)); /* object ids are uniformly distributed */
	return (size_t)h;
}

static struct tagged_commit **find_slot(struct tagged_commit **slots, size_t cap, const git_oid *oid)
{
	size_t i = oid_hash(oid) & (cap - 1);

	while (slots[i] && git_oid_cmp(&slots[i]->oid, oid))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void grow(struct tag_index *ix)
{
	struct tagged_commit **old = ix->slots;
	size_t i, old_cap = ix->cap;

	ix->cap = old_cap ? old_cap * 2 : 1024;
	ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
	for (i = 0; i < old_cap; i++)
		if (old[i])
			*find_slot(ix->slots, ix->cap, &old[i]->oid) = old[i];
	free(old);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void index_add(struct tag_index *ix, const git_oid *commit, const char *name)
{
	struct tagged_commit **slot, *c;

	if ((ix->commits + 1) * 2 > ix->cap)
		grow(ix);
	slot = find_slot(ix->slots, ix->cap, commit);
	if (!*slot) {
		*slot = xcalloc(1, sizeof(**slot));
		git_oid_cpy(&(*slot)->oid, commit);
		ix->commits++;
	}
	c = *slot;
	c->names = xrealloc(c->names, (c->n + 1) * sizeof(*c->names));
	c->names[c->n++] = xstrdup(name);
	if (c->n > 1)
		qsort(c->names, c->n, sizeof(*c->names), name_cmp);
	ix->tags++;
}

/*
 * The commit a tag ref stands for: packed-refs give it for annotated tags;
 * otherwise the target is a commit (lightweight tag) or a tag object (a
 * loose annotated tag, peeled here). Returns 1 with *out set, 0 when the
 * tag does not lead to a commit, -1 after a message.
 */
static int tag_commit(git_odb *odb, git_reference *ref, git_oid *out)
{
	const git_oid *target = git_reference_target_peel(ref);
	git_object_t type;
	size_t len;

	if (target) {
		git_oid_cpy(out, target);
		return 1;
	}
	target = git_reference_target(ref);
	if (!target || git_odb_read_header(&len, &type, odb, target) < 0)
		return 0; /* symbolic, or a dangling tag: nothing to describe with */
	if (type == GIT_OBJECT_COMMIT) {
		git_oid_cpy(out, target);
		return 1;
	}
	if (type != GIT_OBJECT_TAG)
		return 0;
	git_oid_cpy(out, target);
	if (peel_raw(odb, out) != 0) {
		git_error_clear();
		return 0; /* a damaged tag, or one of a tree or blob: nothing to describe with */
	}
	return 1;
}

struct tag_index *tag_index_build(git_repository *repo)
{
	struct tag_index *ix = xcalloc(1, sizeof(*ix));
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	git_odb *odb = NULL;
	git_oid commit;
	int rc, ok = 0;

	grow(ix);
	if (git_check(git_repository_odb(&odb, repo), "cannot open the object database") < 0 ||
	    git_check(git_reference_iterator_glob_new(&it, repo, "refs/tags/*"), "cannot list tags") < 0)
		goto cleanup;
	while ((rc = git_reference_next(&ref, it)) == 0) {
		if (tag_commit(odb, ref, &commit) == 1)
			index_add(ix, &commit, git_reference_shorthand(ref));
		git_reference_free(ref);
	}
	if (rc != GIT_ITEROVER && git_check(rc, "cannot list tags") < 0)
		goto cleanup;
	ok = 1;
cleanup:
	git_reference_iterator_free(it);
	git_odb_free(odb);
	if (!ok) {
		tag_index_free(ix);
		return NULL;
	}
	return ix;
}

void tag_index_free(struct tag_index *ix)
{
	size_t i, j;

	if (!ix)
		return;
	for (i = 0; i < ix->cap; i++) {
		if (!ix->slots[i])
			continue;
		for (j = 0; j < ix->slots[i]->n; j++)
			free(ix->slots[i]->names[j]);
		free(ix->slots[i]->names);
		free(ix->slots[i]);
	}
	free(ix->slots);
	free(ix);
}

static size_t lookup_oid(const struct tag_index *ix, const git_oid *commit, const char *const **names)
{
	struct tagged_commit *c = *find_slot(ix->slots, ix->cap, commit);

	*names = c ? (const char *const *)c->names : NULL;
	return c ? c->n : 0;
}

size_t tag_index_lookup(const struct tag_index *ix, const char *commit, const char *const **names)
{
	git_oid oid;

	*names = NULL;
	if (git_oid_fromstr(&oid, commit) < 0)
		return 0;
	return lookup_oid(ix, &oid, names);
}

size_t tag_index_count(const struct tag_index *ix)
{
	return ix->tags;
}

const char *tag_pick_version(const char *const *names, size_t n)
{
	struct version best, v;
	const char *pick = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (version_parse(names[i], &v) < 0)
			continue;
		if (!pick || version_compare(&v, &best) > 0) {
			pick = names[i];
			best = v;
		}
	}
	return pick;
}

static void describe_text(struct describe *d, const git_oid *commit)
{
	char sha[SHORT_SHA_LEN + 1];

	oid_short(commit, sha);
	if (!d->tag)
		snprintf(d->text, sizeof(d->text), "%s", sha);
	else if (d->depth == 0)
		snprintf(d->text, sizeof(d->text), "%s", d->tag);
	else
		snprintf(d->text, sizeof(d->text), "%s-%zu-g%s", d->tag, d->depth, sha);
}

/* a max-heap of node indices by committer time: the walk's order, newest first */
struct time_heap {
	size_t *v;
	size_t n, cap;
};

static void heap_push(struct time_heap *h, const struct graph *g, size_t x)
{
	size_t i, up;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 256;
		h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	for (i = h->n++; i > 0 && g->nodes[h->v[up = (i - 1) / 2]].time < g->nodes[x].time; i = up)
		h->v[i] = h->v[up];
	h->v[i] = x;
}

static size_t heap_pop(struct time_heap *h, const struct graph *g)
{
	size_t top = h->v[0], last = h->v[--h->n], i = 0, c;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && g->nodes[h->v[c + 1]].time > g->nodes[h->v[c]].time)
			c++;
		if (g->nodes[h->v[c]].time <= g->nodes[last].time)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

#define NODE_SEEN (1u << 8)

/*
 * finds the newest commit from tip (committer time order, as git's walk)
 * that carries a release tag: its tag into d and the commits met before
 * it as d->depth. Walks raw commit headers (git/graph.h), so a commit
 * whose author line libgit2 refuses does not stop it. Returns 0 or -1.
 */
static int nearest_release(git_repository *repo, const struct tag_index *ix, const git_oid *tip,
			   struct describe *d)
{
	struct time_heap h = { 0 };
	struct graph g;
	const char *const *names;
	const char *pick;
	size_t depth = 0, n, i, k;
	int ret = -1;

	if (graph_init(&g, repo) < 0)
		return -1;
	i = graph_node(&g, tip);
	if (graph_load(&g, i) < 0)
		goto cleanup;
	g.nodes[i].flags |= NODE_SEEN;
	heap_push(&h, &g, i);
	while (h.n) {
		i = heap_pop(&h, &g);
		n = lookup_oid(ix, &g.nodes[i].id, &names);
		pick = n ? tag_pick_version(names, n) : NULL;
		if (pick) {
			d->tag = xstrdup(pick);
			d->release_tag = xstrdup(pick);
			d->depth = depth;
			break;
		}
		depth++;
		for (k = 0; k < g.nodes[i].n_parents; k++) {
			size_t p = g.nodes[i].parents[k];

			if (g.nodes[p].flags & NODE_SEEN)
				continue;
			if (graph_load(&g, p) < 0)
				goto cleanup;
			g.nodes[p].flags |= NODE_SEEN;
			heap_push(&h, &g, p);
		}
	}
	ret = 0;
cleanup:
	free(h.v);
	graph_release(&g);
	return ret;
}

int describe_commit(git_repository *repo, const struct tag_index *ix, const char *commit_hex,
		    struct describe *d)
{
	git_oid commit;

	memset(d, 0, sizeof(*d));
	if (oid_from_hex(&commit, commit_hex) < 0)
		return -1;
	/* release tags only: support/go/vX.Y.Z and other names never count */
	if (tag_index_count(ix) > 0 && nearest_release(repo, ix, &commit, d) < 0) {
		describe_release(d);
		return -1;
	}
	describe_text(d, &commit);
	return 0;
}

void describe_release(struct describe *d)
{
	free(d->tag);
	free(d->release_tag);
	d->tag = d->release_tag = NULL;
}
