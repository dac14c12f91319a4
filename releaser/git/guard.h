/*
 * The guard: finds build outputs and keys among tracked files (see
 * lib/classify.h), either in one commit's tree or among the files the commits
 * of a range add, and names the commit that added each.
 */
#ifndef RELEASER_GUARD_H
#define RELEASER_GUARD_H

#include <stddef.h>

#include "git/git.h"

struct guard_offender {
	char *path;
	const char *reason;        /* static text from lib/classify.h, or "larger than guard.maxsize" */
	unsigned long long size;
	char blob[OID_HEX_LEN + 1];
	char commit[OID_HEX_LEN + 1]; /* the commit that added it ("" when not found) */
	char *subject;                /* that commit's subject line (NULL when not found) */
};

struct guard_result {
	int ranged;                   /* the revision was a range A..B */
	struct guard_offender *items; /* a tree: by path; a range: in commit order */
	size_t n;
	size_t files;                 /* files examined */
	size_t commits;               /* commits examined */
};

/*
 * guard_run examines rev. A range "A..B" (an empty side is HEAD): the files
 * added or changed by each commit reachable from B but not from A, that is,
 * each blob at a path none of the commit's parents has it at. One revision:
 * every file in its commit's tree, then the history is walked to find the
 * commit that added each offender. Files larger than max_size are
 * offenders without being read; others are read only as far as their
 * first bytes where the object store allows it. Returns 0 (the result may
 * list offenders; release it with guard_result_release), EXIT_USAGE after
 * a message when rev names no commits or is A...B, EXIT_FAIL after a
 * message when the repository cannot be read.
 */
int guard_run(git_repository *repo, const char *rev, unsigned long long max_size, struct guard_result *out);

/*
 * guard_start_gone handles a push whose range "A..B" starts at a commit
 * that is gone: A is the zero id (a new branch) or a full commit id the
 * repository does not have (a force-push's "before"). What B adds to the
 * default branch is guarded instead: *instead is "REF..B" with REF
 * refs/heads/<branch>, or else refs/remotes/<remote>/<branch> (remote may be
 * NULL), and *base that ref's short name ("main", "origin/main"). When B
 * is on that ref already (a force-push to the default branch itself),
 * *instead is B, its whole tree; when neither ref exists, too, with *base
 * NULL.
 * Returns 1 with *instead and *base set (the caller frees both); 0 when
 * rev is anything else (guard it as given: an unknown name stays an
 * error of guard_run); -1 after a message.
 */
int guard_start_gone(git_repository *repo, const char *rev, const char *branch, const char *remote,
		     char **instead, char **base);

/* guard_result_release frees the result's items. */
void guard_result_release(struct guard_result *r);

#endif /* RELEASER_GUARD_H */
