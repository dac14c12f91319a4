/* The builder and the source of a release, from the environment (see builder.h). */
#include "release/builder.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"

const char *uri_check(const char *s)
{
	const char *p = s;

	if (!isalpha((unsigned char)*p))
		return "it does not start with a scheme such as https:";
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':')
		return "it does not start with a scheme such as https:";
	if (!p[1])
		return "nothing follows its scheme";
	for (p = s; *p; p++) {
		if (*p == ' ')
			return "it holds a space";
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "it holds a control character";
	}
	return NULL;
}

/* a variable's value for messages: itself when printable, else a placeholder */
static const char *shown(const char *value)
{
	const char *p;

	for (p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "(with control characters)";
	return value;
}

/* an explicit URI setting: NULL when unset; -1 with why when not a URI */
static int read_uri(const char *name, char **out, char *why, size_t why_len)
{
	const char *value = getenv(name), *bad;

	*out = NULL;
	if (!value || !*value)
		return 0;
	bad = uri_check(value);
	if (bad) {
		snprintf(why, why_len, "%s '%s' is not a URI: %s (fix or unset it)", name, shown(value), bad);
		return -1;
	}
	*out = xstrdup(value);
	return 0;
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
 * a GitHub Actions variable that must be set, of allowed characters only
 * (NULL: anything but spaces and control characters): NULL with why otherwise
 */
static const char *github_var(const char *name, const char *allowed, char *why, size_t why_len)
{
	const char *value = getenv(name);

	if (!value || !*value) {
		snprintf(why, why_len, "GITHUB_ACTIONS is true but %s is not set: run under GitHub Actions, "
				       "or unset GITHUB_ACTIONS", name);
		return NULL;
	}
	if (allowed ? strspn(value, allowed) != strlen(value) : has_space(value)) {
		snprintf(why, why_len, "%s '%s' is not what GitHub Actions sets: fix or unset it", name,
			 shown(value));
		return NULL;
	}
	return value;
}

#define DIGITS "0123456789"
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" DIGITS "-_."

/* the builder of a GitHub Actions run; -1 with why */
static int load_github(struct builder *b, char *why, size_t why_len)
{
	const char *server, *repo, *workflow, *run, *attempt, *bad, *slash;
	const char *env_id = getenv("RELEASER_BUILDER_ID"), *env_source = getenv("RELEASER_SOURCE_URI");
	size_t server_len;

	if (!(server = github_var("GITHUB_SERVER_URL", NULL, why, why_len)) ||
	    !(repo = github_var("GITHUB_REPOSITORY", NAME_CHARS "/", why, why_len)) ||
	    !(workflow = github_var("GITHUB_WORKFLOW_REF", NULL, why, why_len)) ||
	    !(run = github_var("GITHUB_RUN_ID", DIGITS, why, why_len)) ||
	    !(attempt = github_var("GITHUB_RUN_ATTEMPT", DIGITS, why, why_len)))
		return -1;
	if ((bad = uri_check(server)) != NULL) {
		snprintf(why, why_len, "GITHUB_SERVER_URL '%s' is not a URI: %s (fix or unset it)", server, bad);
		return -1;
	}
	slash = strchr(repo, '/');
	if (!slash || slash == repo || !slash[1] || strchr(slash + 1, '/')) {
		snprintf(why, why_len, "GITHUB_REPOSITORY '%s' is not OWNER/REPO: fix or unset it", repo);
		return -1;
	}
	if (strncmp(workflow, repo, strlen(repo)) || workflow[strlen(repo)] != '/' || !strchr(workflow, '@')) {
		snprintf(why, why_len, "GITHUB_WORKFLOW_REF '%s' is not %s/PATH@REF: fix or unset it", workflow, repo);
		return -1;
	}
	server_len = strlen(server);
	while (server_len > 0 && server[server_len - 1] == '/')
		server_len--;
	b->id = xasprintf("%.*s/%s", (int)server_len, server, workflow);
	b->invocation_id = xasprintf("%.*s/%s/actions/runs/%s/attempts/%s", (int)server_len, server, repo, run, attempt);
	b->source_uri = xasprintf("%.*s/%s", (int)server_len, server, repo);
	if ((env_id && *env_id) || (env_source && *env_source))
		warning("RELEASER_BUILDER_ID and RELEASER_SOURCE_URI are ignored under GitHub Actions: "
			"the builder and the source come from its GITHUB_* variables");
	return 0;
}

int builder_load(struct builder *b, char *why, size_t why_len)
{
	const char *actions = getenv("GITHUB_ACTIONS");
	int rc;

	memset(b, 0, sizeof(*b));
	if (actions && !strcmp(actions, "true"))
		rc = load_github(b, why, why_len);
	else if ((rc = read_uri("RELEASER_BUILDER_ID", &b->id, why, why_len)) == 0)
		rc = read_uri("RELEASER_SOURCE_URI", &b->source_uri, why, why_len);
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
