/*
 * The debug release tag: on the debug branch, vX.Y.Z-debug for main's
 * release tag vX.Y.Z. It marks the commit of the debug branch that brought
 * vX.Y.Z in: the earliest commit on debug's first-parent line that
 * contains main's tagged commit and is debug's own (not on main). When
 * debug is exactly main's tagged commit (a pure fast-forward) there is no
 * such commit; a marker commit (same tree, parent the tagged commit) is
 * added on debug so the two tags never name the same commit.
 *
 * When debug moved past vX.Y.Z without a commit of its own (it was
 * fast-forwarded beyond the tagged commit), the late form (late = 1) puts
 * the marker on the tagged commit itself and brings it into debug with a
 * merge commit that keeps debug's tree: the tag names the marker, debug
 * only moves forward, nothing is rewritten or force-pushed.
 */
#ifndef RELEASER_TAG_H
#define RELEASER_TAG_H

#include <stddef.h>

#include "git/git.h"

/* how a tag gets signed; git/ knows no keys, the caller does */
struct tag_signer {
	/* called once before anything is written, only when a tag will be made: 0, or -1 after a message */
	int (*prepare)(void *ctx);
	/* the armored signature of payload (the tag object) to append: 0 with *armored (caller frees), or -1 after a message */
	int (*sign)(void *ctx, const void *payload, size_t len, char **armored);
	void *ctx;
};

struct debug_tag_opts {
	const char *main_tag;                   /* main's release tag, e.g. "v1.0.1" */
	const char *main_branch, *debug_branch; /* local branch names */
	const struct tag_signer *signer;        /* NULL: an unsigned tag */
	int late;                               /* debug moved past the release: marker and merge (see above) */
};

struct debug_tag_result {
	char *debug_tag;                        /* "<main_tag>-debug" */
	char commit[OID_HEX_LEN + 1];           /* the commit the debug tag names */
	char main_commit[OID_HEX_LEN + 1];      /* the commit main's tag names */
	int marker;                             /* commit is a new marker commit */
	char merge[OID_HEX_LEN + 1];            /* late: the merge commit debug moved to ("" otherwise) */
	int created;                            /* 1: tagged now; 0: the tag was there already */
};

/*
 * debug_tag_run checks that HEAD is o->debug_branch without local changes
 * and that main's tag is on o->main_branch and in debug, then creates the
 * annotated tag (by the committer of git/identity.c; message naming main's
 * tag and commit; signed through o->signer), adding the marker commit on
 * debug first when needed (with o->late, the marker and its merge when
 * debug moved past the release). Running it again is a no-op (r->created
 * = 0), also after a late tag.
 * Fills *r (release it with debug_tag_result_release). Returns EXIT_OK;
 * EXIT_USAGE after a message when a precondition fails (not on debug,
 * local changes, main's tag missing or not on main or not in debug, debug
 * moved past the release without o->late (the message names the command
 * with --late), the debug tag exists elsewhere, no identity, the
 * signer's prepare failed); EXIT_FAIL after a message when the tag or the
 * branch changed meanwhile (any marker is undone) or reading or writing
 * failed.
 */
int debug_tag_run(git_repository *repo, const struct debug_tag_opts *o, struct debug_tag_result *r);

/* debug_tag_result_release frees what debug_tag_run allocated in r. */
void debug_tag_result_release(struct debug_tag_result *r);

#endif /* RELEASER_TAG_H */
