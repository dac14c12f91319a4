/*
 * Drift: what the debug branch changed of its own and still differs from
 * main in, outside the paths it may differ in (the settings' mirror.allow).
 */
#ifndef RELEASER_DRIFT_H
#define RELEASER_DRIFT_H

#include <git2.h>

#include "git/settings.h"

/*
 * drift_find appends to out every path that debug changed since it last
 * took main (their merge base), that differs between debug and main, and
 * that no allow entry covers (an entry covers the path itself, what is
 * under it when it is a directory, or what it matches as a glob).
 * Returns 0, or -1 after a message.
 */
int drift_find(git_repository *repo, const git_oid *main_id, const git_oid *debug_id,
	       const struct strlist *allow, struct strlist *out);

/* drift_allowed tells whether one of allow's entries covers path. */
int drift_allowed(const struct strlist *allow, const char *path);

#endif /* RELEASER_DRIFT_H */
