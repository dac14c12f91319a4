/*
 * Drift: what the debug branch changed of its own and still differs from
 * main in, outside the paths it may differ in (the settings' mirror.allow).
 * drift_find, which walks the trees, is in git/internal.h.
 */
#ifndef RELEASER_DRIFT_H
#define RELEASER_DRIFT_H

#include "lib/strlist.h"

/*
 * drift_allowed tells whether one of allow's entries covers path: the path
 * itself, what is under it when it is a directory, or what it matches as a
 * glob (fnmatch with FNM_PATHNAME).
 */
int drift_allowed(const struct strlist *allow, const char *path);

#endif /* RELEASER_DRIFT_H */
