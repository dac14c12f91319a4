/* Choosing the commit a debug release tag names (see debugtag.h). */
#include "git/debugtag.h"

#include <stdlib.h>

#include "lib/common.h"
#include "git/internal.h"

/* whether a contains b (a is b or descends from it) */
static int contains(git_repository *repo, const git_oid *a, const git_oid *b)
{
	return git_oid_equal(a, b) || git_graph_descendant_of(repo, a, b) == 1;
}

int debug_tag_target(git_repository *repo, const git_oid *head, const git_oid *main_head,
		     const git_oid *tagged, git_oid *target)
{
	git_commit *c = NULL, *parent = NULL;
	int found = 0, ret = -1;

	if (git_check(git_commit_lookup(&c, repo, head), "cannot read the debug branch's commit") < 0)
		return -1;
	while (contains(repo, git_commit_id(c), tagged)) {
		if (!contains(repo, main_head, git_commit_id(c))) {
			git_oid_cpy(target, git_commit_id(c));
			found = 1;
		}
		if (git_commit_parentcount(c) == 0)
			break;
		if (git_check(git_commit_parent(&parent, c, 0), "cannot read a commit's parent") < 0)
			goto cleanup;
		git_commit_free(c);
		c = parent;
		parent = NULL;
	}
	if (found)
		ret = DEBUG_TAG_FOUND;
	else
		ret = git_oid_equal(head, tagged) ? DEBUG_TAG_MARKER : DEBUG_TAG_PAST;
cleanup:
	git_commit_free(c);
	return ret;
}

int debug_tag_marker(git_repository *repo, const git_oid *head, const char *debug_tag,
		     const char *main_tag, const git_signature *committer, git_oid *marker)
{
	char sha[GIT_OID_HEXSZ + 1];
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	char *message = NULL;
	int ret = -1;

	git_oid_tostr(sha, sizeof(sha), head);
	message = xasprintf("Mark debug release %s\n\n"
			    "%s is %s (%s) built as a debug release. This commit changes\n"
			    "no file; it keeps the two tags on different commits.\n",
			    debug_tag, debug_tag, main_tag, sha);
	if (git_check(git_commit_lookup(&parent, repo, head), "cannot read the debug branch's commit") < 0 ||
	    git_check(git_commit_tree(&tree, parent), "cannot read the debug branch's tree") < 0 ||
	    git_check(git_commit_create_v(marker, repo, NULL, committer, committer, NULL, message, tree, 1, parent),
		      "cannot write the marker commit") < 0)
		goto cleanup;
	ret = 0;
cleanup:
	free(message);
	git_tree_free(tree);
	git_commit_free(parent);
	return ret;
}
