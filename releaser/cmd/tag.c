/*
 * releaser tag: on the debug branch, tag the debug release of one of main's
 * release tags (v1.0.1 -> v1.0.1-debug).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "git/debugtag.h"
#include "git/internal.h"
#include "git/identity.h"
#include "git/refs.h"
#include "sign/sign.h"
#include "sign/tagsign.h"
#include "lib/version.h"
#include "git/status.h"

static const char usage_text[] =
	"usage: releaser tag [--sign-key FILE] VERSION\n"
	"       releaser tag --allowed-signers PUBKEY\n"
	"\n"
	"On the debug branch, after releaser mirror: creates the annotated tag\n"
	"VERSION-debug for main's release tag VERSION (e.g. v1.0.1 -> v1.0.1-debug) on\n"
	"the commit of the debug branch that brought VERSION in. When the debug branch\n"
	"is exactly main's tagged commit, a marker commit that changes no file is\n"
	"added on it first, so the two tags never name the same commit. The tag\n"
	"message records main's tag and commit. Running it again is a no-op.\n"
	"\n"
	"  --sign-key FILE  sign the tag with the release key (minisign format): an SSH\n"
	"                   signature that git verify-tag checks with gpg.format=ssh\n"
	"  --allowed-signers PUBKEY\n"
	"                   print the allowed-signers line of the release public key,\n"
	"                   for gpg.ssh.allowedSignersFile; change nothing\n"
	"\n"
	"The tagger: $RELEASER_COMMITTER_NAME and $RELEASER_COMMITTER_EMAIL, else the\n"
	"author ($RELEASER_AUTHOR_NAME, $RELEASER_AUTHOR_EMAIL, else user.name and\n"
	"user.email).\n"
	"\n"
	"exit codes: 0 tagged (or already tagged there), 1 the tag or branch changed\n"
	"meanwhile, or writing failed, 2 bad usage, not on the debug branch, local\n"
	"changes, main's tag missing or not in the debug branch, the debug tag\n"
	"exists elsewhere, or the key cannot be used (missing, readable by others,\n"
	"wrong password)\n";

struct tag_job {
	const char *main_tag, *main_branch, *debug_branch;
	struct sign_key *key; /* sign with it when not NULL */
	char *debug_tag, *main_ref, *debug_ref, *branch_ref;
	git_oid tagged, main_head, head, target;
	int marker; /* target is a new marker commit on top of head */
};

static int contains(git_repository *repo, const git_oid *a, const git_oid *b)
{
	return git_oid_equal(a, b) || git_graph_descendant_of(repo, a, b) == 1;
}

static int job_init(struct tag_job *j, const char *version, const struct settings *s)
{
	struct version v, base;
	char buf[96];

	memset(j, 0, sizeof(*j));
	if (version_parse(version, &v) < 0) {
		error("'%s' is not a release version: give main's tag, like v1.0.1", version);
		return -1;
	}
	version_base(&v, &base);
	if (v.debug) {
		error("'%s' is a debug tag: give main's tag (%s)", version, version_format(&base, buf, sizeof(buf)));
		return -1;
	}
	j->main_tag = version;
	j->main_branch = s->main_branch;
	j->debug_branch = s->debug_branch;
	j->debug_tag = xasprintf("%s-debug", version);
	j->main_ref = xasprintf("refs/tags/%s", version);
	j->debug_ref = xasprintf("refs/tags/%s", j->debug_tag);
	j->branch_ref = xasprintf("refs/heads/%s", s->debug_branch);
	return 0;
}

static void job_release(struct tag_job *j)
{
	sign_key_free(j->key);
	free(j->debug_tag);
	free(j->main_ref);
	free(j->debug_ref);
	free(j->branch_ref);
}

/* HEAD on the debug branch, with no local changes; returns 0 or an exit code after a message */
static int check_head(git_repository *repo, struct tag_job *j)
{
	struct strlist dirty = { 0 };
	struct head_info h;
	int n, ret = EXIT_USAGE;

	if (repo_head(repo, &h) < 0)
		return EXIT_USAGE;
	git_oid_fromstr(&j->head, h.sha);
	if (!h.branch || strcmp(h.branch, j->debug_branch)) {
		error("not on the debug branch '%s' (HEAD is %s%s%s): git checkout %s", j->debug_branch,
		      h.branch ? "'" : "", h.branch ? h.branch : "detached", h.branch ? "'" : "", j->debug_branch);
		goto cleanup;
	}
	n = status_list(repo, 0, &dirty);
	if (n < 0) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	if (n > 0) {
		error("the work tree has local changes (%d file%s, first '%s'): commit or stash them", n,
		      n == 1 ? "" : "s", dirty.items[0] + 3);
		goto cleanup;
	}
	ret = EXIT_OK;
cleanup:
	strlist_clear(&dirty);
	head_info_release(&h);
	return ret;
}

