/* Work tree state (see worktree.h). */
#include "git/worktree.h"

#include "lib/common.h"
#include "git/internal.h"

int worktree_changes(git_repository *repo, struct strlist *paths)
{
	git_status_options opts;
	git_status_list *list = NULL;
	size_t i, n;

	if (git_repository_is_bare(repo))
		return 0;
	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_check(git_status_list_new(&list, repo, &opts), "cannot read the work tree status") < 0)
		return -1;
	n = git_status_list_entrycount(list);
	for (i = 0; paths && i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;

		if (d)
			strlist_add(paths, d->new_file.path ? d->new_file.path : d->old_file.path);
	}
	git_status_list_free(list);
	return (int)n;
}
