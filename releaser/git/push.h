/*
 * Pushing a branch with libgit2, never forcing: the remote's branch must be
 * an ancestor of ours (checked before anything is sent), and a refusal by
 * the remote is an error too.
 *
 * Credentials over HTTPS: $RELEASER_PUSH_TOKEN (user $RELEASER_PUSH_USER,
 * default "x-access-token"); over SSH: the ssh-agent.
 */
#ifndef RELEASER_PUSH_H
#define RELEASER_PUSH_H

#include <git2.h>

/*
 * push_branch pushes refs/heads/<branch> to the same name on remote_name.
 * Returns 0, or an exit code after one message: EXIT_USAGE when there is no
 * such remote, EXIT_FAIL when the push was rejected (non-fast-forward: the
 * remote has commits the branch lacks) or failed. Local refs are never
 * changed except the remote-tracking ref after a successful push.
 */
int push_branch(git_repository *repo, const char *remote_name, const char *branch);

#endif /* RELEASER_PUSH_H */
