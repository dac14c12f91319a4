/*
 * The Go module's release tag. support/go is a Go module in a
 * subdirectory, so the go command finds its version vX.Y.Z under the tag
 * support/go/vX.Y.Z; that tag names the same commit as main's release tag
 * vX.Y.Z. `releaser tag --go` makes it, `releaser info` reports it, and a
 * release of vX.Y.Z is refused while support/go/vX.Y.Z names another
 * commit (release/state.h).
 */
#ifndef RELEASER_GOTAG_H
#define RELEASER_GOTAG_H

#include "git/git.h"
#include "git/tag.h"

/* the module's directory in the repository, and so its tags' prefix */
#define GO_MODULE_DIR "support/go"

struct go_tag_opts {
	const char *tag;                  /* main's release tag, e.g. "v1.0.1" */
	const char *main_branch;          /* the local branch it must be on */
	const struct tag_signer *signer;  /* NULL: an unsigned tag */
};

struct go_tag_result {
	char *go_tag;                     /* "support/go/<tag>" */
	char commit[OID_HEX_LEN + 1];     /* the commit both tags name */
	int created;                      /* 1: tagged now; 0: it was there already */
};

/* go_tag_name returns "support/go/<tag>" (caller frees). */
char *go_tag_name(const char *tag);

/*
 * go_tag_run creates the annotated tag support/go/<o->tag> (by the
 * committer of git/identity.c, message naming the release tag and commit,
 * signed through o->signer) on the commit o->tag names, which must be on
 * o->main_branch. Running it again is a no-op (r->created = 0). Fills *r
 * (release with go_tag_result_release). Returns EXIT_OK; EXIT_USAGE after
 * a message when the release tag is missing or not on main, the Go tag
 * names another commit, there is no identity or the signer's prepare
 * failed; EXIT_FAIL after a message when reading or writing failed or the
 * tag appeared meanwhile.
 */
int go_tag_run(git_repository *repo, const struct go_tag_opts *o, struct go_tag_result *r);

/* go_tag_result_release frees what go_tag_run allocated in r. */
void go_tag_result_release(struct go_tag_result *r);

#endif /* RELEASER_GOTAG_H */