/* main's tag exists, is on main and is in debug; returns 0 or an exit code after a message */
static int check_main_tag(git_repository *repo, struct tag_job *j)
{
	int rc = commit_resolve_oid(repo, j->main_ref, &j->tagged);

	if (rc < 0)
		return EXIT_FAIL;
	if (rc > 0)
		return error("tag '%s' does not exist: tag the release on '%s' first, or fetch tags (git fetch --tags)",
			     j->main_tag, j->main_branch), EXIT_USAGE;
	rc = branch_resolve(repo, j->main_branch, &j->main_head);
	if (rc == 1)
		return error("branch '%s' does not exist: fetch it", j->main_branch), EXIT_USAGE;
	if (rc == BRANCH_INVALID)
		return EXIT_USAGE;
	if (rc < 0)
		return EXIT_FAIL;
	if (!contains(repo, &j->main_head, &j->tagged))
		return error("tag '%s' is not on '%s': debug releases follow main's releases", j->main_tag,
			     j->main_branch), EXIT_USAGE;
	if (!contains(repo, &j->head, &j->tagged))
		return error("tag '%s' is not in '%s' yet: run releaser mirror first", j->main_tag, j->debug_branch),
		       EXIT_USAGE;
	return EXIT_OK;
}

/* where the tag goes, and whether it is there already (*done); returns 0 or an exit code after a message */
static int choose_target(git_repository *repo, struct tag_job *j, int *done)
{
	char sha[SHORT_SHA_LEN + 1];
	git_oid existing;
	int rc;

	*done = 0;
	rc = debug_tag_target(repo, &j->head, &j->main_head, &j->tagged, &j->target);
	if (rc < 0)
		return EXIT_FAIL;
	if (rc == DEBUG_TAG_PAST)
		return error("'%s' moved past '%s' without a commit of its own: tag a debug release right after "
			     "mirroring its release (see RELEASING.md)", j->debug_branch, j->main_tag), EXIT_USAGE;
	j->marker = rc == DEBUG_TAG_MARKER;
	rc = commit_resolve_oid(repo, j->debug_ref, &existing);
	if (rc < 0)
		return EXIT_FAIL;
	if (rc > 0)
		return EXIT_OK;
	if (!j->marker && git_oid_equal(&existing, &j->target)) {
		*done = 1;
		return EXIT_OK;
	}
	oid_short(&existing, sha);
	return error("tag '%s' already exists on %s: delete it (git tag -d %s) if it is wrong", j->debug_tag, sha,
		     j->debug_tag), EXIT_USAGE;
}

/* the annotated tag object (signed when asked), not yet referenced */
static int write_tag(git_repository *repo, struct tag_job *j, const git_signature *tagger, git_oid *id)
{
	char main_sha[GIT_OID_HEXSZ + 1];
	git_object *target = NULL;
	git_odb *odb = NULL;
	git_odb_object *raw = NULL;
	char *message = NULL, *sig = NULL, *signed_tag = NULL;
	size_t len;
	int ret = -1;

	git_oid_tostr(main_sha, sizeof(main_sha), &j->tagged);
	message = xasprintf("Debug release %s\n\nmain-tag: %s\nmain-commit: %s\n", j->debug_tag, j->main_tag, main_sha);
	if (git_check(git_object_lookup(&target, repo, &j->target, GIT_OBJECT_COMMIT), "cannot read the commit to tag") < 0 ||
	    git_check(git_tag_annotation_create(id, repo, j->debug_tag, target, tagger, message),
		      "cannot write tag '%s'", j->debug_tag) < 0)
		goto cleanup;
	if (j->key) {
		if (git_check(git_repository_odb(&odb, repo), "cannot open the object store") < 0 ||
		    git_check(git_odb_read(&raw, odb, id), "cannot read tag '%s' back", j->debug_tag) < 0 ||
		    tag_sign(j->key, git_odb_object_data(raw), git_odb_object_size(raw), &sig) < 0)
			goto cleanup;
		len = git_odb_object_size(raw) + strlen(sig);
		signed_tag = xmalloc(len);
		memcpy(signed_tag, git_odb_object_data(raw), git_odb_object_size(raw));
		memcpy(signed_tag + git_odb_object_size(raw), sig, strlen(sig));
		if (git_check(git_odb_write(id, odb, signed_tag, len, GIT_OBJECT_TAG), "cannot write the signed tag") < 0)
			goto cleanup;
	}
	ret = 0;
cleanup:
	free(signed_tag);
	free(sig);
	free(message);
	git_odb_object_free(raw);
	git_odb_free(odb);
	git_object_free(target);
	return ret;
}

