/* Walking trees and ranges for build outputs (see guard.h). */
#include "git/guard.h"

#include <stdlib.h>
#include <string.h>

#include "lib/classify.h"
#include "lib/common.h"
#include "git/graph.h"
#include "git/internal.h"
#include "git/notes.h"

/*
 * Commits are walked over their raw headers (git/graph.h), trees read
 * by id: a commit whose author line libgit2 refuses is guarded like any
 * other, so a malformed author cannot keep a binary from being seen.
 */
struct walk {
	git_repository *repo;
	git_odb *odb;
	struct graph *g;
	unsigned long long max_size;
	struct guard_result *out;
	int failed;
};

/* the first bytes of a blob: streamed for loose objects, else read whole (it is small) */
static int blob_head(struct walk *w, const git_oid *id, unsigned char *buf, size_t *len)
{
	git_odb_stream *st = NULL;
	git_blob *blob = NULL;
	git_object_t type;
	size_t size;
	ssize_t n = 0;

	*len = 0;
	if (git_odb_open_rstream(&st, &size, &type, w->odb, id) == 0) {
		while (*len < CLASSIFY_HEAD_LEN && (n = st->read(st, (char *)buf + *len, CLASSIFY_HEAD_LEN - *len)) > 0)
			*len += (size_t)n;
		git_odb_stream_free(st);
		if (n >= 0 || *len == CLASSIFY_HEAD_LEN)
			return 0;
		*len = 0;
	}
	git_error_clear();
	if (git_check(git_blob_lookup(&blob, w->repo, id), "cannot read a blob") < 0)
		return -1;
	size = (size_t)git_blob_rawsize(blob);
	*len = size < CLASSIFY_HEAD_LEN ? size : CLASSIFY_HEAD_LEN;
	memcpy(buf, git_blob_rawcontent(blob), *len);
	git_blob_free(blob);
	return 0;
}

/* examine one file; an offender is appended to the result */
static int examine(struct walk *w, const char *path, const git_oid *id, const git_oid *commit)
{
	unsigned char head[CLASSIFY_HEAD_LEN];
	const char *why = classify_by_name(path);
	struct guard_offender *o;
	git_object_t type;
	size_t size, len;

	w->out->files++;
	if (git_check(git_odb_read_header(&size, &type, w->odb, id), "cannot read '%s'", path) < 0)
		return -1;
	if (!why && size > w->max_size)
		why = "larger than guard.maxsize";
	if (!why) {
		if (blob_head(w, id, head, &len) < 0)
			return -1;
		why = classify_by_content(head, len);
	}
	if (!why)
		return 0;
	w->out->items = xrealloc(w->out->items, (w->out->n + 1) * sizeof(*w->out->items));
	o = &w->out->items[w->out->n++];
	memset(o, 0, sizeof(*o));
	o->path = xstrdup(path);
	o->reason = why;
	o->size = size;
	git_oid_tostr(o->blob, sizeof(o->blob), id);
	if (commit)
		git_oid_tostr(o->commit, sizeof(o->commit), commit);
	return 0;
}

static int is_file(git_filemode_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK;
}

static int tree_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct walk *w = payload;
	char *path;
	int rc;

	if (!is_file(git_tree_entry_filemode(e)))
		return 0;
	path = xasprintf("%s%s", root, git_tree_entry_name(e));
	rc = examine(w, path, git_tree_entry_id(e), NULL);
	free(path);
	if (rc < 0) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

/* whether node i's tree holds blob at path (the node is loaded) */
static int has_blob(struct graph *g, size_t i, const char *path, const char *blob)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int found = 0;

	if (git_tree_lookup(&tree, g->repo, &g->nodes[i].tree) == 0 && git_tree_entry_bypath(&e, tree, path) == 0)
		found = !git_oid_streq(git_tree_entry_id(e), blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_error_clear();
	return found;
}

/* whether node i brought blob to path: it has it there and none of its parents does; -1 after a message */
static int added_by(struct graph *g, size_t i, const char *path, const char *blob)
{
	size_t k, p;

	if (!has_blob(g, i, path, blob))
		return 0;
	for (k = 0; k < g->nodes[i].n_parents; k++) {
		p = g->nodes[i].parents[k];
		if (graph_load(g, p) < 0)
			return -1;
		if (has_blob(g, p, path, blob))
			return 0;
	}
	return 1;
}

/* find the commit that added each offender, walking back from start, children first, the newest first */
static int find_adders(struct graph *g, size_t start, struct guard_result *r)
{
	size_t *order = NULL, n = 0, i, j, left = r->n;
	int ret = -1, rc;

	if (left == 0)
		return 0;
	if (graph_limit(g, start, GRAPH_NONE) < 0 || graph_order(g, start, &order, &n) < 0)
		goto cleanup;
	for (j = 0; j < n && left > 0; j++) {
		for (i = 0; i < r->n; i++) {
			struct guard_offender *o = &r->items[i];

			if (o->commit[0])
				continue;
			if ((rc = added_by(g, order[j], o->path, o->blob)) < 0)
				goto cleanup;
			if (rc) {
				git_oid_tostr(o->commit, sizeof(o->commit), &g->nodes[order[j]].id);
				left--;
			}
		}
	}
	ret = 0;
cleanup:
	free(order);
	return ret;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct guard_offender *)a)->path, ((const struct guard_offender *)b)->path);
}

