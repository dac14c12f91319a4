/* Fast-forward-only pushes with libgit2 (see internal.h). */
#include "git/internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/common.h"

struct push_state {
	git_repository *repo;
	const char *remote, *branch;
	int rejected;         /* a message was printed: non-fast-forward or refused */
	int credential_tries;
};

/* before sending: every update must fast-forward the remote's ref */
static int negotiate(const git_push_update **updates, size_t len, void *payload)
{
	struct push_state *st = payload;
	size_t i;

	for (i = 0; i < len; i++) {
		const git_push_update *u = updates[i];

		if (git_oid_is_zero(&u->src) || git_oid_equal(&u->src, &u->dst))
			continue;
		if (git_graph_descendant_of(st->repo, &u->dst, &u->src) == 1)
			continue;
		error("push to '%s' rejected: its '%s' has commits that local '%s' lacks (non-fast-forward); "
		      "fetch, mirror again, then push", st->remote, u->dst_refname, st->branch);
		st->rejected = 1;
		return -1;
	}
	return 0;
}

/* after sending: the remote's verdict on each ref */
static int update_reference(const char *refname, const char *status, void *payload)
{
	struct push_state *st = payload;

	if (!status)
		return 0;
	error("push to '%s' rejected for '%s': %s", st->remote, refname, status);
	st->rejected = 1;
	return -1;
}

int remote_credentials(git_credential **out, const char *user_from_url, unsigned int allowed, int *tries)
{
	const char *token = getenv("RELEASER_PUSH_TOKEN");
	const char *user = getenv("RELEASER_PUSH_USER");

	if ((*tries)++ > 0)
		return GIT_PASSTHROUGH; /* the first answer was refused: do not loop */
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && token && *token)
		return git_credential_userpass_plaintext_new(out, user && *user ? user : "x-access-token", token);
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out, user_from_url ? user_from_url : "git");
	return GIT_PASSTHROUGH;
}

static int credentials(git_credential **out, const char *url, const char *user_from_url,
		       unsigned int allowed, void *payload)
{
	struct push_state *st = payload;

	(void)url;
	return remote_credentials(out, user_from_url, allowed, &st->credential_tries);
}

int push_branch(git_repository *repo, const char *remote_name, const char *branch)
{
	git_push_options opts;
	struct push_state st = { repo, remote_name, branch, 0, 0 };
	git_remote *remote = NULL;
	char *spec = xasprintf("refs/heads/%s:refs/heads/%s", branch, branch);
	git_strarray specs = { &spec, 1 };
	int rc, ret = EXIT_FAIL;

	git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
	rc = git_remote_lookup(&remote, repo, remote_name);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
		error("no remote '%s': add it (git remote add %s URL) or name another with --remote",
		      remote_name, remote_name);
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (git_check(rc, "cannot read remote '%s'", remote_name) < 0)
		goto cleanup;
	opts.callbacks.push_negotiation = negotiate;
	opts.callbacks.push_update_reference = update_reference;
	opts.callbacks.credentials = credentials;
	opts.callbacks.payload = &st;
	rc = git_remote_push(remote, &specs, &opts);
	if (st.rejected)
		goto cleanup;
	if (git_check(rc, "cannot push '%s' to '%s'", branch, remote_name) < 0)
		goto cleanup;
	ret = EXIT_OK;
cleanup:
	git_remote_free(remote);
	free(spec);
	return ret;
}
