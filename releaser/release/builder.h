/*
 * Who builds a release, and from which repository: what provenance says
 * in runDetails and resolvedDependencies. The environment variables below
 * are read here and nowhere else.
 *
 * Under GitHub Actions (GITHUB_ACTIONS=true), SLSA's GitHub style:
 *   id             GITHUB_SERVER_URL/GITHUB_WORKFLOW_REF, e.g.
 *                  https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/tags/v1.2.3
 *   invocation_id  GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID/attempts/GITHUB_RUN_ATTEMPT
 *   source_uri     GITHUB_SERVER_URL/GITHUB_REPOSITORY (provenance adds "git+" and "@REF")
 * and RELEASER_BUILDER_ID and RELEASER_SOURCE_URI are ignored (with a
 * warning). Elsewhere: RELEASER_BUILDER_ID and RELEASER_SOURCE_URI when
 * set, else none (provenance then names a local run, and the release state
 * takes origin's URL).
 *
 * Every URI follows lib/url.h: refused (exit 2, naming the variable)
 * when it cannot be made safe, recorded without credentials otherwise;
 * RELEASER_SOURCE_URI and the GitHub repository are repository URLs
 * (https, http, ssh or git). A GITHUB_* variable with bytes that are not
 * UTF-8, a space or a control character is refused too.
 */
#ifndef RELEASER_BUILDER_H
#define RELEASER_BUILDER_H

#include <stddef.h>

struct builder {
	char *id;             /* runDetails.builder.id; NULL: a local run */
	char *invocation_id;  /* runDetails.metadata.invocationId; NULL when none */
	char *source_uri;     /* the repository's URI; NULL when not set */
};

/*
 * builder_load fills b (zeroed first) from the environment. Returns 0, or
 * -1 with b empty and the reason in why (no message), naming the variable
 * that is missing or not a URI and what to do. Release with
 * builder_release.
 */
int builder_load(struct builder *b, char *why, size_t why_len);

/* builder_release frees what b holds; safe on a zeroed struct. */
void builder_release(struct builder *b);

#endif /* RELEASER_BUILDER_H */
