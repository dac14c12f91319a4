/* Walking trees and ranges for build outputs (see guard.h). */
#include "git/guard.h"

#include <stdlib.h>
#include <string.h>

#include "lib/classify.h"
#include "lib/common.h"
#include "git/internal.h"

struct walk {
	git_repository *repo;
	git_odb *odb;
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

/* whether commit's tree holds blob at path */
static int has_blob(const git_commit *commit, const char *path, const char *blob)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int found = 0;

	if (git_commit_tree(&tree, commit) == 0 && git_tree_entry_bypath(&e, tree, path) == 0)
		found = !git_oid_streq(git_tree_entry_id(e), blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return found;
}

/* whether commit brought blob to path: it has it there and none of its parents does */
static int added_by(const git_commit *commit, const char *path, const char *blob)
{
	unsigned int i;
	git_commit *parent;
	int in_parent;

	if (!has_blob(commit, path, blob))
		return 0;
	for (i = 0; i < git_commit_parentcount(commit); i++) {
		if (git_commit_parent(&parent, commit, i) < 0)
			return 0;
		in_parent = has_blob(parent, path, blob);
		git_commit_free(parent);
		if (in_parent)
			return 0;
	}
	return 1;
}

/* find the commit that added each offender, walking back from start */
static int find_adders(git_repository *repo, const git_oid *start, struct guard_result *r)
{
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_oid id;
	size_t i, left = r->n;
	int ret = -1;

	if (left == 0)
		return 0;
	if (git_check(git_revwalk_new(&walk, repo), "cannot walk the history") < 0 ||
	    git_check(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME), "cannot walk the history") < 0 ||
	    git_check(git_revwalk_push(walk, start), "cannot walk the history") < 0)
		goto cleanup;
	while (left > 0 && git_revwalk_next(&id, walk) == 0) {
		if (git_check(git_commit_lookup(&c, repo, &id), "cannot read a commit") < 0)
			goto cleanup;
		for (i = 0; i < r->n; i++) {
			struct guard_offender *o = &r->items[i];

			if (!o->commit[0] && added_by(c, o->path, o->blob)) {
				git_oid_tostr(o->commit, sizeof(o->commit), &id);
				left--;
			}
		}
		git_commit_free(c);
		c = NULL;
	}
	ret = 0;
cleanup:
	git_commit_free(c);
	git_revwalk_free(walk);
	return ret;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct guard_offender *)a)->path, ((const struct guard_offender *)b)->path);
}

/* every file in the tree of commit_id, then who added each offender */
static int guard_tree(git_repository *repo, const git_oid *commit_id, unsigned long long max_size,
		      struct guard_result *out)
{
	struct walk w = { repo, NULL, max_size, out, 0 };
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	int ret = -1, rc;

	memset(out, 0, sizeof(*out));
	if (git_check(git_repository_odb(&w.odb, repo), "cannot open the object store") < 0 ||
	    git_check(git_commit_lookup(&commit, repo, commit_id), "cannot read the commit") < 0 ||
	    git_check(git_commit_tree(&tree, commit), "cannot read the commit's tree") < 0)
		goto cleanup;
	rc = git_tree_walk(tree, GIT_TREEWALK_PRE, tree_cb, &w);
	if (w.failed || git_check(rc, "cannot walk the tree") < 0)
		goto cleanup;
	out->commits = 1;
	if (find_adders(repo, commit_id, out) < 0)
		goto cleanup;
	if (out->n > 1)
		qsort(out->items, out->n, sizeof(*out->items), by_path);
	ret = 0;
cleanup:
	git_tree_free(tree);
	git_commit_free(commit);
	git_odb_free(w.odb);
	if (ret)
		guard_result_release(out);
	return ret;
}

/* the files commit adds or changes against every parent */
static int examine_commit(struct walk *w, git_commit *commit)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	unsigned int np = git_commit_parentcount(commit), p;
	char hex[OID_HEX_LEN + 1];
	size_t i;
	int ret = -1, elsewhere;

	if (git_check(git_commit_tree(&tree, commit), "cannot read a commit's tree") < 0 ||
	    (np > 0 && (git_check(git_commit_parent(&parent, commit, 0), "cannot read a parent") < 0 ||
			git_check(git_commit_tree(&ptree, parent), "cannot read a parent's tree") < 0)) ||
	    git_check(git_diff_tree_to_tree(&diff, w->repo, ptree, tree, NULL), "cannot compare trees") < 0)
		goto cleanup;
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_DELETED || !is_file(d->new_file.mode))
			continue;
		git_oid_tostr(hex, sizeof(hex), &d->new_file.id);
		for (elsewhere = 0, p = 1; p < np && !elsewhere; p++) {
			git_commit *other = NULL;

			if (git_commit_parent(&other, commit, p) == 0)
				elsewhere = has_blob(other, d->new_file.path, hex);
			git_commit_free(other);
		}
		if (!elsewhere && examine(w, d->new_file.path, &d->new_file.id, git_commit_id(commit)) < 0)
			goto cleanup;
	}
	ret = 0;
cleanup:
	git_diff_free(diff);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	return ret;
}

/* the files each commit reachable from to but not from from adds or changes */
static int guard_range(git_repository *repo, const git_oid *from, const git_oid *to,
		       unsigned long long max_size, struct guard_result *out)
{
	struct walk w = { repo, NULL, max_size, out, 0 };
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_oid id;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (git_check(git_repository_odb(&w.odb, repo), "cannot open the object store") < 0 ||
	    git_check(git_revwalk_new(&walk, repo), "cannot walk the history") < 0 ||
	    git_check(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE), "cannot walk the history") < 0 ||
	    git_check(git_revwalk_push(walk, to), "cannot walk the history") < 0 ||
	    (from && git_check(git_revwalk_hide(walk, from), "cannot walk the history") < 0))
		goto cleanup;
	while (git_revwalk_next(&id, walk) == 0) {
		if (git_check(git_commit_lookup(&c, repo, &id), "cannot read a commit") < 0 || examine_commit(&w, c) < 0)
			goto cleanup;
		git_commit_free(c);
		c = NULL;
		out->commits++;
	}
	ret = 0;
cleanup:
	git_commit_free(c);
	git_revwalk_free(walk);
	git_odb_free(w.odb);
	if (ret)
		guard_result_release(out);
	return ret;
}

/* the subject line of each offender's commit */
static void add_subjects(git_repository *repo, struct guard_result *r)
{
	git_commit *c;
	git_oid id;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const char *summary;

		if (!r->items[i].commit[0] || git_oid_fromstr(&id, r->items[i].commit) < 0 ||
		    git_commit_lookup(&c, repo, &id) < 0)
			continue;
		summary = git_commit_summary(c);
		r->items[i].subject = xstrdup(summary ? summary : "");
		git_commit_free(c);
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
	git_oid from, to;
	int ranged;

	memset(out, 0, sizeof(*out));
	if (resolve(repo, rev, &from, &to, &ranged) < 0)
		return EXIT_USAGE;
	if ((ranged ? guard_range(repo, &from, &to, max_size, out) : guard_tree(repo, &to, max_size, out)) < 0)
		return EXIT_FAIL;
	out->ranged = ranged;
	add_subjects(repo, out);
	return EXIT_OK;
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
