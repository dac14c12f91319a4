/* Mirroring main into the debug branch (see mirror.h). */
#include "git/mirror.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/common.h"
#include "git/drift.h"
#include "git/internal.h"
#include "git/status.h"

/* one mirroring: both branches, what to do, and the result */
struct mirror {
	const char *main_branch, *debug_branch; /* short names, not owned */
	char *debug_ref;                        /* "refs/heads/<debug>" */
	git_oid main_id, debug_id;              /* their commits when inspected */
	size_t ahead, behind;
	enum mirror_analysis analysis;
	git_oid result;                         /* the commit debug moves to (after prepare) */
	struct strlist conflicts;               /* conflicting paths (after prepare) */
};

const char *mirror_analysis_name(enum mirror_analysis a)
{
	switch (a) {
	case MIRROR_UP_TO_DATE:
		return "up-to-date";
	case MIRROR_FAST_FORWARD:
		return "fast-forward";
	case MIRROR_INIT:
		return "init";
	case MIRROR_MERGE:
		break;
	}
	return "merge";
}

static int resolve(git_repository *repo, const char *branch, const char *hint, git_oid *id)
{
	int rc = branch_resolve(repo, branch, id);

	if (rc == 1) {
		error("branch '%s' does not exist: %s", branch, hint);
		return EXIT_USAGE;
	}
	if (rc == BRANCH_INVALID)
		return EXIT_USAGE;
	return rc < 0 ? EXIT_FAIL : 0;
}

/* read both branches and analyse them into *m; returns 0 or an exit code after a message */
static int mirror_inspect(git_repository *repo, const char *main_branch, const char *debug_branch,
			  struct mirror *m)
{
	git_oid base;
	char *hint;
	int rc;

	memset(m, 0, sizeof(*m));
	m->main_branch = main_branch;
	m->debug_branch = debug_branch;
	m->debug_ref = xasprintf("refs/heads/%s", debug_branch);
	if (!strcmp(main_branch, debug_branch)) {
		error("main and debug are both '%s': name two branches (--main, --debug)", main_branch);
		return EXIT_USAGE;
	}
	hint = xasprintf("fetch it (releaser mirror --fetch), or start it from '%s' (releaser mirror --init)",
			 main_branch);
	rc = resolve(repo, main_branch, "fetch it, or name the main branch (--main, or branch.main in releaser.conf)",
		     &m->main_id);
	if (rc == 0)
		rc = resolve(repo, debug_branch, hint, &m->debug_id);
	free(hint);
	if (rc)
		return rc;
	rc = git_merge_base(&base, repo, &m->debug_id, &m->main_id);
	if (rc == GIT_ENOTFOUND) {
		error("'%s' and '%s' share no history: create '%s' from '%s'", debug_branch, main_branch,
		      debug_branch, main_branch);
		return EXIT_USAGE;
	}
	if (git_check(rc, "cannot find where '%s' and '%s' meet", debug_branch, main_branch) < 0 ||
	    git_check(git_graph_ahead_behind(&m->ahead, &m->behind, repo, &m->debug_id, &m->main_id),
		      "cannot compare '%s' with '%s'", debug_branch, main_branch) < 0)
		return EXIT_FAIL;
	if (git_oid_equal(&base, &m->main_id))
		m->analysis = MIRROR_UP_TO_DATE;
	else if (git_oid_equal(&base, &m->debug_id))
		m->analysis = MIRROR_FAST_FORWARD;
	else
		m->analysis = MIRROR_MERGE;
	git_oid_cpy(&m->result, m->analysis == MIRROR_FAST_FORWARD ? &m->main_id : &m->debug_id);
	return 0;
}

static void list_conflicts(git_index *index, struct strlist *out)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *anc, *ours, *theirs;
	const char *path;

	if (git_index_conflict_iterator_new(&it, index) < 0)
		return;
	while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
		path = ours ? ours->path : theirs ? theirs->path : anc->path;
		if (!strlist_has(out, path))
			strlist_add(out, path);
	}
	git_index_conflict_iterator_free(it);
}

static char *merge_message(const struct mirror *m)
{
	char sha[GIT_OID_HEXSZ + 1], short_sha[SHORT_SHA_LEN + 1];

	git_oid_tostr(sha, sizeof(sha), &m->main_id);
	oid_short(&m->main_id, short_sha);
	return xasprintf("Merge branch '%s' (%s) into %s\n\nMirror of %s at %s.\n", m->main_branch,
			 short_sha, m->debug_branch, m->main_branch, sha);
}

