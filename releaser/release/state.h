/*
 * What a release would be, read from the repository and releaser.conf
 * before anything is built: the one place that decides the tag, the
 * branch, the channel, the version and the build plan. The Makefile and
 * ci/ carry these decisions out (releaser info --json shows them).
 *
 * The tag released: --tag, else $GITHUB_REF_NAME when $GITHUB_REF_TYPE is
 * "tag", else the highest release version among the tags at HEAD; none
 * with --snapshot. A tag decides its branch: vX.Y.Z[-PRE] belongs to
 * branch.main, vX.Y.Z[-PRE]-debug to branch.debug, and its commit must be
 * reachable from that branch (the local one, else <remote>/<branch>). So a
 * detached HEAD at a tag (a CI tag checkout) needs no --branch. Without a
 * tag the release is a snapshot of HEAD's branch (else --branch, else
 * $RELEASER_BRANCH). The channel is debug exactly on branch.debug.
 *
 * Preflight (every refusal is a precondition: exit 2):
 *   - a shallow clone (hint: git fetch --unshallow);
 *   - a snapshot from a detached HEAD without --branch or $RELEASER_BRANCH,
 *     and any snapshot with --require-tag (a CI release job);
 *   - a tag that is not a version, does not exist, is not at HEAD, is not
 *     on its branch, or whose branch is not the --branch given;
 *   - uncommitted changes or untracked files (listed);
 *   - a package.file of the settings that is not a file in the work tree;
 *   - a SOURCE_DATE_EPOCH that is not a number;
 *   - a builder or source that is not a URI, or GitHub Actions variables
 *     missing (release/builder.h); an origin URL that is not usable
 *     (lib/url.h; a local one is no source, and none is recorded);
 *   - a branch name (--branch, HEAD's, $RELEASER_BRANCH) git would not take;
 *   - on the release channel, a Go module tag support/go/TAG that names
 *     another commit than TAG (git/gotag.h); a missing one is only shown;
 *   - no snapshot version after the latest tag (its patch is the highest);
 *   - no LICENSE in the work tree when a Debian package is made;
 *   - a ref or source URI the release would write that breaks its rule
 *     (release/fields.h): a snapshot branch named with markup, an origin
 *     URL or $RELEASER_SOURCE_URI with characters no URI has.
 */
#ifndef RELEASER_STATE_H
#define RELEASER_STATE_H

#include "git/describe.h"
#include "git/git.h"
#include "git/settings.h"
#include "release/builder.h"
#include "release/plan.h"

/* the remote whose branches count when a local branch is missing */
#define DEFAULT_REMOTE "origin"

struct state_opts {
	const char *branch;            /* --branch; else HEAD's branch, else $RELEASER_BRANCH */
	const char *tag;               /* --tag: release this tag, which must be at HEAD */
	const char *remote;            /* --remote; NULL: DEFAULT_REMOTE */
	int snapshot;                  /* --snapshot */
	int require_tag;               /* --require-tag: refuse a snapshot */
	const struct strlist *arches;  /* --arch; NULL: the settings' build.arch */
};

struct release_state {
	const char *workdir;        /* with a trailing '/', owned by the repository */
	struct head_info head;
	char *branch;               /* the branch released; NULL when unknown */
	const char *branch_from;    /* "tag", "HEAD", "--branch" or "RELEASER_BRANCH" */
	char branch_ref[320];       /* the ref found to contain a released tag ("" otherwise) */
	const char *main_branch;    /* the settings' branch.main and branch.debug */
	const char *debug_branch;
	const char *remote;
	enum channel channel;
	struct strlist head_tags;   /* every tag at HEAD, sorted */
	struct describe desc;
	struct strlist dirty;       /* "XY path", as in git status --short */
	int shallow;
	int snapshot;               /* the version is a snapshot */
	int prerelease;             /* a snapshot, a pre-release (-rc.1) or a debug release */
	char *tag;                  /* the tag released; NULL for a snapshot */
	const char *tag_from;       /* "--tag", "GITHUB_REF_NAME" or "HEAD"; NULL without a tag */
	char version[160];          /* "" when preflight found no version */
	char ref[320];              /* refs/tags/TAG or refs/heads/BRANCH */
	long long epoch;            /* SOURCE_DATE_EPOCH, else the commit time */
	struct builder builder;     /* who builds, from the environment (release/builder.h) */
	char *source_uri;           /* the builder's source, else origin's URL; NULL when local */
	struct build_plan plan;
	struct strlist problems;    /* preflight refusals, first first; empty: ready */
	char *changelog;            /* CHANGELOG.md's text: set by release_prepare for package and release */
	char *go_tag;               /* support/go/TAG for a release-channel tag; NULL otherwise (git/gotag.h) */
	char go_tag_commit[OID_HEX_LEN + 1]; /* the commit go_tag names; "" when it does not exist */
	int go_tag_ok;              /* go_tag names the commit the release tag names */
};

/*
 * release_state_load reads everything above from repo with settings s
 * (which must outlive st). Preflight refusals do not fail it: they are
 * listed in st->problems. Returns 0; 1 after a message when HEAD has no
 * commit yet (a precondition); -1 after a message when the repository
 * cannot be read or the arches are bad. Free with release_state_release
 * (after 0 only).
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
