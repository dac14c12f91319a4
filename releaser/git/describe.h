/*
 * Tags and `git describe`, fast on large repositories.
 *
 * A tag index maps each tagged commit to its tag names. It is built from
 * the refs alone: packed-refs already hold the commit an annotated tag
 * peels to, so no tag object is read for them. A describe then walks from
 * a commit, newest first, and stops at the first tagged commit; the tags
 * at HEAD are one lookup.
 */
#ifndef RELEASER_DESCRIBE_H
#define RELEASER_DESCRIBE_H

#include <stddef.h>

#include "git/git.h"

struct tag_index;

/*
 * tag_index_build reads every refs/tags/ ref of repo. Tags that do not
 * point at a commit (a tag of a tree or blob) are left out. Returns the
 * index (free with tag_index_free) or NULL after a message.
 */
struct tag_index *tag_index_build(git_repository *repo);

/* tag_index_free frees ix; accepts NULL. */
void tag_index_free(struct tag_index *ix);

/*
 * tag_index_lookup returns how many tags point at commit (a full hex id) and sets *names
 * to them, sorted by name (owned by the index; NULL when none).
 */
size_t tag_index_lookup(const struct tag_index *ix, const char *commit, const char *const **names);

/* tag_index_count returns the number of tags in the index. */
size_t tag_index_count(const struct tag_index *ix);

struct describe {
	char *tag;          /* nearest release tag (a version, see version.h); NULL when none is reachable */
	size_t depth;       /* commits walked before reaching it (0: at the commit) */
	char *release_tag;  /* the same tag (kept for callers that name it so) */
	char text[256];     /* "TAG-DEPTH-gSHA12", "TAG" at depth 0, or "SHA12" without a release tag */
};

/*
 * describe_commit walks the history of commit newest first (libgit2's
 * default order: by commit time, a commit before its parents) until it
 * has found the nearest release tag: a tag whose name is a version
 * (version_parse), the one rule of what a release tag is. The Go module's
 * tags (support/go/vX.Y.Z) and any other names never count. Among several
 * release tags on one commit the highest version wins. For a linear
 * history the depth equals `git describe --tags --match 'v[0-9]*'`'s;
 * across merges it may count fewer commits.
 * Returns 0, or -1 after a message. Free with describe_release.
 */
int describe_commit(git_repository *repo, const struct tag_index *ix, const char *commit,
		    struct describe *d);

/* describe_release frees what describe_commit allocated. */
void describe_release(struct describe *d);

/*
 * tag_pick_version returns the highest version among names (nothing
 * printed for names that are not versions), or NULL when none is one.
 */
const char *tag_pick_version(const char *const *names, size_t n);

#endif /* RELEASER_DESCRIBE_H */
