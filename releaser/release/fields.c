/* The rules of a release identity's fields (see fields.h). */
#include "release/fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git/git.h"
#include "git/settings.h"
#include "lib/common.h"
#include "lib/text.h"
#include "lib/url.h"
#include "lib/version.h"

#define SNAPSHOT_MARK "SNAPSHOT-"

const char *fields_check_uri(const char *s)
{
	const char *why = NULL;
	char *url = url_normalize(s, URL_REPO, &why, NULL);
	int same = url && !strcmp(url, s);

	free(url);
	if (!url)
		return why;
	return same ? NULL : "it is not a repository URL as a release records it (no credentials, lower-case scheme and host)";
}

/* why[len] = "'VALUE' REASON"; returns field */
static const char *broken(const char *field, const char *value, const char *reason, char *why, size_t len)
{
	char *shown = term_escape(value);

	snprintf(why, len, "'%s' %s", shown, reason);
	free(shown);
	return field;
}

/*
 * a snapshot's version names its commit: its pre-release is
 * "SNAPSHOT-<commit>", or ends in ".SNAPSHOT-<commit>" after a
 * pre-release (lib/version.h, version_snapshot)
 */
static int snapshot_of(const struct version *v, const char *short_commit)
{
	size_t pre = strlen(v->pre), tail = strlen(SNAPSHOT_MARK) + strlen(short_commit);
	const char *at = v->pre + (pre >= tail ? pre - tail : 0);

	return pre >= tail && (at == v->pre || at[-1] == '.') && !strncmp(at, SNAPSHOT_MARK, strlen(SNAPSHOT_MARK)) &&
	       !strcmp(at + strlen(SNAPSHOT_MARK), short_commit);
}

static const char *check_ref(const struct release_ident *id, char *why, size_t len)
{
	const char *branch = id->ref + strlen("refs/heads/");

	if (!id->snapshot) {
		if (strncmp(id->ref, "refs/tags/", 10) || strcmp(id->ref + 10, id->version))
			return broken("ref", id->ref, "is not the ref of the release's tag (refs/tags/VERSION)", why,
				      len);
		return NULL;
	}
	if (strncmp(id->ref, "refs/heads/", 11) || !settings_branch_valid(branch))
		return broken("ref", id->ref,
			      "is not refs/heads/BRANCH with a branch name a release takes (a valid git branch "
			      "name without < > & \" ' ` | $ or backslash)", why, len);
	return NULL;
}

const char *fields_check(const struct release_ident *id, char *why, size_t len)
{
	const char *bad;
	struct version v;

	if ((bad = settings_check_project(id->project)) != NULL)
		return broken("project", id->project, bad, why, len);
	if (version_parse(id->version, &v) != 0)
		return broken("version", id->version, "is not a release version (vMAJOR.MINOR.PATCH[-PRERELEASE])",
			      why, len);
	if (id->snapshot != snapshot_of(&v, id->short_commit))
		return broken("version", id->version,
			      id->snapshot ? "is not the snapshot version of its commit (vX.Y.Z[-PRE.]SNAPSHOT-<commit>)"
					   : "is a snapshot version, but the release is not a snapshot",
			      why, len);
	if ((bad = check_ref(id, why, len)) != NULL)
		return bad;
	if (id->source_uri && (bad = fields_check_uri(id->source_uri)) != NULL) {
		char *shown = url_shown(id->source_uri); /* never a token in a message */

		snprintf(why, len, "'%s' is not a URI: %s", shown, bad);
		free(shown);
		return "source_uri";
	}
	return NULL;
}
