/* The release state and preflight (see state.h). */
#include "release/state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "git/internal.h" /* until the git parts move into git/ */
#include "lib/common.h"
#include "lib/version.h"
#include "git/status.h"

/* dirty files named in a refusal before "and N more" */
#define DIRTY_SHOWN 5

static void problem(struct release_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct release_state *st, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		die(EXIT_FAIL, "out of memory");
	va_end(ap);
	st->problems.items = xrealloc(st->problems.items, (st->problems.n + 1) * sizeof(char *));
	st->problems.items[st->problems.n++] = msg;
}

static void read_branch(struct release_state *st, const struct state_opts *o)
{
	const char *env = getenv("RELEASER_BRANCH");
	const char *name = NULL;

	if (o->branch && *o->branch) {
		name = o->branch;
		st->branch_from = "--branch";
	} else if (st->head.branch) {
		name = st->head.branch;
		st->branch_from = "HEAD";
	} else if (env && *env) {
		name = env;
		st->branch_from = "RELEASER_BRANCH";
	}
	if (name && !strncmp(name, "refs/heads/", 11))
		name += 11;
	st->branch = name ? xstrdup(name) : NULL;
	st->channel = channel_of_branch(st->branch);
	if (!st->branch)
		problem(st, "HEAD is detached: name the branch being released with --branch NAME "
			    "or RELEASER_BRANCH");
}

static void dirty_problem(struct release_state *st)
{
	char list[1024];
	size_t i, off = 0;

	if (st->dirty.n == 0)
		return;
	list[0] = '\0';
	for (i = 0; i < st->dirty.n && i < DIRTY_SHOWN && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s'%s'", i ? ", " : "",
					st->dirty.items[i] + 3);
	if (st->dirty.n > DIRTY_SHOWN && off < sizeof(list))
		snprintf(list + off, sizeof(list) - off, " and %zu more", st->dirty.n - DIRTY_SHOWN);
	problem(st, "the work tree has uncommitted changes: %s (commit or stash them)", list);
}

/* a tag released: it must be a version fit for the channel */
static int check_tag(struct release_state *st, const char *tag)
{
	struct version v;

	if (version_parse(tag, &v) < 0) {
		problem(st, "tag '%s' is not a release version (vMAJOR.MINOR.PATCH[-PRERELEASE]): "
			    "delete it, or release a snapshot with --snapshot", tag);
		return -1;
	}
	if (!st->branch)
		return 0;
	if (v.debug && st->channel == CHANNEL_RELEASE) {
		problem(st, "tag '%s' is a debug release, but branch '%s' is on the release channel: "
			    "release it from a debug branch (a name containing \"debug\")", tag, st->branch);
		return -1;
	}
	if (!v.debug && st->channel == CHANNEL_DEBUG) {
		problem(st, "tag '%s' is not a debug release (vX.Y.Z-debug), but branch '%s' is on the "
			    "debug channel: tag debug releases 'vX.Y.Z-debug'", tag, st->branch);
		return -1;
	}
	return 0;
}

/* --tag NAME: it must exist and point at HEAD */
static int check_given_tag(git_repository *repo, struct release_state *st, const char *tag)
{
	git_reference *ref = NULL;
	git_object *target = NULL;
	char *name = xasprintf("refs/tags/%s", tag);
	char sha[SHORT_SHA_LEN + 1];
	int ret = -1, rc;

	rc = git_reference_lookup(&ref, repo, name);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
		problem(st, "tag '%s' does not exist: create it, or drop --tag", tag);
		goto cleanup;
	}
	if (git_check(rc, "cannot read tag '%s'", tag) < 0 ||
	    git_check(git_reference_peel(&target, ref, GIT_OBJECT_COMMIT), "tag '%s' does not point at a commit",
		      tag) < 0) {
		ret = -2;
		goto cleanup;
	}
	if (strcmp(git_oid_tostr_s(git_object_id(target)), st->head.sha)) {
		oid_short(git_object_id(target), sha);
		problem(st, "tag '%s' points at %s, not at HEAD (%s): check out the tag, or drop --tag", tag, sha,
			st->head.short_sha);
		goto cleanup;
	}
	ret = check_tag(st, tag);
cleanup:
	git_object_free(target);
	git_reference_free(ref);
	free(name);
	return ret;
}

