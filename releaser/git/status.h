/*
 * The state of the work tree against HEAD, one rule for every command:
 * tracked files that differ in the index or the work tree always count;
 * untracked (not ignored) files count when asked for.
 */
#ifndef RELEASER_STATUS_H
#define RELEASER_STATUS_H

#include "git/git.h"
#include "lib/strlist.h"

enum {
	STATUS_UNTRACKED = 1 << 0, /* untracked files count too */
};

/*
 * status_list appends to out (when not NULL) one "XY path" line per changed
 * file, as `git status --short` prints it ('?' '?' for untracked files).
 * A bare repository has no changes. Returns how many files changed, or -1
 * after a message.
 */
int status_list(git_repository *repo, int flags, struct strlist *out);

#endif /* RELEASER_STATUS_H */
