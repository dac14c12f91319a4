/*
 * The rules the fields of a release identity obey (release/ident.h): the
 * releaser checks the identity it is about to write with them (the
 * release state lists a broken rule as a problem, before anything is
 * built), and `releaser finalize` checks every part manifest it reads with
 * the same ones, so what one run writes the other takes, and nothing else:
 *
 *   project     settings_check_project (a file name and a package name)
 *   version     version_parse; a snapshot's is vX.Y.Z-SNAPSHOT-<short commit>
 *   ref         refs/tags/<version>, or refs/heads/<branch> for a snapshot
 *               (settings_branch_valid)
 *   source_uri  fields_check_uri
 */
#ifndef RELEASER_FIELDS_H
#define RELEASER_FIELDS_H

#include <stddef.h>

#include "release/ident.h"

/*
 * fields_check_uri returns NULL when s is a repository URL exactly as
 * lib/url.h records one (url_normalize gives it back unchanged: no
 * credentials, control characters or bytes outside RFC 3986), else why
 * not (static text).
 */
const char *fields_check_uri(const char *s);

/*
 * fields_check returns NULL when every field of id obeys its rule above;
 * else the name of the first that does not ("project", "version", "ref",
 * "source_uri"), with why[len] set to "'VALUE' REASON" (the value escaped
 * for a terminal).
 */
const char *fields_check(const struct release_ident *id, char *why, size_t len);

#endif /* RELEASER_FIELDS_H */
