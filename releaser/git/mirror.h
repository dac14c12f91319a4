/*
 * Bringing the debug branch up to date with main: inspect both branches
 * (ahead/behind and the merge analysis), prepare the commit debug moves to
 * (main's commit for a fast-forward, an in-memory merge otherwise), apply
 * it with a compare-and-swap on debug's old value, then push it. Nothing
 * touches refs, the index or the work tree before the branch moves, and a
 * failed move leaves the old state. --check instead reads only: is debug
 * behind main, and does it differ from main outside mirror.allow (drift)?
 *
 * With fetch, both branches are first fetched from the remote into its
 * remote-tracking refs and the local branches brought up to them (created,
 * or fast-forwarded) without detaching HEAD: a branch checked out here moves
 * with its index and work tree, like a fast-forward git merge, and only
 * when its work tree is clean. --init instead starts the debug branch: a
 * first commit on main's that changes no file (see debug_start_is), so
 * debug has a commit of its own from its first day and every mirror is a
 * merge.
 */
#ifndef RELEASER_MIRROR_H
#define RELEASER_MIRROR_H

#include <stddef.h>

#include "git/git.h"
#include "lib/strlist.h"

enum mirror_analysis {
	MIRROR_UP_TO_DATE,   /* debug contains main */
	MIRROR_FAST_FORWARD, /* debug has nothing of its own: move it to main */
	MIRROR_MERGE,        /* both moved: merge main into debug */
	MIRROR_INIT,         /* init: debug does not exist yet */
};

struct mirror_opts {
	const char *main_branch, *debug_branch; /* local branch names */
	const char *remote;                     /* where to push debug after it moved; NULL: no push */
	const struct strlist *allow;            /* check: the paths debug may differ in (mirror.allow) */
	int check;                              /* read only: behind and drift */
	int dry_run;                            /* say what would happen; write nothing */
	int fetch;                              /* first fetch both from origin and bring the local branches up to it */
	int init;                               /* create debug from main with its first commit instead of mirroring */
	const char *origin;                     /* the remote of fetch and of init's checks (NULL: "origin") */
};

/* what mirror_run found and did, for the report; strings are static or owned here */
struct mirror_result {
	int inspected;                          /* both branches were read: the next four are set */
	char main_commit[OID_HEX_LEN + 1], debug_commit[OID_HEX_LEN + 1];
	size_t ahead, behind;                   /* debug's commits not in main, main's not in debug */
	enum mirror_analysis analysis;
	const char *result;                     /* "ok", "failed", "conflict", "fast-forwarded", "would-merge"...; NULL when it stopped before */
	char commit[OID_HEX_LEN + 1];           /* debug's commit afterwards ("" on a dry run or failure) */
	struct strlist conflicts;               /* conflicting paths when result is "conflict" */
	int checked;                            /* check: drift holds the drifting paths */
	struct strlist drift;
	const char *pushed;                     /* the remote debug was pushed to, or NULL */
	const char *fetched;                    /* the remote main and debug were fetched from, or NULL */
	const char *main_moved, *debug_moved;   /* fetch: "created" or "fast-forwarded" to the remote's, or NULL */
};

/*
 * mirror_run mirrors o->main_branch into o->debug_branch (or checks them,
 * with o->check) and fills *r (release it with mirror_result_release).
 * Returns EXIT_OK; EXIT_FAIL after a message on a conflict (nothing
 * changed), drift, debug behind (check), a rejected push, debug moved
 * meanwhile, an unreachable remote or a read or write failure; EXIT_USAGE
 * after a message when a branch is missing or invalid, the branches share
 * no history, no identity is set for a merge commit, the remote does not
 * exist, a branch to move is checked out here with local changes or in
 * another work tree; with fetch, when the remote lacks main or debug (the
 * message names releaser mirror --init), a local branch and the remote's
 * have diverged, or the local main has commits the remote's lacks (the
 * mirror takes only what the remote has); with init, when debug exists
 * (here, as origin's remote-tracking ref, or on the remote pushed to) or
 * main is not on the remote pushed to. A failed init or fetch moves no local branch; a
 * failed push after init removes the debug branch it created.
 */
int mirror_run(git_repository *repo, const struct mirror_opts *o, struct mirror_result *r);

/* mirror_analysis_name: "up-to-date", "fast-forward" or "merge". */
const char *mirror_analysis_name(enum mirror_analysis a);

/* mirror_result_release frees the lists of r. */
void mirror_result_release(struct mirror_result *r);

#endif /* RELEASER_MIRROR_H */
