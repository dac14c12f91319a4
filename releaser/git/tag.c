/* Finding, creating and signing the debug release tag (see tag.h). */
#include "git/tag.h"

#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "lib/strlist.h"
#include "git/internal.h"
#include "git/status.h"

/* where the tag goes (see debug_tag_target) */
enum { DEBUG_TAG_FOUND, DEBUG_TAG_MARKER, DEBUG_TAG_PAST };

struct tag_job {
	const struct debug_tag_opts *o;
	const char *debug_tag;
	char *main_ref, *debug_ref, *branch_ref;
	git_oid tagged, main_head, head, target;
	int marker; /* target is a new marker commit on top of head (late: of tagged) */
	int late;   /* debug moved past tagged: the marker is merged into debug */
	git_oid merge; /* late: the merge commit debug moves to */
};

/* whether a contains b (a is b or descends from it) */
static int contains(git_repository *repo, const git_oid *a, const git_oid *b)
{
	return git_oid_equal(a, b) || git_graph_descendant_of(repo, a, b) == 1;
}

/*
 * the earliest commit on head's first-parent line that contains tagged and
 * is not on main: DEBUG_TAG_FOUND with *target; DEBUG_TAG_MARKER when there
 * is none and head is tagged; DEBUG_TAG_PAST when there is none and head
 * moved on; -1 after a message
 */
static int debug_tag_target(git_repository *repo, const git_oid *head, const git_oid *main_head,
			    const git_oid *tagged, git_oid *target)
{
	git_commit *c = NULL, *parent = NULL;
	int found = 0, ret = -1;

	if (git_check(git_commit_lookup(&c, repo, head), "cannot read the debug branch's commit") < 0)
		return -1;
	while (contains(repo, git_commit_id(c), tagged)) {
		if (!contains(repo, main_head, git_commit_id(c))) {
			git_oid_cpy(target, git_commit_id(c));
			found = 1;
		}
		if (git_commit_parentcount(c) == 0)
			break;
		if (git_check(git_commit_parent(&parent, c, 0), "cannot read a commit's parent") < 0)
			goto cleanup;
		git_commit_free(c);
		c = parent;
		parent = NULL;
	}
	if (found)
		ret = DEBUG_TAG_FOUND;
	else
		ret = git_oid_equal(head, tagged) ? DEBUG_TAG_MARKER : DEBUG_TAG_PAST;
cleanup:
	git_commit_free(c);
	return ret;
}

#define MARKER_SUBJECT "Mark debug release "

/* the marker commit's whole message, for debug_tag on top of main_tag's commit parent (caller frees) */
static char *marker_message(const char *debug_tag, const char *main_tag, const git_oid *parent)
{
	char sha[GIT_OID_HEXSZ + 1];

	git_oid_tostr(sha, sizeof(sha), parent);
	return xasprintf(MARKER_SUBJECT "%s\n\n"
			 "%s is %s (%s) built as a debug release. This commit changes\n"
			 "no file; it keeps the two tags on different commits.\n",
			 debug_tag, debug_tag, main_tag, sha);
}

int debug_marker_is(const git_commit *c)
{
	const char *msg = git_commit_message_raw(c), *end;
	git_commit *parent = NULL;
	char *debug_tag = NULL, *main_tag = NULL, *want = NULL;
	size_t len;
	int ret = 0;

	if (debug_start_is(c))
		return 1;
	if (git_commit_parentcount(c) != 1 || strncmp(msg, MARKER_SUBJECT, strlen(MARKER_SUBJECT)))
		return 0;
	msg += strlen(MARKER_SUBJECT);
	end = strchr(msg, '\n');
	len = end ? (size_t)(end - msg) : strlen(msg);
	if (len <= strlen("-debug") || strncmp(msg + len - strlen("-debug"), "-debug", strlen("-debug")))
		return 0;
	debug_tag = xasprintf("%.*s", (int)len, msg);
	main_tag = xasprintf("%.*s", (int)(len - strlen("-debug")), msg);
	want = marker_message(debug_tag, main_tag, git_commit_parent_id(c, 0));
	if (strcmp(git_commit_message_raw(c), want) || git_commit_parent(&parent, c, 0) < 0)
		goto cleanup;
	ret = git_oid_equal(git_commit_tree_id(c), git_commit_tree_id(parent));
cleanup:
	git_commit_free(parent);
	free(want);
	free(main_tag);
	free(debug_tag);
	return ret;
}