/*
 * m->result: for a merge, merge main into debug in memory and, with write,
 * write the merged tree and the merge commit as unreferenced objects.
 * Returns 0; 1 on conflict with the paths in m->conflicts (nothing
 * printed); -1 after a message.
 */
static int mirror_prepare(git_repository *repo, struct mirror *m, const git_signature *author,
			  const git_signature *committer, int write)
{
	git_commit *ours = NULL, *theirs = NULL;
	git_index *index = NULL;
	git_tree *tree = NULL;
	git_oid tree_id;
	char *message = NULL;
	int ret = -1;

	if (m->analysis != MIRROR_MERGE)
		return 0;
	if (git_check(git_commit_lookup(&ours, repo, &m->debug_id), "cannot read '%s'", m->debug_branch) < 0 ||
	    git_check(git_commit_lookup(&theirs, repo, &m->main_id), "cannot read '%s'", m->main_branch) < 0 ||
	    git_check(git_merge_commits(&index, repo, ours, theirs, NULL), "cannot merge '%s' into '%s'",
		      m->main_branch, m->debug_branch) < 0)
		goto cleanup;
	if (git_index_has_conflicts(index)) {
		list_conflicts(index, &m->conflicts);
		ret = 1;
		goto cleanup;
	}
	if (!write) {
		ret = 0;
		goto cleanup;
	}
	message = merge_message(m);
	if (git_check(git_index_write_tree_to(&tree_id, index, repo), "cannot write the merged tree") < 0 ||
	    git_check(git_tree_lookup(&tree, repo, &tree_id), "cannot read the merged tree") < 0 ||
	    git_check(git_commit_create_v(&m->result, repo, NULL, author, committer, NULL, message, tree, 2,
					  ours, theirs),
		      "cannot write the merge commit") < 0)
		goto cleanup;
	ret = 0;
cleanup:
	free(message);
	git_tree_free(tree);
	git_index_free(index);
	git_commit_free(theirs);
	git_commit_free(ours);
	return ret;
}

/*
 * A test hook: with RELEASER_TEST_MIRROR_PAUSE naming a FIFO, wait for a
 * line on it after everything is computed and before debug moves, so a
 * test can move debug in between, the way a concurrent run would.
 */
