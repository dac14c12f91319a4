/* Author and committer of the releaser's commits and tags (see internal.h). */
#include "git/internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/common.h"

/* the value of $env when set and not empty, else config key, else NULL */
static char *lookup(git_config *cfg, const char *env, const char *key)
{
	const char *v = getenv(env);
	git_buf buf = { 0 };
	char *out = NULL;

	if (v && *v)
		return xstrdup(v);
	if (cfg && git_config_get_string_buf(&buf, cfg, key) == 0 && buf.size > 0)
		out = xstrdup(buf.ptr);
	git_buf_dispose(&buf);
	return out;
}

static int make_signature(git_signature **out, const char *who, const char *name, const char *email)
{
	return git_check(git_signature_now(out, name, email), "bad %s identity '%s <%s>'", who, name, email);
}

int identity_get(git_repository *repo, git_signature **author, git_signature **committer)
{
	git_config *cfg = NULL;
	char *aname = NULL, *aemail = NULL, *cname = NULL, *cemail = NULL;
	git_signature *a = NULL, *c = NULL;
	int ret = -1;

	if (git_repository_config_snapshot(&cfg, repo) < 0)
		cfg = NULL;
	aname = lookup(cfg, "RELEASER_AUTHOR_NAME", "user.name");
	aemail = lookup(cfg, "RELEASER_AUTHOR_EMAIL", "user.email");
	if (!aname || !aemail) {
		error("no identity for the commit: set user.name and user.email (git config), "
		      "or RELEASER_AUTHOR_NAME and RELEASER_AUTHOR_EMAIL");
		goto cleanup;
	}
	cname = lookup(NULL, "RELEASER_COMMITTER_NAME", NULL);
	cemail = lookup(NULL, "RELEASER_COMMITTER_EMAIL", NULL);
	if (make_signature(&a, "author", aname, aemail) < 0 ||
	    make_signature(&c, "committer", cname ? cname : aname, cemail ? cemail : aemail) < 0)
		goto cleanup;
	if (author) {
		*author = a;
		a = NULL;
	}
	if (committer) {
		*committer = c;
		c = NULL;
	}
	ret = 0;
cleanup:
	git_signature_free(a);
	git_signature_free(c);
	free(aname);
	free(aemail);
	free(cname);
	free(cemail);
	git_config_free(cfg);
	return ret;
}