/* write (moving no ref) the marker commit on top of head, with head's tree; 0 or -1 after a message */
static int debug_tag_marker(git_repository *repo, const git_oid *head, const char *debug_tag,
			    const char *main_tag, const git_signature *committer, git_oid *marker)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	char *message = NULL;
	int ret = -1;

	message = marker_message(debug_tag, main_tag, head);
	if (git_check(git_commit_lookup(&parent, repo, head), "cannot read the debug branch's commit") < 0 ||
	    git_check(git_commit_tree(&tree, parent), "cannot read the debug branch's tree") < 0 ||
	    git_check(git_commit_create_v(marker, repo, NULL, committer, committer, NULL, message, tree, 1, parent),
		      "cannot write the marker commit") < 0)
		goto cleanup;
	ret = 0;
cleanup:
	free(message);
	git_tree_free(tree);
	git_commit_free(parent);
	return ret;
}

/*
 * late: the merge commit (parents head and the marker, head's tree: the
 * marker changes nothing of it) that brings the marker into debug; written
 * without moving a ref; 0 or -1 after a message
 */
static int late_merge(git_repository *repo, struct tag_job *j, const git_signature *committer)
{
	git_commit *ours = NULL, *marker = NULL;
	git_tree *tree = NULL;
	char sha[GIT_OID_HEXSZ + 1];
	char *message;
	int ret = -1;

	git_oid_tostr(sha, sizeof(sha), &j->tagged);
	message = xasprintf("Merge the marker of %s into %s\n\n"
			    "'%s' had moved past %s (%s) without a commit of its own;\n"
			    "this merge brings in the marker commit that %s names.\n"
			    "It changes no file.\n",
			    j->debug_tag, j->o->debug_branch, j->o->debug_branch, j->o->main_tag, sha, j->debug_tag);
	if (git_check(git_commit_lookup(&ours, repo, &j->head), "cannot read the debug branch's commit") < 0 ||
	    git_check(git_commit_lookup(&marker, repo, &j->target), "cannot read the marker commit") < 0 ||
	    git_check(git_commit_tree(&tree, ours), "cannot read the debug branch's tree") < 0 ||
	    git_check(git_commit_create_v(&j->merge, repo, NULL, committer, committer, NULL, message, tree, 2, ours,
					  marker),
		      "cannot write the merge commit") < 0)
		goto cleanup;
	ret = 0;
cleanup:
	free(message);
	git_tree_free(tree);
	git_commit_free(marker);
	git_commit_free(ours);
	return ret;
}