/* the version: a tag at HEAD (or --tag), else a snapshot */
static int read_version(git_repository *repo, struct release_state *st, const struct state_opts *o)
{
	const char *pick = NULL;
	struct version base, v;
	size_t i;
	int bad = 0, rc;

	if (!o->snapshot && o->tag) {
		rc = check_given_tag(repo, st, o->tag);
		if (rc == -2)
			return -1;
		bad = rc < 0;
		pick = o->tag;
	} else if (!o->snapshot && st->head_tags.n > 0) {
		for (i = 0; i < st->head_tags.n; i++)
			bad |= check_tag(st, st->head_tags.items[i]) < 0;
		pick = tag_pick_version((const char *const *)st->head_tags.items, st->head_tags.n);
	}
	if (bad)
		return 0;
	if (pick) {
		st->tag = xstrdup(pick);
		snprintf(st->version, sizeof(st->version), "%s", pick);
		snprintf(st->ref, sizeof(st->ref), "refs/tags/%s", pick);
		return 0;
	}
	st->snapshot = 1;
	if (st->desc.release_tag && version_parse(st->desc.release_tag, &v) == 0) {
		version_base(&v, &base);
		version_snapshot(&base, st->head.short_sha, st->version, sizeof(st->version));
	} else {
		version_snapshot(NULL, st->head.short_sha, st->version, sizeof(st->version));
	}
	if (st->branch)
		snprintf(st->ref, sizeof(st->ref), "refs/heads/%s", st->branch);
	return 0;
}

static void read_epoch(struct release_state *st)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	char *end;

	st->epoch = st->head.commit_time;
	if (!env || !*env)
		return;
	errno = 0;
	st->epoch = strtoll(env, &end, 10);
	if (errno || *end || st->epoch < 0 || st->epoch > 077777777777LL)
		problem(st, "SOURCE_DATE_EPOCH '%s' is not a number of seconds since 1970: fix or unset it", env);
}

static void check_package_files(struct release_state *st, const struct settings *s)
{
	struct stat sb;
	size_t i;

	for (i = 0; i < s->files.n; i++) {
		const char *f = s->files.items[i];
		char *path = xasprintf("%s%s", st->workdir, f);

		if (f[0] == '/' || strstr(f, "..") || lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			problem(st, "package.file '%s' in '%s' is not a file of the work tree: add it, "
				    "or remove it from the list", f, SETTINGS_FILE);
		free(path);
	}
}

/* where the source comes from, for provenance: never a local path */
static void read_source_uri(git_repository *repo, struct release_state *st)
{
	const char *env = getenv("RELEASER_SOURCE_URI");
	git_config *cfg = NULL;
	git_buf url = { 0 };

	if (env && *env) {
		st->source_uri = xstrdup(env);
		return;
	}
	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string_buf(&url, cfg, "remote.origin.url") == 0 && strstr(url.ptr, "://") &&
	    strncmp(url.ptr, "file://", 7))
		st->source_uri = xstrdup(url.ptr);
	git_buf_dispose(&url);
	git_config_free(cfg);
	git_error_clear();
}

static void read_head_tags(struct release_state *st, const struct tag_index *ix)
{
	const char *const *names;
	size_t i, n = tag_index_lookup(ix, st->head.sha, &names);

	for (i = 0; i < n; i++)
		strlist_add(&st->head_tags, names[i]);
}

int release_state_load(git_repository *repo, const struct settings *s, const struct state_opts *o,
		       struct release_state *st)
{
	struct tag_index *ix = NULL;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	st->workdir = git_repository_workdir(repo);
	if (!st->workdir) {
		error("the repository is bare: run releaser in a clone with a work tree");
		goto cleanup;
	}
	if (repo_head(repo, &st->head) < 0)
		goto cleanup;
	st->shallow = git_repository_is_shallow(repo) == 1;
	if (st->shallow)
		problem(st, "'%s' is a shallow clone: fetch the whole history first "
			    "(git fetch --unshallow --tags)", st->workdir);
	read_branch(st, o);
	if (plan_make(&st->plan, st->channel, o->arches ? o->arches : &s->arches) < 0)
		goto cleanup;
	ix = tag_index_build(repo);
	if (!ix || describe_commit(repo, ix, st->head.sha, &st->desc) < 0)
		goto cleanup;
	read_head_tags(st, ix);
	if (read_version(repo, st, o) < 0 || status_list(repo, STATUS_UNTRACKED, &st->dirty) < 0)
		goto cleanup;
	dirty_problem(st);
	check_package_files(st, s);
	read_epoch(st);
	read_source_uri(repo, st);
	ret = 0;
cleanup:
	tag_index_free(ix);
	if (ret)
		release_state_release(st);
	return ret;
}

int release_state_preflight(const struct release_state *st)
{
	if (st->problems.n == 0)
		return 0;
	return error("%s", st->problems.items[0]);
}

void release_state_release(struct release_state *st)
{
	head_info_release(&st->head);
	free(st->branch);
	free(st->tag);
	free(st->source_uri);
	strlist_clear(&st->head_tags);
	strlist_clear(&st->dirty);
	strlist_clear(&st->problems);
	describe_release(&st->desc);
	memset(st, 0, sizeof(*st));
}