/* every file in the tree of commit_id, then who added each offender */
static int guard_tree(struct graph *g, const git_oid *commit_id, unsigned long long max_size,
		      struct guard_result *out)
{
	struct walk w = { g->repo, g->odb, g, max_size, out, 0 };
	git_tree *tree = NULL;
	size_t node = graph_node(g, commit_id);
	int ret = -1, rc;

	if (graph_load(g, node) < 0 ||
	    git_check(git_tree_lookup(&tree, g->repo, &g->nodes[node].tree), "cannot read the commit's tree") < 0)
		goto cleanup;
	rc = git_tree_walk(tree, GIT_TREEWALK_PRE, tree_cb, &w);
	if (w.failed || git_check(rc, "cannot walk the tree") < 0)
		goto cleanup;
	out->commits = 1;
	if (find_adders(g, node, out) < 0)
		goto cleanup;
	if (out->n > 1)
		qsort(out->items, out->n, sizeof(*out->items), by_path);
	ret = 0;
cleanup:
	git_tree_free(tree);
	if (ret)
		guard_result_release(out);
	return ret;
}

/* the files node i's commit adds or changes against every parent (all loaded) */
static int examine_commit(struct walk *w, size_t i)
{
	struct graph *g = w->g;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	size_t np = g->nodes[i].n_parents, p, k;
	char hex[OID_HEX_LEN + 1];
	int ret = -1, elsewhere;

	for (p = 0; p < np; p++)
		if (graph_load(g, g->nodes[i].parents[p]) < 0)
			return -1;
	if (git_check(git_tree_lookup(&tree, g->repo, &g->nodes[i].tree), "cannot read a commit's tree") < 0 ||
	    (np > 0 && git_check(git_tree_lookup(&ptree, g->repo, &g->nodes[g->nodes[i].parents[0]].tree),
				 "cannot read a parent's tree") < 0) ||
	    git_check(git_diff_tree_to_tree(&diff, g->repo, ptree, tree, NULL), "cannot compare trees") < 0)
		goto cleanup;
	for (k = 0; k < git_diff_num_deltas(diff); k++) {
		const git_diff_delta *d = git_diff_get_delta(diff, k);

		if (d->status == GIT_DELTA_DELETED || !is_file(d->new_file.mode))
			continue;
		git_oid_tostr(hex, sizeof(hex), &d->new_file.id);
		for (elsewhere = 0, p = 1; p < np && !elsewhere; p++)
			elsewhere = has_blob(g, g->nodes[i].parents[p], d->new_file.path, hex);
		if (!elsewhere && examine(w, d->new_file.path, &d->new_file.id, &g->nodes[i].id) < 0)
			goto cleanup;
	}
	ret = 0;
cleanup:
	git_diff_free(diff);
	git_tree_free(ptree);
	git_tree_free(tree);
	return ret;
}

/* the files each commit reachable from to but not from from adds or changes, parents first */
static int guard_range(struct graph *g, const git_oid *from, const git_oid *to, unsigned long long max_size,
		       struct guard_result *out)
{
	struct walk w = { g->repo, g->odb, g, max_size, out, 0 };
	size_t *order = NULL, n = 0, tip = graph_node(g, to), hide = graph_node(g, from);
	int ret = -1;

	if (graph_limit(g, tip, hide) < 0 || graph_order(g, tip, &order, &n) < 0)
		goto cleanup;
	while (n > 0) {
		if (examine_commit(&w, order[--n]) < 0)
			goto cleanup;
		out->commits++;
	}
	ret = 0;
cleanup:
	free(order);
	if (ret)
		guard_result_release(out);
	return ret;
}

/* the subject line of each offender's commit, decoded as the notes decode it */
static void add_subjects(struct graph *g, struct guard_result *r)
{
	struct notes_commit c;
	char *msg, *encoding;
	size_t i, len;
	git_oid id;

	for (i = 0; i < r->n; i++) {
		if (!r->items[i].commit[0] || git_oid_fromstr(&id, r->items[i].commit) < 0 ||
		    graph_message(g, graph_node(g, &id), &msg, &len, &encoding) < 0)
			continue;
		memset(&c, 0, sizeof(c));
		notes_commit_text(&c, msg, len, NULL, encoding);
		r->items[i].subject = c.subject;
		free(c.body);
		free(msg);
		free(encoding);
	}
	git_error_clear();
}