static void test_pause(void)
{
	const char *fifo = getenv("RELEASER_TEST_MIRROR_PAUSE");
	char c;
	int fd;

	if (!fifo || !*fifo)
		return;
	fd = open(fifo, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (read(fd, &c, 1) == 1 && c != '\n')
		;
	close(fd);
}

/* whether refname is HEAD here (1), checked out in another work tree (2), or neither (0) */
static int checked_out(git_repository *repo, const char *refname, int *where)
{
	git_reference *ref = NULL;
	int rc;

	*where = 0;
	if (git_check(git_reference_lookup(&ref, repo, refname), "cannot read '%s'", refname) < 0)
		return -1;
	rc = git_branch_is_head(ref);
	if (rc == 1 && !git_repository_is_bare(repo))
		*where = 1;
	else if (rc == 0 && git_branch_is_checked_out(ref) == 1)
		*where = 2;
	git_reference_free(ref);
	return 0;
}

/* check out the tree of commit to_id over the one of from_id (index and files) */
static int checkout(git_repository *repo, const git_oid *from_id, const git_oid *to_id)
{
	git_checkout_options opts;
	git_commit *from = NULL, *to = NULL;
	git_tree *baseline = NULL;
	int ret = -1;

	git_checkout_options_init(&opts, GIT_CHECKOUT_OPTIONS_VERSION);
	opts.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (git_check(git_commit_lookup(&from, repo, from_id), "cannot read the current commit") < 0 ||
	    git_check(git_commit_lookup(&to, repo, to_id), "cannot read the new commit") < 0 ||
	    git_check(git_commit_tree(&baseline, from), "cannot read the current tree") < 0)
		goto cleanup;
	opts.baseline = baseline;
	if (git_check(git_checkout_tree(repo, (git_object *)to, &opts),
		      "cannot update the work tree (nothing was moved; commit or stash local changes)") < 0)
		goto cleanup;
	ret = 0;
cleanup:
	git_tree_free(baseline);
	git_commit_free(to);
	git_commit_free(from);
	return ret;
}

/*
 * move debug from m->debug_id to m->result, the index and work tree with it
 * when debug is checked out here; returns EXIT_OK, or an exit code after a
 * message having changed nothing
 */
static int mirror_apply(git_repository *repo, struct mirror *m)
{
	char *log = NULL;
	int where, rc, ret = EXIT_FAIL;

	if (git_oid_equal(&m->result, &m->debug_id))
		return EXIT_OK;
	if (checked_out(repo, m->debug_ref, &where) < 0)
		return EXIT_FAIL;
	if (where == 2) {
		error("'%s' is checked out in another work tree: mirror from there, or switch it to another "
		      "branch", m->debug_branch);
		return EXIT_USAGE;
	}
	if (where == 1 && (rc = status_list(repo, 0, NULL)) != 0) {
		if (rc > 0)
			error("'%s' is checked out and has local changes: commit or stash them first",
			      m->debug_branch);
		return rc > 0 ? EXIT_USAGE : EXIT_FAIL;
	}
	test_pause();
	if (where == 1 && checkout(repo, &m->debug_id, &m->result) < 0)
		return EXIT_FAIL;
	log = xasprintf("releaser mirror: %s %s", m->analysis == MIRROR_FAST_FORWARD ? "fast-forward to" : "merge",
			m->main_branch);
	rc = ref_move(repo, m->debug_ref, &m->result, &m->debug_id, log);
	if (rc != 0) {
		/* put the files back as they were; the ref never moved */
		if (where == 1 && checkout(repo, &m->result, &m->debug_id) < 0)
			warning("the work tree of '%s' may show the mirrored files: run git checkout -- .",
				m->debug_branch);
		goto cleanup;
	}
	ret = EXIT_OK;
cleanup:
	free(log);
	return ret;
}

static void mirror_release(struct mirror *m)
{
	free(m->debug_ref);
	strlist_clear(&m->conflicts);
	memset(m, 0, sizeof(*m));
}

/* --check: debug behind main, or drifting from it outside allow */
static int check(git_repository *repo, const struct mirror *m, const struct mirror_opts *o,
		 struct mirror_result *r)
{
	static const struct strlist none = { NULL, 0 };

	if (drift_find(repo, &m->main_id, &m->debug_id, o->allow ? o->allow : &none, &r->drift) < 0)
		return EXIT_FAIL;
	r->checked = 1;
	r->result = r->drift.n || m->behind ? "failed" : "ok";
	if (r->drift.n > 0)
		return error("'%s' differs from '%s' in %zu path%s outside mirror.allow: make the change on '%s', "
			     "or allow the path in releaser.conf", m->debug_branch, m->main_branch, r->drift.n,
			     r->drift.n == 1 ? "" : "s", m->main_branch), EXIT_FAIL;
	if (m->behind > 0)
		return error("'%s' is %zu commit%s behind '%s': run releaser mirror", m->debug_branch, m->behind,
			     m->behind == 1 ? "" : "s", m->main_branch), EXIT_FAIL;
	return EXIT_OK;
}

static const char *done_name(const struct mirror *m, int dry_run)
{
	if (m->analysis == MIRROR_UP_TO_DATE)
		return "up-to-date";
	if (m->analysis == MIRROR_FAST_FORWARD)
		return dry_run ? "would-fast-forward" : "fast-forwarded";
	return dry_run ? "would-merge" : "merged";
}

/* mirror (or say what it would do), then push */
static int update(git_repository *repo, struct mirror *m, const struct mirror_opts *o, struct mirror_result *r)
{
	git_signature *author = NULL, *committer = NULL;
	int rc, ret = EXIT_FAIL;

	if (m->analysis == MIRROR_MERGE && !o->dry_run && identity_get(repo, &author, &committer) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	rc = mirror_prepare(repo, m, author, committer, !o->dry_run);
	if (rc < 0)
		goto cleanup;
	if (rc > 0) {
		r->result = "conflict";
		error("merging '%s' into '%s' conflicts in %zu path%s: nothing was changed; merge by hand "
		      "(see RELEASING.md)", m->main_branch, m->debug_branch, m->conflicts.n,
		      m->conflicts.n == 1 ? "" : "s");
		goto cleanup;
	}
	if (!o->dry_run && (ret = mirror_apply(repo, m)) != EXIT_OK)
		goto cleanup;
	r->result = done_name(m, o->dry_run);
	if (!o->dry_run)
		git_oid_tostr(r->commit, sizeof(r->commit), &m->result);
	if (o->remote && !o->dry_run) {
		if ((ret = push_branch(repo, o->remote, m->debug_branch)) != EXIT_OK)
			goto cleanup;
		r->pushed = o->remote;
	}
	ret = EXIT_OK;
cleanup:
	git_signature_free(author);
	git_signature_free(committer);
	return ret;
}

/* whether a contains b (a is b or descends from it) */
static int contains(git_repository *repo, const git_oid *a, const git_oid *b)
{
	return git_oid_equal(a, b) || git_graph_descendant_of(repo, a, b) == 1;
}

/*
 * The first day of the debug branch (--init): its first commit, on main's
 * commit with main's tree, so that debug has a commit of its own.
 */

#define START_SUBJECT "Start the debug branch '"
#define START_FROM "' from '"

char *debug_start_message(const char *debug, const char *main_branch, const git_oid *parent)
{
	char sha[GIT_OID_HEXSZ + 1];

	git_oid_tostr(sha, sizeof(sha), parent);
	return xasprintf(START_SUBJECT "%s" START_FROM "%s'\n\n"
			 "'%s' follows '%s' from %s.\n"
			 "This commit changes no file: it gives '%s' a commit of its own,\n"
			 "so that mirrors of '%s' are merges and every debug release tag\n"
			 "names a commit of '%s'.\n",
			 debug, main_branch, debug, main_branch, sha, debug, main_branch, debug);
}

int debug_start_message_is(const char *msg, const git_oid *parent)
{
	const char *names, *from, *end;
	char *debug, *main_branch, *want;
	int ret;

	if (strncmp(msg, START_SUBJECT, strlen(START_SUBJECT)))
		return 0;
	names = msg + strlen(START_SUBJECT);
	/* branch names hold no spaces, so "' from '" splits the subject */
	from = strstr(names, START_FROM);
	end = strchr(names, '\n');
	if (!from || !end || from > end || end - from < (ptrdiff_t)strlen(START_FROM) + 1 || end[-1] != '\'')
		return 0;
	debug = xasprintf("%.*s", (int)(from - names), names);
	from += strlen(START_FROM);
	main_branch = xasprintf("%.*s", (int)(end - from - 1), from);
	want = debug_start_message(debug, main_branch, parent);
	ret = !strcmp(msg, want);
	free(want);
	free(main_branch);
	free(debug);
	return ret;
}

int debug_start_is(const git_commit *c)
{
	git_commit *parent = NULL;
	int ret = 0;

	if (git_commit_parentcount(c) != 1 ||
	    !debug_start_message_is(git_commit_message_raw(c), git_commit_parent_id(c, 0)))
		return 0;
	if (git_commit_parent(&parent, c, 0) < 0) {
		git_error_clear();
		return 0;
	}
	ret = git_oid_equal(git_commit_tree_id(c), git_commit_tree_id(parent));
	git_commit_free(parent);
	return ret;
}

/* write (moving no ref) debug's first commit on top of main; 0 or -1 after a message */
static int start_commit(git_repository *repo, const struct mirror *m, git_oid *out)
{
	git_signature *author = NULL, *committer = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	char *message = debug_start_message(m->debug_branch, m->main_branch, &m->main_id);
	int ret = -1;

	if (identity_get(repo, &author, &committer) < 0)
		goto cleanup;
	if (git_check(git_commit_lookup(&parent, repo, &m->main_id), "cannot read '%s'", m->main_branch) < 0 ||
	    git_check(git_commit_tree(&tree, parent), "cannot read the tree of '%s'", m->main_branch) < 0 ||
	    git_check(git_commit_create_v(out, repo, NULL, author, committer, NULL, message, tree, 1, parent),
		      "cannot write the first commit of '%s'", m->debug_branch) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	free(message);
	git_tree_free(tree);
	git_commit_free(parent);
	git_signature_free(committer);
	git_signature_free(author);
	return ret;
}

/* with a push: the remote has main, holding ours, and no debug yet; returns 0 or an exit code after a message */
static int init_check_remote(git_repository *repo, const struct mirror *m, const char *remote)
{
	const char *names[2] = { m->main_branch, m->debug_branch };
	char *ref;
	git_oid theirs;
	int has[2], rc;

	if ((rc = remote_fetch_branches(repo, remote, names, 2, has)) != EXIT_OK)
		return rc;
	if (has[1])
		return error("branch '%s' exists on '%s' already: it starts only once; mirror it "
			     "(ci/mirror.sh --fetch --push)", m->debug_branch, remote), EXIT_USAGE;
	if (!has[0])
		return error("no branch '%s' on '%s': push it first (git push %s %s)", m->main_branch, remote, remote,
			     m->main_branch), EXIT_USAGE;
	ref = xasprintf("refs/remotes/%s/%s", remote, m->main_branch);
	rc = commit_resolve_oid(repo, ref, &theirs);
	free(ref);
	if (rc != 0)
		return EXIT_FAIL;
	if (!contains(repo, &theirs, &m->main_id))
		return error("local '%s' has commits that '%s' lacks: push them first (git push %s %s)",
			     m->main_branch, remote, remote, m->main_branch), EXIT_USAGE;
	return EXIT_OK;
}

/* undo init after a failed push: remove debug if it still holds our commit */
static void init_undo(git_repository *repo, const struct mirror *m, const char *remote)
{
	git_reference *ref = NULL;

	if (git_reference_lookup(&ref, repo, m->debug_ref) == 0 && git_reference_target(ref) &&
	    git_oid_equal(git_reference_target(ref), &m->result) && git_reference_delete(ref) == 0) {
		git_reference_free(ref);
		return;
	}
	git_reference_free(ref);
	warning("'%s' was created here but not pushed: push it (git push %s %s) or delete it (git branch -D %s)",
		m->debug_branch, remote, m->debug_branch, m->debug_branch);
}

/* --init: create debug from main with its first commit, then push it; fills r */
static int mirror_init(git_repository *repo, const struct mirror_opts *o, struct mirror *m, struct mirror_result *r)
{
	const char *origin = o->origin ? o->origin : "origin";
	char *tracking = NULL;
	git_oid id;
	int rc, ret = EXIT_USAGE;

	memset(m, 0, sizeof(*m));
	m->main_branch = o->main_branch;
	m->debug_branch = o->debug_branch;
	m->debug_ref = xasprintf("refs/heads/%s", o->debug_branch);
	m->analysis = MIRROR_INIT;
	if (!strcmp(o->main_branch, o->debug_branch)) {
		error("main and debug are both '%s': name two branches (--main, --debug)", o->main_branch);
		goto cleanup;
	}
	if ((ret = resolve(repo, o->main_branch, "fetch it, or name the main branch (--main, or branch.main in "
				      "releaser.conf)", &m->main_id)) != 0)
		goto cleanup;
	ret = EXIT_USAGE;
	rc = branch_resolve(repo, o->debug_branch, &id);
	if (rc == 0) {
		error("branch '%s' exists already: it starts only once; bring it up to date with releaser mirror",
		      o->debug_branch);
		goto cleanup;
	}
	if (rc != 1) {
		ret = rc == BRANCH_INVALID ? EXIT_USAGE : EXIT_FAIL;
		goto cleanup;
	}
	tracking = xasprintf("refs/remotes/%s/%s", origin, o->debug_branch);
	rc = commit_resolve_oid(repo, tracking, &id);
	if (rc == 0) {
		error("branch '%s' exists on '%s' (%s/%s): take it (git branch %s %s/%s) and mirror it", o->debug_branch,
		      origin, origin, o->debug_branch, o->debug_branch, origin, o->debug_branch);
		goto cleanup;
	}
	if (rc < 0 || (o->remote && !o->dry_run && (ret = init_check_remote(repo, m, o->remote)) != EXIT_OK))
		goto cleanup;
	r->inspected = 1;
	git_oid_tostr(r->main_commit, sizeof(r->main_commit), &m->main_id);
	r->analysis = MIRROR_INIT;
	if (o->dry_run) {
		r->result = "would-create";
		ret = EXIT_OK;
		goto cleanup;
	}
	ret = EXIT_USAGE;
	if (start_commit(repo, m, &m->result) < 0)
		goto cleanup;
	ret = EXIT_FAIL;
	if (ref_create(repo, m->debug_ref, &m->result, "releaser mirror --init") != 0)
		goto cleanup;
	git_oid_tostr(r->commit, sizeof(r->commit), &m->result);
	git_oid_tostr(r->debug_commit, sizeof(r->debug_commit), &m->result);
	r->ahead = 1;
	r->result = "created";
	if (o->remote) {
		if ((ret = push_branch(repo, o->remote, o->debug_branch)) != EXIT_OK) {
			init_undo(repo, m, o->remote);
			r->result = "failed";
			r->commit[0] = '\0';
			goto cleanup;
		}
		r->pushed = o->remote;
	}
	ret = EXIT_OK;
cleanup:
	free(tracking);
	return ret;
}

/*
 * --fetch: the local main and debug brought up to the remote's, each a
 * plan first (nothing moves until both are known to be movable), then the
 * moves.
 */
struct sync {
	const char *branch;
	char *ref, *tracking;   /* refs/heads/<branch>, refs/remotes/<remote>/<branch> */
	git_oid local, remote;
	int exists;             /* the local branch exists */
	int move;               /* it moves (or is created) to the remote's */
	int where;              /* checked out: 1 here, 2 in another work tree */
	int published;          /* main: may not be ahead of the remote's (debug mirrors what the remote has) */
};

/* plan one branch against its remote-tracking ref; returns 0 or an exit code after a message */
static int sync_plan_one(git_repository *repo, const char *remote, struct sync *s)
{
	int rc;

	s->ref = xasprintf("refs/heads/%s", s->branch);
	s->tracking = xasprintf("refs/remotes/%s/%s", remote, s->branch);
	if (commit_resolve_oid(repo, s->tracking, &s->remote) != 0)
		return error("cannot read '%s' after fetching it", s->tracking), EXIT_FAIL;
	rc = branch_resolve(repo, s->branch, &s->local);
	if (rc == BRANCH_INVALID)
		return EXIT_USAGE;
	if (rc < 0)
		return EXIT_FAIL;
	s->exists = rc == 0;
	if (!s->exists) {
		s->move = 1;
		return 0;
	}
	if (contains(repo, &s->local, &s->remote)) {
		/* up to date, or ahead: debug's own commits go out with the push; main's are not published */
		if (s->published && !git_oid_equal(&s->local, &s->remote))
			return error("local '%s' has commits that '%s' lacks: push them first (git push %s %s), so that "
				     "the mirror takes only what '%s' has", s->branch, remote, remote, s->branch, remote),
			       EXIT_USAGE;
		return 0;
	}
	if (!contains(repo, &s->remote, &s->local))
		return error("local '%s' and '%s/%s' have diverged: merge them (git checkout %s && git merge %s/%s), "
			     "then run again", s->branch, remote, s->branch, s->branch, remote, s->branch), EXIT_USAGE;
	s->move = 1;
	return checked_out(repo, s->ref, &s->where) < 0 ? EXIT_FAIL : 0;
}

/*
 * both plans, and whether each branch can move: a branch moves when it is
 * behind the remote's, and debug too when the mirror will move it; one
 * checked out elsewhere, or here with local changes, stops everything
 */
static int sync_plan(git_repository *repo, const char *remote, struct sync s[2])
{
	const char *names[2] = { s[0].branch, s[1].branch };
	const git_oid *main_after, *debug_after;
	int has[2], moves, rc, i;

	if ((rc = remote_fetch_branches(repo, remote, names, 2, has)) != EXIT_OK)
		return rc;
	if (!has[0])
		return error("no branch '%s' on '%s': push it (git push %s %s), or name the main branch (--main)",
			     names[0], remote, remote, names[0]), EXIT_USAGE;
	if (!has[1])
		return error("no branch '%s' on '%s': start it with releaser mirror --init --push (RELEASING.md, "
			     "The first day of the debug branch)", names[1], remote), EXIT_USAGE;
	for (i = 0; i < 2; i++)
		if ((rc = sync_plan_one(repo, remote, &s[i])) != 0)
			return rc;
	main_after = s[0].move ? &s[0].remote : &s[0].local;
	debug_after = s[1].move ? &s[1].remote : &s[1].local;
	for (i = 0; i < 2; i++) {
		moves = s[i].move || (i == 1 && !contains(repo, debug_after, main_after));
		if (!moves || !s[i].exists)
			continue;
		if (!s[i].move && checked_out(repo, s[i].ref, &s[i].where) < 0)
			return EXIT_FAIL;
		if (s[i].where == 2)
			return error("'%s' is checked out in another work tree: update it there (git merge --ff-only "
				     "%s/%s), or switch it to another branch", s[i].branch, remote, s[i].branch),
			       EXIT_USAGE;
		if (s[i].where == 1 && (rc = status_list(repo, 0, NULL)) != 0) {
			if (rc > 0)
				error("'%s' is checked out and has local changes: commit or stash them first (nothing "
				      "was moved)", s[i].branch);
			return rc > 0 ? EXIT_USAGE : EXIT_FAIL;
		}
	}
	return 0;
}

/* move one planned branch (its index and work tree with it when checked out here); 0 or -1 after a message */
static int sync_move(git_repository *repo, const struct sync *s, const git_oid *from, const git_oid *to,
		     int create)
{
	int rc;

	if (s->where == 1 && checkout(repo, from, to) < 0)
		return -1;
	rc = create ? ref_create(repo, s->ref, to, "releaser mirror: from the remote")
		    : ref_move(repo, s->ref, to, from, "releaser mirror: fast-forward to the remote's");
	if (rc != 0 && s->where == 1 && checkout(repo, to, from) < 0)
		warning("the work tree of '%s' may show the fetched files: run git checkout -- .", s->branch);
	return rc != 0 ? -1 : 0;
}

/* carry the plans out; on a failure the branches moved before are put back; returns 0 or EXIT_FAIL */
static int sync_apply(git_repository *repo, struct sync s[2], struct mirror_result *r)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (!s[i].move)
			continue;
		if (sync_move(repo, &s[i], &s[i].local, &s[i].remote, !s[i].exists) == 0)
			continue;
		if (i == 1 && s[0].move) {
			if (s[0].exists && sync_move(repo, &s[0], &s[0].remote, &s[0].local, 0) < 0)
				warning("'%s' stays at the remote's commit", s[0].branch);
			else if (!s[0].exists)
				git_reference_remove(repo, s[0].ref);
		}
		return EXIT_FAIL;
	}
	for (i = 0; i < 2; i++) {
		if (!s[i].move)
			continue;
		if (i == 0)
			r->main_moved = s[i].exists ? "fast-forwarded" : "created";
		else
			r->debug_moved = s[i].exists ? "fast-forwarded" : "created";
	}
	return 0;
}

/* --fetch: fetch both branches, then bring the local ones up to them */
static int mirror_fetch(git_repository *repo, const struct mirror_opts *o, struct mirror_result *r)
{
	const char *remote = o->origin ? o->origin : "origin";
	struct sync s[2];
	int ret, i;

	memset(s, 0, sizeof(s));
	s[0].branch = o->main_branch;
	s[0].published = 1;
	s[1].branch = o->debug_branch;
	if (!strcmp(o->main_branch, o->debug_branch)) {
		error("main and debug are both '%s': name two branches (--main, --debug)", o->main_branch);
		return EXIT_USAGE;
	}
	ret = sync_plan(repo, remote, s);
	if (ret == 0)
		ret = sync_apply(repo, s, r);
	if (ret == 0)
		r->fetched = remote;
	for (i = 0; i < 2; i++) {
		free(s[i].ref);
		free(s[i].tracking);
	}
	return ret;
}

int mirror_run(git_repository *repo, const struct mirror_opts *o, struct mirror_result *r)
{
	struct mirror m;
	int ret;

	memset(r, 0, sizeof(*r));
	if (o->init) {
		ret = mirror_init(repo, o, &m, r);
		goto cleanup;
	}
	if (o->fetch && (ret = mirror_fetch(repo, o, r)) != 0) {
		memset(&m, 0, sizeof(m));
		goto cleanup;
	}
	ret = mirror_inspect(repo, o->main_branch, o->debug_branch, &m);
	if (ret != 0)
		goto cleanup;
	r->inspected = 1;
	git_oid_tostr(r->main_commit, sizeof(r->main_commit), &m.main_id);
	git_oid_tostr(r->debug_commit, sizeof(r->debug_commit), &m.debug_id);
	r->ahead = m.ahead;
	r->behind = m.behind;
	r->analysis = m.analysis;
	ret = o->check ? check(repo, &m, o, r) : update(repo, &m, o, r);
	/* the conflicting paths are the result's */
	r->conflicts = m.conflicts;
	memset(&m.conflicts, 0, sizeof(m.conflicts));
cleanup:
	mirror_release(&m);
	return ret;
}

void mirror_result_release(struct mirror_result *r)
{
	strlist_clear(&r->conflicts);
	strlist_clear(&r->drift);
	memset(r, 0, sizeof(*r));
}
