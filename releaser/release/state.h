/*
 * What a release would be, read from the repository before anything is
 * built: branch and channel, HEAD, its tags, a describe, dirty files, the
 * version, the build plan, and the preflight refusals.
 *
 * Preflight (every refusal is a precondition: exit 2):
 *   - a shallow clone (hint: git fetch --unshallow);
 *   - a detached HEAD without --branch or $RELEASER_BRANCH;
 *   - unless the release is a snapshot: a tag at HEAD (or --tag) that is
 *     not a version, a -debug tag on the release channel, another tag on
 *     the debug channel, --tag naming a tag that is not at HEAD;
 *   - uncommitted changes or untracked files (listed);
 *   - a package.file of the settings that is not a file in the work tree.
 * The release is a snapshot with --snapshot or when HEAD has no tag.
 */
#ifndef RELEASER_STATE_H
#define RELEASER_STATE_H

#include "git/describe.h"
#include "git/git.h"
#include "release/plan.h"
#include "git/settings.h"

struct state_opts {
	const char *branch;            /* --branch; else HEAD's branch, else $RELEASER_BRANCH */
	const char *tag;               /* --tag: release this tag, which must be at HEAD */
	int snapshot;                  /* --snapshot */
	const struct strlist *arches;  /* --arch; NULL: the settings' build.arch */
};

struct release_state {
	const char *workdir;        /* with a trailing '/', owned by the repository */
	struct head_info head;
	char *branch;               /* the branch released; NULL when unknown */
	const char *branch_from;    /* "HEAD", "--branch" or "RELEASER_BRANCH" */
	enum channel channel;
	struct strlist head_tags;   /* every tag at HEAD, sorted */
	struct describe desc;
	struct strlist dirty;       /* "XY path", as in git status --short */
	int shallow;
	int snapshot;               /* the version is a snapshot */
	char *tag;                  /* the tag released; NULL for a snapshot */
	char version[160];          /* "" when preflight found no version */
	char ref[320];              /* refs/tags/TAG or refs/heads/BRANCH */
	long long epoch;            /* SOURCE_DATE_EPOCH, else the commit time */
	char *source_uri;           /* $RELEASER_SOURCE_URI, else origin's URL; NULL when local */
	struct build_plan plan;
	struct strlist problems;    /* preflight refusals, first first; empty: ready */
};

/*
 * release_state_load reads everything above from repo with settings s.
 * Preflight refusals do not fail it: they are listed in st->problems.
 * Returns 0, or -1 after a message when the repository cannot be read or
 * the arches are bad. Free with release_state_release.
 */
int release_state_load(git_repository *repo, const struct settings *s, const struct state_opts *o,
		       struct release_state *st);

/*
 * release_state_preflight returns 0 when the state is ready to release, or
 * prints the first refusal and returns -1.
 */
int release_state_preflight(const struct release_state *st);

/* release_state_release frees what release_state_load allocated. */
void release_state_release(struct release_state *st);

#endif /* RELEASER_STATE_H */