/* one end of rev ("" is HEAD) as a commit; returns 0 or -1 after a message */
static int resolve_end(git_repository *repo, const char *name, const char *rev, git_oid *out)
{
	int rc = commit_resolve_oid(repo, *name ? name : "HEAD", out);

	if (rc > 0)
		error("unknown revision or range '%s': give A..B, a revision, or nothing for HEAD", rev);
	return rc == 0 ? 0 : -1;
}

/* rev as a range (from, to; *ranged = 1) or one commit (to); returns 0 or -1 after a message */
static int resolve(git_repository *repo, const char *rev, git_oid *from, git_oid *to, int *ranged)
{
	const char *dots = strstr(rev, "..");
	char *left;
	int rc;

	*ranged = 0;
	if (!dots)
		return resolve_end(repo, rev, rev, to);
	if (dots[2] == '.')
		return error("'%s': A...B is not supported: give A..B", rev);
	*ranged = 1;
	left = xstrdup(rev);
	left[dots - rev] = '\0';
	rc = resolve_end(repo, left, rev, from) < 0 || resolve_end(repo, dots + 2, rev, to) < 0 ? -1 : 0;
	free(left);
	return rc;
}

int guard_run(git_repository *repo, const char *rev, unsigned long long max_size, struct guard_result *out)
{
	struct graph g;
	git_oid from, to;
	int ranged, ret = EXIT_FAIL;

	memset(out, 0, sizeof(*out));
	if (resolve(repo, rev, &from, &to, &ranged) < 0)
		return EXIT_USAGE;
	if (graph_init(&g, repo) < 0)
		goto cleanup;
	if ((ranged ? guard_range(&g, &from, &to, max_size, out) : guard_tree(&g, &to, max_size, out)) < 0)
		goto cleanup;
	out->ranged = ranged;
	add_subjects(&g, out);
	ret = EXIT_OK;
cleanup:
	graph_release(&g);
	return ret;
}

void guard_result_release(struct guard_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->items[i].path);
		free(r->items[i].subject);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}

/* whether name is a full hex commit id that is zero or not in the repository */
static int gone(git_repository *repo, const char *name)
{
	git_odb *odb = NULL;
	git_oid id;
	int there;

	if (strlen(name) != OID_HEX_LEN || strspn(name, "0123456789abcdefABCDEF") != OID_HEX_LEN ||
	    git_oid_fromstr(&id, name) < 0) {
		git_error_clear();
		return 0;
	}
	if (git_oid_is_zero(&id))
		return 1;
	if (git_check(git_repository_odb(&odb, repo), "cannot open the object store") < 0)
		return -1;
	there = git_odb_exists(odb, &id);
	git_odb_free(odb);
	return !there;
}

/* the first of refs/heads/<branch>, refs/remotes/<remote>/<branch> that exists: 1 with *ref and *tip set, 0 none */
static int default_branch(git_repository *repo, const char *branch, const char *remote, char **ref, git_oid *tip)
{
	char *names[2];
	int i, found = 0;

	names[0] = xasprintf("refs/heads/%s", branch);
	names[1] = remote ? xasprintf("refs/remotes/%s/%s", remote, branch) : NULL;
	for (i = 0; i < 2 && names[i] && !found; i++) {
		if (git_reference_name_to_id(tip, repo, names[i]) == 0) {
			*ref = names[i];
			names[i] = NULL;
			found = 1;
		}
	}
	git_error_clear();
	free(names[0]);
	free(names[1]);
	return found;
}

int guard_start_gone(git_repository *repo, const char *rev, const char *branch, const char *remote,
		     char **instead, char **base)
{
	const char *dots = strstr(rev, "..");
	const char *end;
	char *start = NULL, *ref = NULL;
	git_oid tip, to;
	int rc, ret = -1;

	*instead = *base = NULL;
	if (!dots || dots[2] == '.')
		return 0;
	end = *(dots + 2) ? dots + 2 : "HEAD";
	start = xstrdup(rev);
	start[dots - rev] = '\0';
	rc = gone(repo, start);
	if (rc <= 0) {
		ret = rc;
		goto cleanup;
	}
	if ((rc = commit_resolve_oid(repo, end, &to)) != 0) {
		ret = rc > 0 ? 0 : -1; /* an unknown end: guard_run says so */
		goto cleanup;
	}
	if (default_branch(repo, branch, remote, &ref, &tip)) {
		rc = git_oid_equal(&tip, &to) ? 1 : git_graph_descendant_of(repo, &tip, &to);
		if (git_check(rc, "cannot walk the history of '%s'", ref) < 0)
			goto cleanup;
		*base = xstrdup(ref + (strncmp(ref, "refs/heads/", 11) == 0 ? 11 : 13));
		if (!rc)
			*instead = xasprintf("%s..%s", ref, end);
	}
	if (!*instead)
		*instead = xstrdup(end);
	ret = 1;
cleanup:
	free(ref);
	free(start);
	return ret;
}
