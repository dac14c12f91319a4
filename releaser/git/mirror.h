/*
 * Bringing the debug branch up to date with main (libgit2 only): inspect
 * (ahead/behind and the merge analysis), prepare the commit debug moves to
 * (main's commit for a fast-forward, an in-memory merge otherwise) and
 * apply it with a compare-and-swap on debug's old value. Nothing touches
 * refs, the index or the work tree before mirror_apply, and mirror_apply
 * leaves either the old state or the new one.
 */
#ifndef RELEASER_MIRROR_H
#define RELEASER_MIRROR_H

#include <git2.h>
#include <stddef.h>

#include "git/settings.h"

enum mirror_analysis {
	MIRROR_UP_TO_DATE,   /* debug contains main */
	MIRROR_FAST_FORWARD, /* debug has nothing of its own: move it to main */
	MIRROR_MERGE,        /* both moved: merge main into debug */
};

struct mirror {
	const char *main_branch, *debug_branch; /* short names, not owned */
	char *debug_ref;                        /* "refs/heads/<debug>" */
	git_oid main_id, debug_id;              /* their commits when inspected */
	size_t ahead, behind;                   /* debug's commits not in main, main's not in debug */
	enum mirror_analysis analysis;
	git_oid result;                         /* the commit debug moves to (after prepare) */
	struct strlist conflicts;               /* conflicting paths (after prepare) */
};

/*
 * mirror_inspect reads both branches and analyses them into *m (release it
 * with mirror_release). Returns 0, or an exit code after a message:
 * EXIT_USAGE when a branch is missing or they share no history, EXIT_FAIL
 * when the repository cannot be read.
 */
int mirror_inspect(git_repository *repo, const char *main_branch, const char *debug_branch,
		   struct mirror *m);

/*
 * mirror_prepare computes m->result. For a merge it merges main into debug
 * in memory and, with write set, writes the merged tree and the merge
 * commit (by author and committer, message naming main's commit) as
 * unreferenced objects. Returns 0; 1 on conflict, with the paths in
 * m->conflicts (nothing printed, nothing changed); -1 after a message.
 */
int mirror_prepare(git_repository *repo, struct mirror *m, const git_signature *author,
		   const git_signature *committer, int write);

/*
 * mirror_apply moves the debug branch from m->debug_id to m->result. When
 * debug is checked out here, the index and work tree follow (refused with
 * EXIT_USAGE when tracked files have local changes); when it is checked out
 * in another work tree it is refused. Returns EXIT_OK, or EXIT_FAIL /
 * EXIT_USAGE after a message, having changed nothing.
 */
int mirror_apply(git_repository *repo, struct mirror *m);

/* mirror_analysis_name: "up-to-date", "fast-forward" or "merge". */
const char *mirror_analysis_name(enum mirror_analysis a);

/* mirror_release frees what the mirror functions allocated in m. */
void mirror_release(struct mirror *m);

#endif /* RELEASER_MIRROR_H */
