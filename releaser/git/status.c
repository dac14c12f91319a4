/* Work tree status (see status.h). */
#include "git/status.h"

#include <stdlib.h>

#include "git/graph.h"
#include "git/internal.h"
#include "lib/common.h"

/*
 * HEAD's tree, found through the commit's raw header: libgit2's status
 * peels HEAD by parsing the commit, which fails on an author line it
 * refuses. *tree stays NULL when HEAD is unborn. Returns 0 or -1 after a
 * message.
 */
static int head_tree(git_repository *repo, git_tree **tree)
{
	struct graph g;
	git_oid id;
	size_t i;
	int rc, ret = -1;

	*tree = NULL;
	if (git_repository_head_unborn(repo) == 1)
		return 0;
	git_error_clear();
	rc = commit_resolve_oid(repo, "HEAD", &id);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (graph_init(&g, repo) < 0)
		goto cleanup;
	i = graph_node(&g, &id);
	if (graph_load(&g, i) == 0 &&
	    git_check(git_tree_lookup(tree, repo, &g.nodes[i].tree), "cannot read HEAD's tree") == 0)
		ret = 0;
cleanup:
	graph_release(&g);
	return ret;
}

static char status_char(unsigned int s, int index)
{
	if (index) {
		if (s & GIT_STATUS_INDEX_NEW) return 'A';
		if (s & GIT_STATUS_INDEX_MODIFIED) return 'M';
		if (s & GIT_STATUS_INDEX_DELETED) return 'D';
		if (s & GIT_STATUS_INDEX_RENAMED) return 'R';
		if (s & GIT_STATUS_INDEX_TYPECHANGE) return 'T';
		return ' ';
	}
	if (s & GIT_STATUS_WT_NEW) return '?';
	if (s & GIT_STATUS_WT_MODIFIED) return 'M';
	if (s & GIT_STATUS_WT_DELETED) return 'D';
	if (s & GIT_STATUS_WT_RENAMED) return 'R';
	if (s & GIT_STATUS_WT_TYPECHANGE) return 'T';
	if (s & GIT_STATUS_CONFLICTED) return 'U';
	return ' ';
}

int status_list(git_repository *repo, int flags, struct strlist *out)
{
	git_status_options opts;
	git_status_list *list = NULL;
	git_tree *baseline = NULL;
	size_t i, n;
	int count = 0;

	if (git_repository_is_bare(repo))
		return 0;
	if (git_check(git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION),
		      "cannot read the work tree status") < 0)
		return -1;
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (flags & STATUS_UNTRACKED)
		opts.flags |= GIT_STATUS_OPT_INCLUDE_UNTRACKED;
	if (head_tree(repo, &baseline) < 0)
		return -1;
	opts.baseline = baseline;
	if (git_check(git_status_list_new(&list, repo, &opts), "cannot read the work tree status") < 0) {
		git_tree_free(baseline);
		return -1;
	}
	n = git_status_list_entrycount(list);
	for (i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
		char *line;

		if (!d || e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED))
			continue;
		count++;
		if (!out)
			continue;
		line = xasprintf("%c%c %s", e->status & GIT_STATUS_WT_NEW ? '?' : status_char(e->status, 1),
				 status_char(e->status, 0), d->new_file.path ? d->new_file.path : d->old_file.path);
		strlist_add(out, line);
		free(line);
	}
	git_status_list_free(list);
	git_tree_free(baseline);
	return count;
}