/* HEAD on the debug branch, with no local changes; returns 0 or an exit code after a message */
static int check_head(git_repository *repo, struct tag_job *j)
{
	const char *debug = j->o->debug_branch;
	struct strlist dirty = { 0 };
	struct head_info h;
	int n, ret = EXIT_USAGE;

	if (repo_head(repo, &h) < 0)
		return EXIT_USAGE;
	if (oid_from_hex(&j->head, h.sha) < 0) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	if (!h.branch || strcmp(h.branch, debug)) {
		error("not on the debug branch '%s' (HEAD is %s%s%s): git checkout %s", debug, h.branch ? "'" : "",
		      h.branch ? h.branch : "detached", h.branch ? "'" : "", debug);
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
	const char *main_tag = j->o->main_tag, *main_branch = j->o->main_branch;
	int rc = commit_resolve_oid(repo, j->main_ref, &j->tagged);

	if (rc < 0)
		return EXIT_FAIL;
	if (rc > 0)
		return error("tag '%s' does not exist: tag the release on '%s' first, or fetch tags (git fetch --tags)",
			     main_tag, main_branch), EXIT_USAGE;
	rc = branch_resolve(repo, main_branch, &j->main_head);
	if (rc == 1)
		return error("branch '%s' does not exist: fetch it", main_branch), EXIT_USAGE;
	if (rc == BRANCH_INVALID)
		return EXIT_USAGE;
	if (rc < 0)
		return EXIT_FAIL;
	if (!contains(repo, &j->main_head, &j->tagged))
		return error("tag '%s' is not on '%s': debug releases follow main's releases", main_tag,
			     main_branch), EXIT_USAGE;
	if (!contains(repo, &j->head, &j->tagged))
		return error("tag '%s' is not in '%s' yet: run releaser mirror first", main_tag, j->o->debug_branch),
		       EXIT_USAGE;
	return EXIT_OK;
}

/* whether id is the marker of this release: on the tagged commit, and in debug */
static int is_own_marker(git_repository *repo, const struct tag_job *j, const git_oid *id)
{
	git_commit *c = NULL;
	char *want;
	int ret = 0;

	if (git_commit_lookup(&c, repo, id) < 0) {
		git_error_clear();
		return 0;
	}
	want = marker_message(j->debug_tag, j->o->main_tag, &j->tagged);
	if (git_commit_parentcount(c) == 1 && git_oid_equal(git_commit_parent_id(c, 0), &j->tagged) &&
	    !strcmp(git_commit_message_raw(c), want) && debug_marker_is(c))
		ret = contains(repo, &j->head, id);
	free(want);
	git_commit_free(c);
	return ret;
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
	j->marker = rc == DEBUG_TAG_MARKER;
	j->late = rc == DEBUG_TAG_PAST;
	if (j->late)
		j->marker = 1;
	rc = commit_resolve_oid(repo, j->debug_ref, &existing);
	if (rc < 0)
		return EXIT_FAIL;
	if (rc == 0 && ((!j->marker && git_oid_equal(&existing, &j->target)) || is_own_marker(repo, j, &existing))) {
		git_oid_cpy(&j->target, &existing);
		j->marker = j->late = 0;
		*done = 1;
		return EXIT_OK;
	}
	if (j->late && !j->o->late)
		return error("'%s' moved past '%s' without a commit of its own: tag it with releaser tag --late %s "
			     "(RELEASING.md, When debug moved past the release)", j->o->debug_branch, j->o->main_tag,
			     j->o->main_tag), EXIT_USAGE;
	if (rc > 0)
		return EXIT_OK;
	oid_short(&existing, sha);
	return error("tag '%s' already exists on %s: delete it (git tag -d %s) if it is wrong", j->debug_tag, sha,
		     j->debug_tag), EXIT_USAGE;
}

int tag_sign_object(git_repository *repo, const struct tag_signer *s, const char *name, git_oid *id)
{
	git_odb *odb = NULL;
	git_odb_object *raw = NULL;
	char *sig = NULL, *signed_tag = NULL;
	size_t size, len;
	int ret = -1;

	if (git_check(git_repository_odb(&odb, repo), "cannot open the object store") < 0 ||
	    git_check(git_odb_read(&raw, odb, id), "cannot read tag '%s' back", name) < 0)
		goto cleanup;
	size = git_odb_object_size(raw);
	if (s->sign(s->ctx, git_odb_object_data(raw), size, &sig) < 0)
		goto cleanup;
	len = size + strlen(sig);
	signed_tag = xmalloc(len);
	memcpy(signed_tag, git_odb_object_data(raw), size);
	memcpy(signed_tag + size, sig, strlen(sig));
	if (git_check(git_odb_write(id, odb, signed_tag, len, GIT_OBJECT_TAG), "cannot write the signed tag") < 0)
		goto cleanup;
	ret = 0;
cleanup:
	free(signed_tag);
	free(sig);
	git_odb_object_free(raw);
	git_odb_free(odb);
	return ret;
}

/* the annotated tag object (signed when asked), not yet referenced */
static int write_tag(git_repository *repo, const struct tag_job *j, const git_signature *tagger, git_oid *id)
{
	char main_sha[GIT_OID_HEXSZ + 1];
	git_object *target = NULL;
	char *message = NULL;
	int ret = -1;

	git_oid_tostr(main_sha, sizeof(main_sha), &j->tagged);
	message = xasprintf("Debug release %s\n\nmain-tag: %s\nmain-commit: %s\n", j->debug_tag, j->o->main_tag,
			    main_sha);
	if (git_check(git_object_lookup(&target, repo, &j->target, GIT_OBJECT_COMMIT), "cannot read the commit to tag") < 0 ||
	    git_check(git_tag_annotation_create(id, repo, j->debug_tag, target, tagger, message),
		      "cannot write tag '%s'", j->debug_tag) < 0 ||
	    (j->o->signer && tag_sign_object(repo, j->o->signer, j->debug_tag, id) < 0))
		goto cleanup;
	ret = 0;
cleanup:
	free(message);
	git_object_free(target);
	return ret;
}

/* write the marker and the tag, then move the refs; returns 0 or an exit code after a message */
static int create(git_repository *repo, struct tag_job *j)
{
	git_signature *tagger = NULL;
	git_oid tag_id, tip;
	char *log = NULL;
	int rc, ret = EXIT_FAIL;

	if (identity_get(repo, NULL, &tagger) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (j->marker && debug_tag_marker(repo, j->late ? &j->tagged : &j->head, j->debug_tag, j->o->main_tag,
					  tagger, &j->target) < 0)
		goto cleanup;
	if (j->late && late_merge(repo, j, tagger) < 0)
		goto cleanup;
	git_oid_cpy(&tip, j->late ? &j->merge : &j->target);
	if (write_tag(repo, j, tagger, &tag_id) < 0)
		goto cleanup;
	log = xasprintf("releaser tag: mark %s", j->debug_tag);
	if (j->marker && ref_move(repo, j->branch_ref, &tip, &j->head, log) != 0)
		goto cleanup;
	rc = ref_create(repo, j->debug_ref, &tag_id, log);
	if (rc != 0) {
		if (j->marker && ref_move(repo, j->branch_ref, &j->head, &tip, "releaser tag: undo marker") != 0)
			warning("'%s' keeps the marker commit: reset it (git reset --keep HEAD~1)", j->o->debug_branch);
		goto cleanup;
	}
	ret = EXIT_OK;
cleanup:
	free(log);
	git_signature_free(tagger);
	return ret;
}

int debug_tag_run(git_repository *repo, const struct debug_tag_opts *o, struct debug_tag_result *r)
{
	struct tag_job j;
	int done, ret;

	memset(r, 0, sizeof(*r));
	memset(&j, 0, sizeof(j));
	r->debug_tag = xasprintf("%s-debug", o->main_tag);
	j.o = o;
	j.debug_tag = r->debug_tag;
	j.main_ref = xasprintf("refs/tags/%s", o->main_tag);
	j.debug_ref = xasprintf("refs/tags/%s", j.debug_tag);
	j.branch_ref = xasprintf("refs/heads/%s", o->debug_branch);
	if ((ret = check_head(repo, &j)) || (ret = check_main_tag(repo, &j)) || (ret = choose_target(repo, &j, &done)))
		goto cleanup;
	if (!done && o->signer && o->signer->prepare && o->signer->prepare(o->signer->ctx) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (!done && (ret = create(repo, &j)) != EXIT_OK)
		goto cleanup;
	r->created = !done;
	r->marker = j.marker;
	if (j.late && !done)
		git_oid_tostr(r->merge, sizeof(r->merge), &j.merge);
	git_oid_tostr(r->commit, sizeof(r->commit), &j.target);
	git_oid_tostr(r->main_commit, sizeof(r->main_commit), &j.tagged);
cleanup:
	free(j.main_ref);
	free(j.debug_ref);
	free(j.branch_ref);
	return ret;
}

void debug_tag_result_release(struct debug_tag_result *r)
{
	free(r->debug_tag);
	memset(r, 0, sizeof(*r));
}
