/*
 * Who the releaser's commits and tags are by. Each half of an identity comes
 * from the environment first, then from the repository's git config:
 *
 *	author     $RELEASER_AUTHOR_NAME     $RELEASER_AUTHOR_EMAIL     user.name  user.email
 *	committer  $RELEASER_COMMITTER_NAME  $RELEASER_COMMITTER_EMAIL  (the author's)
 *
 * The committer also signs annotated tags (the tagger).
 */
#ifndef RELEASER_IDENTITY_H
#define RELEASER_IDENTITY_H

#include <git2.h>

/*
 * identity_get fills *author and *committer (either may be NULL when not
 * wanted) with signatures dated now. Returns 0, or -1 after one message
 * saying which setting to give. The caller frees them with
 * git_signature_free.
 */
int identity_get(git_repository *repo, git_signature **author, git_signature **committer);

#endif /* RELEASER_IDENTITY_H */
