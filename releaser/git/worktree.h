/* The state of the work tree, as the commands that change branches need it. */
#ifndef RELEASER_WORKTREE_H
#define RELEASER_WORKTREE_H

#include <git2.h>

#include "git/settings.h"

/*
 * worktree_changes appends to paths (when not NULL) the tracked files that
 * differ from HEAD in the index or the work tree (untracked files do not
 * count). Returns how many there are, or -1 after a message.
 */
int worktree_changes(git_repository *repo, struct strlist *paths);

#endif /* RELEASER_WORKTREE_H */
