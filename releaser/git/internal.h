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

/*
 * peel_raw peels *id through annotated tags, each read raw (libgit2's
 * parsers refuse a malformed tagger line, as they refuse a malformed
 * author), and checks what it ends at without parsing it. Returns 0 when
 * that is a commit; 1 when it is something else; -1 after a message.
 */
int peel_raw(git_odb *odb, git_oid *id);

/* commit_resolve_oid is commit_resolve with the commit as an oid. */
int commit_resolve_oid(git_repository *repo, const char *name, git_oid *out);

struct tag_signer;

/*
 * tag_sign_object (tag.c) replaces the tag object *id (named name, for
 * messages) by the same object with s's signature appended; *id becomes
 * the signed object's. Returns 0 or -1 after a message.
 */
int tag_sign_object(git_repository *repo, const struct tag_signer *s, const char *name, git_oid *id);

/*
 * Reference updates (refs.c): every update names the value the caller last
 * saw, so of two concurrent runs one wins and the other fails with a
 * message instead of overwriting the winner's work.
 */

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

/*
 * identity_get (identity.c) fills *author and *committer (either may be
 * NULL when not wanted) with signatures dated now. Each half of an identity
 * comes from the environment first, then from the repository's config:
 *
 *	author     $RELEASER_AUTHOR_NAME     $RELEASER_AUTHOR_EMAIL     user.name  user.email
 *	committer  $RELEASER_COMMITTER_NAME  $RELEASER_COMMITTER_EMAIL  (the author's)
 *
 * The committer also signs annotated tags (the tagger). Returns 0, or -1
 * after one message saying which setting to give. The caller frees them
 * with git_signature_free.
 */
int identity_get(git_repository *repo, git_signature **author, git_signature **committer);

/*
 * push_branch (push.c) pushes refs/heads/<branch> to the same name on
 * remote_name, never forcing: the remote's branch must be an ancestor of
 * ours (checked before anything is sent), and a refusal by the remote is
 * an error too. Credentials over HTTPS: $RELEASER_PUSH_TOKEN (user
 * $RELEASER_PUSH_USER, default "x-access-token"); over SSH: the ssh-agent.
 * Returns 0, or an exit code after one message: EXIT_USAGE when there is
 * no such remote, EXIT_FAIL when the push was rejected or failed. Local
 * refs are never changed except the remote-tracking ref after a push.
 */
int push_branch(git_repository *repo, const char *remote_name, const char *branch);

/*
 * debug_marker_is (tag.c) tells whether c is a marker commit as
 * debug_tag_run writes it (see tag.h): one parent, the parent's tree, and
 * exactly the marker's message for that parent. Returns 1 or 0; an
 * unreadable parent counts as 0.
 */
int debug_marker_is(const git_commit *c);

/*
 * remote_credentials (push.c) answers libgit2's credentials callback for
 * pushes and fetches alike: over HTTPS $RELEASER_PUSH_TOKEN (user
 * $RELEASER_PUSH_USER, default "x-access-token"), over SSH the ssh-agent;
 * *tries counts the calls, so a refused answer is not offered again.
 */
int remote_credentials(git_credential **out, const char *user_from_url, unsigned int allowed, int *tries);

/*
 * remote_fetch_branches (fetch.c) asks remote_name which of the n branches
 * it has (has[i] = 1 or 0) and fetches those into
 * refs/remotes/<remote_name>/<branch>, as git fetch updates remote-tracking
 * refs (forced; tags pointing into what was fetched come along). Local
 * branches, HEAD, the index and the work tree are never touched. Returns 0,
 * or an exit code after one message: EXIT_USAGE when there is no such
 * remote, EXIT_FAIL when it cannot be reached or the fetch failed.
 */
int remote_fetch_branches(git_repository *repo, const char *remote_name, const char *const *branches, size_t n,
			  int *has);

/*
 * debug_start_message (mirror.c) is the whole message of the debug
 * branch's first commit as releaser mirror --init writes it, for branch
 * debug started from main_branch at parent (caller frees).
 */
char *debug_start_message(const char *debug, const char *main_branch, const git_oid *parent);

/*
 * debug_start_message_is (mirror.c) tells whether msg is exactly
 * debug_start_message of some pair of branch names and parent. Returns 1
 * or 0; msg is any text (a commit's message, from outside).
 */
int debug_start_message_is(const char *msg, const git_oid *parent);

/*
 * debug_start_is (mirror.c) tells whether c is the first commit of the
 * debug branch as releaser mirror --init writes it: one parent, the
 * parent's tree, and exactly the message it writes. Returns 1 or 0; an
 * unreadable parent counts as 0.
 */
int debug_start_is(const git_commit *c);

struct strlist;

/*
 * drift_find (drift.c) appends to out every path that debug changed since
 * it last took main (their merge base), that differs between debug and
 * main, and that drift_allowed does not allow. Returns 0, or -1 after a
 * message.
 */
int drift_find(git_repository *repo, const git_oid *main_id, const git_oid *debug_id,
	       const struct strlist *allow, struct strlist *out);

#endif /* RELEASER_GIT_INTERNAL_H */
