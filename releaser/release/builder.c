/* The builder and the source of a release, from the environment (see builder.h). */
#include "release/builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "lib/text.h"
#include "lib/url.h"

/* a variable's value for messages: a placeholder when it is not printable text, credentials hidden */
static void why_value(char *why, size_t why_len, const char *name, const char *value, const char *is_not,
		      const char *bad)
{
	const char *p;
	char *shown = NULL;

	if (!utf8_valid(value, strlen(value))) {
		p = "(with bytes that are not UTF-8)";
	} else {
		for (p = value; *p && (unsigned char)*p >= 0x20 && *p != 0x7f; p++)
			;
		p = *p ? "(with control characters)" : (shown = url_shown(value));
	}
	snprintf(why, why_len, "%s '%s' is not %s: %s (fix or unset it)", name, p, is_not, bad);
	free(shown);
}

/*
 * value as lib/url.h records it (caller frees): NULL with why naming the
 * variable when it cannot be; dropped credentials are warned about
 */
static char *url_of(const char *name, const char *value, enum url_kind kind, char *why, size_t why_len)
{
	const char *bad;
	int stripped;
	char *url = url_normalize(value, kind, &bad, &stripped);

	if (!url)
		why_value(why, why_len, name, value, "a URI", bad);
	else if (stripped)
		warning("%s holds credentials: they are left out of the release", name);
	return url;
}

/* an explicit URI setting: NULL when unset; -1 with why when not a URI */
static int read_uri(const char *name, enum url_kind kind, char **out, char *why, size_t why_len)
{
	const char *value = getenv(name);

	*out = NULL;
	if (!value || !*value)
		return 0;
	*out = url_of(name, value, kind, why, why_len);
	return *out ? 0 : -1;
}

/* whether s holds a space or a control character */
static int has_space(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/*
 * a GitHub Actions variable that must be set, UTF-8 without spaces or
 * control characters, and of allowed characters only (NULL: any): NULL
 * with why otherwise
 */
static const char *github_var(const char *name, const char *allowed, char *why, size_t why_len)
{
	const char *value = getenv(name), *bad = NULL;

	if (!value || !*value) {
		snprintf(why, why_len, "GITHUB_ACTIONS is true but %s is not set: run under GitHub Actions, "
				       "or unset GITHUB_ACTIONS", name);
		return NULL;
	}
	if (!utf8_valid(value, strlen(value)))
		bad = "it holds bytes that are not UTF-8";
	else if (has_space(value))
		bad = "it holds a space or a control character";
	else if (allowed && strspn(value, allowed) != strlen(value))
		bad = "it holds a character GitHub Actions never puts there";
	if (bad) {
		why_value(why, why_len, name, value, "what GitHub Actions sets", bad);
		return NULL;
	}
	return value;
}

#define DIGITS "0123456789"
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" DIGITS "-_."

/* the builder of a GitHub Actions run; -1 with why */
static int load_github(struct builder *b, char *why, size_t why_len)
{
	const char *server, *repo, *workflow, *run, *attempt, *slash;
	const char *env_id = getenv("RELEASER_BUILDER_ID"), *env_source = getenv("RELEASER_SOURCE_URI");
	char *base = NULL, *s = NULL;
	size_t len;
	int ret = -1;

	if (!(server = github_var("GITHUB_SERVER_URL", NULL, why, why_len)) ||
	    !(repo = github_var("GITHUB_REPOSITORY", NAME_CHARS "/", why, why_len)) ||
	    !(workflow = github_var("GITHUB_WORKFLOW_REF", NULL, why, why_len)) ||
	    !(run = github_var("GITHUB_RUN_ID", DIGITS, why, why_len)) ||
	    !(attempt = github_var("GITHUB_RUN_ATTEMPT", DIGITS, why, why_len)))
		return -1;
	base = url_of("GITHUB_SERVER_URL", server, URL_URI, why, why_len);
	if (!base)
		return -1;
	slash = strchr(repo, '/');
	if (!slash || slash == repo || !slash[1] || strchr(slash + 1, '/')) {
		snprintf(why, why_len, "GITHUB_REPOSITORY '%s' is not OWNER/REPO: fix or unset it", repo);
		goto cleanup;
	}
	if (strncmp(workflow, repo, strlen(repo)) || workflow[strlen(repo)] != '/' || !strchr(workflow, '@')) {
		snprintf(why, why_len, "GITHUB_WORKFLOW_REF '%s' is not %s/PATH@REF: fix or unset it", workflow, repo);
		goto cleanup;
	}
	len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		len--;
	base[len] = '\0';
	s = xasprintf("%s/%s", base, repo);
	b->source_uri = url_of("GITHUB_SERVER_URL", s, URL_REPO, why, why_len);
	free(s);
	s = xasprintf("%s/%s", base, workflow);
	b->id = url_of("GITHUB_WORKFLOW_REF", s, URL_URI, why, why_len);
	free(s);
	s = xasprintf("%s/%s/actions/runs/%s/attempts/%s", base, repo, run, attempt);
	b->invocation_id = url_of("GITHUB_SERVER_URL", s, URL_URI, why, why_len);
	free(s);
	if (!b->source_uri || !b->id || !b->invocation_id)
		goto cleanup;
	if ((env_id && *env_id) || (env_source && *env_source))
		warning("RELEASER_BUILDER_ID and RELEASER_SOURCE_URI are ignored under GitHub Actions: "
			"the builder and the source come from its GITHUB_* variables");
	ret = 0;
cleanup:
	free(base);
	return ret;
}

int builder_load(struct builder *b, char *why, size_t why_len)
{
	const char *actions = getenv("GITHUB_ACTIONS");
	int rc;

	memset(b, 0, sizeof(*b));
	if (actions && !strcmp(actions, "true"))
		rc = load_github(b, why, why_len);
	else if ((rc = read_uri("RELEASER_BUILDER_ID", URL_URI, &b->id, why, why_len)) == 0)
		rc = read_uri("RELEASER_SOURCE_URI", URL_REPO, &b->source_uri, why, why_len);
	if (rc < 0)
		builder_release(b);
	return rc;
}

void builder_release(struct builder *b)
{
	free(b->id);
	free(b->invocation_id);
	free(b->source_uri);
	memset(b, 0, sizeof(*b));
}
