/*
 * Moving and creating references safely: every update names the value the
 * caller last saw, so of two concurrent runs one wins and the other fails
 * with a message instead of overwriting the winner's work.
 */
#ifndef RELEASER_REFS_H
#define RELEASER_REFS_H

#include <git2.h>

/*
 * ref_move points refname (a full name, "refs/heads/debug") at new_id if it
 * still points at old_id (compare-and-swap under libgit2's ref lock).
 * Returns 0; 1 after a message when the ref moved or is locked by another
 * process (the caller exits EXIT_FAIL: run again); -1 after a message on
 * other errors.
 */
int ref_move(git_repository *repo, const char *refname, const git_oid *new_id,
	     const git_oid *old_id, const char *log_message);

/*
 * ref_create creates refname pointing at id; it must not exist yet.
 * Returns 0; 1 after a message when it appeared meanwhile or is locked;
 * -1 after a message on other errors.
 */
int ref_create(git_repository *repo, const char *refname, const git_oid *id, const char *log_message);

/*
 * branch_resolve is commit_resolve_oid for refs/heads/<branch>, the one
 * lookup of names that must be local branches. Returns 0 with *id set; 1
 * (nothing printed) when there is no such branch; BRANCH_INVALID after a
 * message when branch is not a valid branch name; -1 after a message.
 */
enum { BRANCH_INVALID = 2 };

int branch_resolve(git_repository *repo, const char *branch, git_oid *id);

#endif /* RELEASER_REFS_H */
