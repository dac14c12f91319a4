/* Compare-and-swap reference updates (see internal.h). */
#include "git/internal.h"

#include <stdlib.h>

#include "lib/common.h"

static int lost_race(int rc, const char *refname)
{
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS) {
		error("'%s' was changed by someone else meanwhile: nothing was moved, run again", refname);
		return 1;
	}
	if (rc == GIT_ELOCKED) {
		error("'%s' is locked by another process ('%s.lock'): nothing was moved, run again "
		      "when it is done", refname, refname);
		return 1;
	}
	return 0;
}

int ref_move(git_repository *repo, const char *refname, const git_oid *new_id,
	     const git_oid *old_id, const char *log_message)
{
	git_reference *ref = NULL;
	int rc;

	rc = git_reference_create_matching(&ref, repo, refname, new_id, 1, old_id, log_message);
	git_reference_free(ref);
	if (rc >= 0)
		return 0;
	if (lost_race(rc, refname))
		return 1;
	return git_check(rc, "cannot update '%s'", refname);
}

int ref_create(git_repository *repo, const char *refname, const git_oid *id, const char *log_message)
{
	git_reference *ref = NULL;
	int rc;

	rc = git_reference_create(&ref, repo, refname, id, 0, log_message);
	git_reference_free(ref);
	if (rc >= 0)
		return 0;
	if (lost_race(rc, refname))
		return 1;
	return git_check(rc, "cannot create '%s'", refname);
}

int branch_resolve(git_repository *repo, const char *branch, git_oid *id)
{
	char *name = xasprintf("refs/heads/%s", branch);
	int rc, valid = 0;

	if (git_reference_name_is_valid(&valid, name) < 0 || !valid) {
		git_error_clear();
		error("'%s' is not a valid branch name", branch);
		rc = BRANCH_INVALID;
	} else {
		rc = commit_resolve_oid(repo, name, id);
	}
	free(name);
	return rc;
}