/* write the marker and the tag, then move the refs; returns 0 or an exit code after a message */
static int create(git_repository *repo, struct tag_job *j)
{
	git_signature *tagger = NULL;
	git_oid tag_id;
	char *log = NULL;
	int rc, ret = EXIT_FAIL;

	if (identity_get(repo, NULL, &tagger) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (j->marker && debug_tag_marker(repo, &j->head, j->debug_tag, j->main_tag, tagger, &j->target) < 0)
		goto cleanup;
	if (write_tag(repo, j, tagger, &tag_id) < 0)
		goto cleanup;
	log = xasprintf("releaser tag: mark %s", j->debug_tag);
	if (j->marker && ref_move(repo, j->branch_ref, &j->target, &j->head, log) != 0)
		goto cleanup;
	rc = ref_create(repo, j->debug_ref, &tag_id, log);
	if (rc != 0) {
		if (j->marker && ref_move(repo, j->branch_ref, &j->head, &j->target, "releaser tag: undo marker") != 0)
			warning("'%s' keeps the marker commit: reset it (git reset --keep HEAD~1)", j->debug_branch);
		goto cleanup;
	}
	ret = EXIT_OK;
cleanup:
	free(log);
	git_signature_free(tagger);
	return ret;
}

static void print_result(const struct tag_job *j, const char *result)
{
	char target[GIT_OID_HEXSZ + 1], tagged[GIT_OID_HEXSZ + 1];

	printf("tag: %s\ncommit: %s\nmain-tag: %s\nmain-commit: %s\nmarker: %s\nresult: %s\n", j->debug_tag,
	       git_oid_tostr(target, sizeof(target), &j->target), j->main_tag,
	       git_oid_tostr(tagged, sizeof(tagged), &j->tagged), j->marker ? "yes" : "no", result);
}

static int print_allowed_signer(const char *pubkey, int args, const char *project)
{
	char *line;

	if (args != 0)
		return error("--allowed-signers takes no version"), EXIT_USAGE;
	line = tag_allowed_signer(pubkey, project);
	if (!line)
		return EXIT_USAGE;
	fputs(line, stdout);
	free(line);
	return EXIT_OK;
}

/* releaser tag [--sign-key FILE] VERSION: see usage_text */
int cmd_tag(int argc, char **argv, struct context *ctx)
{
	static const struct option longopts[] = {
		{ "sign-key", required_argument, NULL, 'k' },
		{ "allowed-signers", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tag_job j;
	const char *key = NULL, *pubkey = NULL;
	int c, done, ret;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'h')
			return fputs(usage_text, stdout), EXIT_OK;
		if (c == 'k')
			key = optarg;
		else if (c == 'a')
			pubkey = optarg;
		else
			return error("see releaser tag --help"), EXIT_USAGE;
	}
	if (pubkey)
		return print_allowed_signer(pubkey, argc - optind, ctx->settings.name);
	if (argc - optind != 1)
		return error("give one version, main's tag (releaser tag v1.0.1)"), EXIT_USAGE;
	if (job_init(&j, argv[optind], &ctx->settings) < 0)
		return EXIT_USAGE;
	if ((ret = check_head(ctx->repo, &j)) || (ret = check_main_tag(ctx->repo, &j)) ||
	    (ret = choose_target(ctx->repo, &j, &done)))
		goto cleanup;
	if (key && !done && !(j.key = sign_key_load(key))) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (done) {
		note("tag '%s' already names %.12s: nothing to do", j.debug_tag, git_oid_tostr_s(&j.target));
		print_result(&j, "exists");
		goto cleanup;
	}
	if ((ret = create(ctx->repo, &j)) != EXIT_OK)
		goto cleanup;
	print_result(&j, "created");
cleanup:
	job_release(&j);
	return ret;
}
