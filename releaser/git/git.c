/* libgit2 wrapper and checker (see git.h). */
#include "git/internal.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git/graph.h"
#include "lib/common.h"

int git_check(int rc, const char *fmt, ...)
{
	const git_error *e;
	va_list ap;

	if (rc >= 0)
		return 0;
	e = git_error_last();
	fprintf(stderr, "releaser: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", e && e->message ? e->message : "unknown libgit2 error");
	return -1;
}

int oid_from_hex(git_oid *oid, const char *hex)
{
	if (strlen(hex) != OID_HEX_LEN || git_oid_fromstr(oid, hex) < 0)
		return error("'%s' is not a full commit id", hex);
	return 0;
}

int peel_raw(git_odb *odb, git_oid *id)
{
	git_odb_object *obj = NULL;
	git_object_t type;
	const char *data;
	size_t len, depth;

	for (depth = 0; depth < 16; depth++) {
		if (git_check(git_odb_read_header(&len, &type, odb, id), "cannot read object %s", git_oid_tostr_s(id)) < 0)
			return -1;
		if (type == GIT_OBJECT_COMMIT)
			return 0;
		if (type != GIT_OBJECT_TAG)
			return 1;
		if (git_check(git_odb_read(&obj, odb, id), "cannot read tag %s", git_oid_tostr_s(id)) < 0)
			return -1;
		data = git_odb_object_data(obj);
		len = git_odb_object_size(obj);
		if (len < strlen("object ") + OID_HEX_LEN || strncmp(data, "object ", strlen("object ")) ||
		    git_oid_fromstrn(id, data + strlen("object "), OID_HEX_LEN) < 0) {
			git_error_clear();
			git_odb_object_free(obj);
			return error("tag object %s has no 'object' line: the repository is damaged (git fsck)",
				     git_oid_tostr_s(id));
		}
		git_odb_object_free(obj);
	}
	return 1;
}

/* set by repo_offline: the process reaches no remote */
static int offline;

void repo_offline(void)
{
	offline = 1;
}

struct mbedtls_x509_crt;

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

/*
 * Debian's libgit2 is built with mbedTLS, and git_libgit2_init() parses
 * the whole system CA bundle (about 140 certificates: 7-14 ms here, a
 * fifth of what `releaser info` costs) into the chain its TLS settings
 * verify servers with. This definition takes the place of mbedTLS's for
 * that call (the executable's symbols come first): after repo_offline it
 * parses nothing and leaves the chain empty, so a TLS connection would
 * fail to verify rather than go unchecked; otherwise it calls mbedTLS's
 * own. A libgit2 built with OpenSSL never calls it.
 */
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	int (*parse)(struct mbedtls_x509_crt *, const char *);

	if (offline)
		return 0;
	*(void **)&parse = dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
	return parse ? parse(chain, path) : -1;
}

void repo_close(git_repository *repo)
{
	if (!repo)
		return;
	git_repository_free(repo);
	git_libgit2_shutdown();
}

git_repository *repo_open(const char *path)
{
	git_repository *repo = NULL;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, path ? path : ".", 0, NULL) < 0) {
		git_libgit2_shutdown();
		error("not a git repository: '%s' (run it inside a clone, or use -C DIR)", path ? path : ".");
		return NULL;
	}
	return repo;
}

void oid_short(const git_oid *oid, char buf[SHORT_SHA_LEN + 1])
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), oid);
	memcpy(buf, hex, SHORT_SHA_LEN);
	buf[SHORT_SHA_LEN] = '\0';
}

int repo_head(git_repository *repo, struct head_info *h)
{
	git_reference *head = NULL, *target = NULL;
	struct graph g;
	git_oid id;
	int ret = -1, rc;

	memset(h, 0, sizeof(*h));
	memset(&g, 0, sizeof(g));
	rc = git_repository_head(&head, repo);
	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND)
		return error("HEAD has no commits yet: commit something first");
	if (git_check(rc, "cannot read HEAD") < 0)
		goto cleanup;
	if (!git_repository_head_detached(repo))
		h->branch = xstrdup(git_reference_shorthand(head));
	if (git_check(git_reference_resolve(&target, head), "cannot read HEAD") < 0 || graph_init(&g, repo) < 0)
		goto cleanup;
	git_oid_cpy(&id, git_reference_target(target));
	rc = peel_raw(g.odb, &id);
	if (rc != 0) {
		if (rc > 0)
			error("HEAD does not point at a commit");
		goto cleanup;
	}
	if (graph_load(&g, graph_node(&g, &id)) < 0)
		goto cleanup;
	git_oid_tostr(h->sha, sizeof(h->sha), &id);
	oid_short(&id, h->short_sha);
	h->commit_time = g.nodes[0].time;
	ret = 0;
cleanup:
	graph_release(&g);
	git_reference_free(target);
	git_reference_free(head);
	if (ret)
		head_info_release(h);
	return ret;
}

void head_info_release(struct head_info *h)
{
	free(h->branch);
	h->branch = NULL;
}

/*
 * name as a full commit id, a ref (git's rules: NAME, refs/NAME,
 * refs/tags/NAME, refs/heads/NAME, refs/remotes/NAME...) or an
 * abbreviated id, without reading the object: 0 with *out set, 1 when it
 * is none of these, -1 after a message (ambiguous)
 */
