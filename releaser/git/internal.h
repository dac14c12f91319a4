/*
 * What the files of git/ share among themselves: libgit2 itself, the
 * checker that turns its errors into our messages, and oid helpers. Never
 * included outside git/.
 */
#ifndef RELEASER_GIT_INTERNAL_H
#define RELEASER_GIT_INTERNAL_H

#include <git2.h>

#include "git/git.h"

/*
 * git_check returns 0 when rc >= 0; otherwise prints "releaser: WHAT: the
 * libgit2 message" and returns -1.
 */
int git_check(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* oid_short writes the first SHORT_SHA_LEN hex digits of oid into buf. */
void oid_short(const git_oid *oid, char buf[SHORT_SHA_LEN + 1]);

/*
 * oid_from_hex parses a full hex commit id (as in struct head_info).
 * Returns 0, or -1 after a message.
 */
int oid_from_hex(git_oid *oid, const char *hex);

/* commit_resolve_oid is commit_resolve with the commit as an oid. */
int commit_resolve_oid(git_repository *repo, const char *name, git_oid *out);

#endif /* RELEASER_GIT_INTERNAL_H */
