/* Differences of the debug branch outside mirror.allow (see drift.h). */
#include "git/drift.h"

#include <fnmatch.h>
#include <string.h>

#include "lib/common.h"
#include "git/internal.h"

int drift_allowed(const struct strlist *allow, const char *path)
{
	size_t i, n;

	for (i = 0; i < allow->n; i++) {
		const char *a = allow->items[i];

		n = strlen(a);
		while (n > 0 && a[n - 1] == '/')
			n--;
		if (n == 0)
			continue;
		if (!strncmp(a, path, n) && (path[n] == '\0' || path[n] == '/'))
			return 1;
		if (fnmatch(a, path, FNM_PATHNAME) == 0)
			return 1;
	}
	return 0;
}

/* whether path names the same thing (id and mode, or absence) in both trees */
static int same_in(git_tree *a, git_tree *b, const char *path)
{
	git_tree_entry *ea = NULL, *eb = NULL;
	int same;

	git_tree_entry_bypath(&ea, a, path);
	git_tree_entry_bypath(&eb, b, path);
	if (!ea || !eb)
		same = !ea && !eb;
	else
		same = git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
		       git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb);
	git_tree_entry_free(ea);
	git_tree_entry_free(eb);
	return same;
}

static int tree_of(git_repository *repo, const git_oid *id, git_tree **out)
{
	git_commit *c = NULL;
	int rc;

	rc = git_commit_lookup(&c, repo, id);
	if (rc >= 0)
		rc = git_commit_tree(out, c);
	git_commit_free(c);
	return git_check(rc, "cannot read the tree of a commit");
}

int drift_find(git_repository *repo, const git_oid *main_id, const git_oid *debug_id,
	       const struct strlist *allow, struct strlist *out)
{
	git_tree *base = NULL, *main_tree = NULL, *debug_tree = NULL;
	git_diff *diff = NULL;
	git_oid base_id;
	size_t i;
	int ret = -1;

	if (git_check(git_merge_base(&base_id, repo, main_id, debug_id), "cannot find where the branches meet") < 0 ||
	    tree_of(repo, &base_id, &base) < 0 || tree_of(repo, main_id, &main_tree) < 0 ||
	    tree_of(repo, debug_id, &debug_tree) < 0 ||
	    git_check(git_diff_tree_to_tree(&diff, repo, base, debug_tree, NULL), "cannot compare trees") < 0)
		goto cleanup;
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;

		if (drift_allowed(allow, path) || same_in(main_tree, debug_tree, path) || strlist_has(out, path))
			continue;
		strlist_add(out, path);
	}
	ret = 0;
cleanup:
	git_diff_free(diff);
	git_tree_free(debug_tree);
	git_tree_free(main_tree);
	git_tree_free(base);
	return ret;
}
