/* Fetching branches into remote-tracking refs with libgit2 (see internal.h). */
#include "git/internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/common.h"

static int credentials(git_credential **out, const char *url, const char *user_from_url,
		       unsigned int allowed, void *payload)
{
	(void)url;
	return remote_credentials(out, user_from_url, allowed, payload);
}

/* has[i]: whether the connected remote advertises refs/heads/<branches[i]> */
static int list_branches(git_remote *remote, const char *name, const char *const *branches, size_t n, int *has)
{
	const git_remote_head **heads;
	size_t count, i, k;
	char *ref;

	if (git_check(git_remote_ls(&heads, &count, remote), "cannot list the branches of '%s'", name) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		ref = xasprintf("refs/heads/%s", branches[i]);
		has[i] = 0;
		for (k = 0; k < count && !has[i]; k++)
			has[i] = !strcmp(heads[k]->name, ref);
		free(ref);
	}
	return 0;
}

int remote_fetch_branches(git_repository *repo, const char *remote_name, const char *const *branches, size_t n,
			  int *has)
{
	git_fetch_options opts;
	git_remote *remote = NULL;
	git_strarray specs = { NULL, 0 };
	int rc, tries = 0, ret = EXIT_FAIL;
	size_t i;

	git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
	opts.callbacks.credentials = credentials;
	opts.callbacks.payload = &tries;
	rc = git_remote_lookup(&remote, repo, remote_name);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
		error("no remote '%s': add it (git remote add %s URL) or name another with --remote", remote_name,
		      remote_name);
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (git_check(rc, "cannot read remote '%s'", remote_name) < 0 ||
	    git_check(git_remote_connect(remote, GIT_DIRECTION_FETCH, &opts.callbacks, NULL, NULL),
		      "cannot reach remote '%s' (check its URL: git remote get-url %s)", remote_name, remote_name) < 0 ||
	    list_branches(remote, remote_name, branches, n, has) < 0)
		goto cleanup;
	git_remote_disconnect(remote);
	specs.strings = xcalloc(n, sizeof(char *));
	for (i = 0; i < n; i++)
		if (has[i])
			specs.strings[specs.count++] = xasprintf("+refs/heads/%s:refs/remotes/%s/%s", branches[i],
								 remote_name, branches[i]);
	tries = 0;
	if (specs.count && git_check(git_remote_fetch(remote, &specs, &opts, "releaser mirror: fetch"),
				     "cannot fetch from '%s' (nothing was moved; run again)", remote_name) < 0)
		goto cleanup;
	ret = EXIT_OK;
cleanup:
	for (i = 0; i < specs.count; i++)
		free(specs.strings[i]);
	free(specs.strings);
	git_remote_free(remote);
	return ret;
}
