/* The Go module's release tag (see gotag.h). */
#include "git/gotag.h"

#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "git/internal.h"

char *go_tag_name(const char *tag)
{
	return xasprintf(GO_MODULE_DIR "/%s", tag);
}

/* the release tag's commit into *tagged: it exists and is on main; 0 or an exit code after a message */
static int check_release_tag(git_repository *repo, const struct go_tag_opts *o, git_oid *tagged)
{
	char *ref = xasprintf("refs/tags/%s", o->tag);
	git_oid main_head;
	int rc = commit_resolve_oid(repo, ref, tagged);

	free(ref);
	if (rc < 0)
		return EXIT_FAIL;
	if (rc > 0)
		return error("tag '%s' does not exist: tag the release on '%s' first, or fetch tags (git fetch --tags)",
			     o->tag, o->main_branch), EXIT_USAGE;
	rc = branch_resolve(repo, o->main_branch, &main_head);
	if (rc == 1)
		return error("branch '%s' does not exist: fetch it", o->main_branch), EXIT_USAGE;
	if (rc == BRANCH_INVALID)
		return EXIT_USAGE;
	if (rc < 0)
		return EXIT_FAIL;
	if (!git_oid_equal(&main_head, tagged) && git_graph_descendant_of(repo, &main_head, tagged) != 1)
		return error("tag '%s' is not on '%s': the Go module is tagged for main's releases only", o->tag,
			     o->main_branch), EXIT_USAGE;
	return EXIT_OK;
}

/* the annotated, maybe signed, tag object for the commit tagged; EXIT_OK or an exit code after a message */
static int write_go_tag(git_repository *repo, const struct go_tag_opts *o, const char *go_tag,
			const git_oid *tagged, git_oid *id)
{
	char sha[GIT_OID_HEXSZ + 1];
	git_signature *tagger = NULL;
	git_object *target = NULL;
	char *message;
	int ret = EXIT_FAIL;

	git_oid_tostr(sha, sizeof(sha), tagged);
	message = xasprintf("Go module %s %s\n\nrelease-tag: %s\nrelease-commit: %s\n", GO_MODULE_DIR, o->tag, o->tag,
			    sha);
	if (identity_get(repo, NULL, &tagger) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (git_check(git_object_lookup(&target, repo, tagged, GIT_OBJECT_COMMIT), "cannot read the commit to tag") < 0 ||
	    git_check(git_tag_annotation_create(id, repo, go_tag, target, tagger, message), "cannot write tag '%s'",
		      go_tag) < 0 ||
	    (o->signer && tag_sign_object(repo, o->signer, go_tag, id) < 0))
		goto cleanup;
	ret = EXIT_OK;
cleanup:
	git_object_free(target);
	git_signature_free(tagger);
	free(message);
	return ret;
}

int go_tag_run(git_repository *repo, const struct go_tag_opts *o, struct go_tag_result *r)
{
	char *ref = NULL, *log = NULL, have[SHORT_SHA_LEN + 1], want[SHORT_SHA_LEN + 1];
	git_oid tagged, existing, id;
	int rc, ret;

	memset(r, 0, sizeof(*r));
	r->go_tag = go_tag_name(o->tag);
	ref = xasprintf("refs/tags/%s", r->go_tag);
	if ((ret = check_release_tag(repo, o, &tagged)) != EXIT_OK)
		goto cleanup;
	git_oid_tostr(r->commit, sizeof(r->commit), &tagged);
	ret = EXIT_FAIL;
	rc = commit_resolve_oid(repo, ref, &existing);
	if (rc < 0)
		goto cleanup;
	if (rc == 0) {
		ret = EXIT_OK;
		if (git_oid_equal(&existing, &tagged))
			goto cleanup;
		oid_short(&existing, have);
		oid_short(&tagged, want);
		error("tag '%s' already exists on %s, not on %s (%s): delete it (git tag -d %s) and tag again",
		      r->go_tag, have, o->tag, want, r->go_tag);
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (o->signer && o->signer->prepare && o->signer->prepare(o->signer->ctx) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	log = xasprintf("releaser tag: Go module %s", r->go_tag);
	if ((ret = write_go_tag(repo, o, r->go_tag, &tagged, &id)) != EXIT_OK)
		goto cleanup;
	ret = EXIT_FAIL;
	if (ref_create(repo, ref, &id, log) != 0)
		goto cleanup;
	r->created = 1;
	ret = EXIT_OK;
cleanup:
	free(log);
	free(ref);
	return ret;
}

void go_tag_result_release(struct go_tag_result *r)
{
	free(r->go_tag);
	memset(r, 0, sizeof(*r));
}