static int name_to_id(git_repository *repo, git_odb *odb, const char *name, git_oid *out)
{
	git_reference *ref = NULL, *target = NULL;
	size_t len = strlen(name);
	int found = 0, rc;
	git_oid prefix;

	if (len == OID_HEX_LEN && strspn(name, "0123456789abcdefABCDEF") == len && git_oid_fromstr(out, name) == 0)
		return git_odb_exists(odb, out) ? 0 : 1;
	if (git_reference_dwim(&ref, repo, name) == 0 && git_reference_resolve(&target, ref) == 0) {
		git_oid_cpy(out, git_reference_target(target));
		found = 1;
	}
	git_reference_free(target);
	git_reference_free(ref);
	git_error_clear();
	if (found)
		return 0;
	if (len < 4 || len >= OID_HEX_LEN || strspn(name, "0123456789abcdefABCDEF") != len ||
	    git_oid_fromstrn(&prefix, name, len) < 0) {
		git_error_clear();
		return 1;
	}
	rc = git_odb_exists_prefix(out, odb, &prefix, len);
	git_error_clear();
	if (rc == GIT_EAMBIGUOUS)
		return error("'%s' is ambiguous: give a full ref or commit id", name);
	return rc == 0 ? 0 : 1;
}

int commit_resolve_oid(git_repository *repo, const char *name, git_oid *out)
{
	git_object *obj = NULL, *commit = NULL;
	git_odb *odb = NULL;
	int rc, ret = -1;

	if (git_check(git_repository_odb(&odb, repo), "cannot open the object database") < 0)
		return -1;
	/* a name, a ref or an id: peeled raw, so a commit libgit2 cannot parse still resolves */
	rc = name_to_id(repo, odb, name, out);
	if (rc <= 0) {
		if (rc == 0 && (rc = peel_raw(odb, out)) > 0)
			error("'%s' does not point at a commit", name);
		ret = rc == 0 ? 0 : -1;
		goto cleanup;
	}
	/* any other revision (main~2, v1.0.0^{commit}, ...) through libgit2 */
	rc = git_revparse_single(&obj, repo, name);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC || rc == GIT_EAMBIGUOUS) {
		git_error_clear();
		ret = rc == GIT_EAMBIGUOUS ? error("'%s' is ambiguous: give a full ref or commit id", name) : 1;
		goto cleanup;
	}
	if (git_check(rc, "cannot read '%s'", name) < 0)
		goto cleanup;
	if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		error("'%s' does not point at a commit", name);
		goto cleanup;
	}
	git_oid_cpy(out, git_object_id(commit));
	ret = 0;
cleanup:
	git_object_free(commit);
	git_object_free(obj);
	git_odb_free(odb);
	return ret;
}

int commit_resolve(git_repository *repo, const char *name, char hex[OID_HEX_LEN + 1])
{
	git_oid oid;
	int rc = commit_resolve_oid(repo, name, &oid);

	if (rc == 0)
		git_oid_tostr(hex, OID_HEX_LEN + 1, &oid);
	return rc;
}

const char *repo_workdir(git_repository *repo)
{
	return git_repository_workdir(repo);
}

int repo_head_unborn(git_repository *repo)
{
	return git_repository_head_unborn(repo) == 1;
}

int repo_is_shallow(git_repository *repo)
{
	return git_repository_is_shallow(repo) == 1;
}

char *repo_remote_url(git_repository *repo, const char *name)
{
	git_config *cfg = NULL;
	git_buf url = { 0 };
	char *key = xasprintf("remote.%s.url", name), *ret = NULL;

	if (git_repository_config_snapshot(&cfg, repo) == 0 && git_config_get_string_buf(&url, cfg, key) == 0)
		ret = xstrdup(url.ptr);
	git_buf_dispose(&url);
	git_config_free(cfg);
	git_error_clear();
	free(key);
	return ret;
}

/* 1 when refname exists and commit is it or one of its ancestors, 0 when not, -1 after a message */
static int ref_contains(git_repository *repo, const char *refname, const git_oid *commit)
{
	git_oid tip;
	int rc = git_reference_name_to_id(&tip, repo, refname);

	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
		git_error_clear();
		return 0;
	}
	if (git_check(rc, "cannot read '%s'", refname) < 0)
		return -1;
	if (git_oid_equal(&tip, commit))
		return 1;
	rc = git_graph_descendant_of(repo, &tip, commit);
	return git_check(rc, "cannot walk the history of '%s'", refname) < 0 ? -1 : rc;
}

int branch_contains(git_repository *repo, const char *branch, const char *remote, const char *commit,
		    char *where, size_t len)
{
	char *refs[2];
	git_oid oid;
	int i, rc = 0;

	if (oid_from_hex(&oid, commit) < 0)
		return -1;
	refs[0] = xasprintf("refs/heads/%s", branch);
	refs[1] = remote ? xasprintf("refs/remotes/%s/%s", remote, branch) : NULL;
	for (i = 0; i < 2 && refs[i] && rc == 0; i++) {
		rc = ref_contains(repo, refs[i], &oid);
		if (rc == 1 && where)
			snprintf(where, len, "%s", refs[i]);
	}
	free(refs[0]);
	free(refs[1]);
	return rc;
}
