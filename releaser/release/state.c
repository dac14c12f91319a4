/* The release state and preflight (see state.h). */
#include "release/state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/common.h"
#include "lib/text.h"
#include "lib/url.h"
#include "lib/version.h"
#include "git/gotag.h"
#include "git/status.h"
#include "release/deb.h"
#include "release/fields.h"
#include "release/ident.h"

/* dirty files named in a refusal before "and N more" */
#define DIRTY_SHOWN 5

static void problem(struct release_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * a preflight refusal; names from outside in it (tags, branches, files,
 * variables) may hold anything, so the message is kept terminal-safe
 * (term_escape): info prints it, and release prints the first
 */
static void problem(struct release_state *st, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	st->problems.items = xrealloc(st->problems.items, (st->problems.n + 1) * sizeof(char *));
	st->problems.items[st->problems.n++] = term_escape(msg);
	free(msg);
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

/* the tag to release and where it came from, before any check */
static void pick_tag(struct release_state *st, const struct state_opts *o)
{
	const char *type = getenv("GITHUB_REF_TYPE"), *name = getenv("GITHUB_REF_NAME");

	if (o->snapshot)
		return;
	if (o->tag) {
		st->tag = xstrdup(o->tag);
		st->tag_from = "--tag";
	} else if (type && !strcmp(type, "tag") && name && *name) {
		st->tag = xstrdup(name);
		st->tag_from = "GITHUB_REF_NAME";
	} else if (st->head_tags.n > 0) {
		const char *pick = tag_pick_version((const char *const *)st->head_tags.items, st->head_tags.n);

		st->tag = xstrdup(pick ? pick : st->head_tags.items[0]);
		st->tag_from = "HEAD";
	}
}

/*
 * A tag named by --tag or $GITHUB_REF_NAME must exist and be at HEAD.
 * Returns 1 when it is, 0 when not (a problem is listed), -1 after a
 * message.
 */
static int check_named_tag(git_repository *repo, struct release_state *st)
{
	char *name = xasprintf("refs/tags/%s", st->tag);
	char hex[OID_HEX_LEN + 1];
	int rc = commit_resolve(repo, name, hex);

	free(name);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		problem(st, "tag '%s' (from %s) does not exist: create it, or fetch the tags (git fetch --tags)",
			st->tag, st->tag_from);
		return 0;
	}
	if (strcmp(hex, st->head.sha)) {
		problem(st, "tag '%s' (from %s) points at %.*s, not at HEAD (%s): check out the tag "
			    "(git checkout %s)", st->tag, st->tag_from, SHORT_SHA_LEN, hex, st->head.short_sha,
			st->tag);
		return 0;
	}
	return 1;
}

/*
 * A tag decides its branch and channel; the tag's commit (HEAD) must be
 * on that branch. Returns 0, or -1 after a message.
 */
static int read_tagged(git_repository *repo, struct release_state *st, const struct state_opts *o,
		       const struct version *v)
{
	const char *want = v->debug ? st->debug_branch : st->main_branch;
	const char *key = v->debug ? "branch.debug" : "branch.main";
	const char *given = o->branch && *o->branch ? o->branch : NULL;
	int rc;

	if (given && !strncmp(given, "refs/heads/", 11))
		given += 11;
	st->channel = v->debug ? CHANNEL_DEBUG : CHANNEL_RELEASE;
	st->branch = xstrdup(want);
	st->branch_from = "tag";
	if (given && strcmp(given, want)) {
		problem(st, "tag '%s' is %s, made from branch '%s' (%s in '%s'), not from '%s' "
			    "(--branch): drop --branch", st->tag, v->debug ? "a debug release" : "a release", want,
			key, SETTINGS_FILE, given);
		return 0;
	}
	rc = branch_contains(repo, want, st->remote, st->head.sha, st->branch_ref, sizeof(st->branch_ref));
	if (rc < 0)
		return -1;
	if (rc == 0)
		problem(st, "tag '%s' (%s) is not on branch '%s' nor '%s/%s': %s are tagged on '%s' "
			    "(%s in '%s'); fetch the branch, or tag one of its commits", st->tag,
			st->head.short_sha, want, st->remote, want, v->debug ? "debug releases" : "releases", want,
			key, SETTINGS_FILE);
	return 0;
}

/* why name is not a branch name as git check-ref-format takes it (a phrase), or NULL */
static const char *branch_name_bad(const char *name)
{
	size_t len = strlen(name);
	const char *p;

	if (!utf8_valid(name, len))
		return "it holds bytes that are not UTF-8";
	for (p = name; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("~^:?*[\\", *p))
			return "it holds a space, a control character, a backslash or one of ~^:?*[";
	if (!len || name[0] == '-' || name[0] == '.' || name[0] == '/' || name[len - 1] == '/' ||
	    name[len - 1] == '.' || strstr(name, "..") || strstr(name, "//") || strstr(name, "/.") ||
	    strstr(name, "@{") || strstr(name, ".lock/") || (len >= 5 && !strcmp(name + len - 5, ".lock")) ||
	    !strcmp(name, "@"))
		return "git does not take it (git check-ref-format --branch)";
	return NULL;
}

/* a snapshot: the branch from --branch, HEAD or $RELEASER_BRANCH decides the channel */
static void read_untagged(struct release_state *st, const struct state_opts *o)
{
	const char *env = getenv("RELEASER_BRANCH");
	const char *name = NULL, *bad;

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
	if (name && (bad = branch_name_bad(name)) != NULL) {
		problem(st, "branch '%s' (from %s) is not a branch name: %s (name another)", name, st->branch_from,
			bad);
		return;
	}
	st->branch = name ? xstrdup(name) : NULL;
	st->channel = st->branch && !strcmp(st->branch, st->debug_branch) ? CHANNEL_DEBUG : CHANNEL_RELEASE;
	if (!st->branch)
		problem(st, "HEAD is detached and has no release tag: check out a branch or a release tag, "
			    "or name the branch with --branch NAME or RELEASER_BRANCH");
}

/* why tag is not a release version */
static void bad_version(struct release_state *st, const char *tag)
{
	struct version v;

	if (version_parse(tag, &v) == VERSION_TOO_LONG)
		problem(st, "tag '%s' has a pre-release part longer than %d bytes, the longest a release "
			    "takes (the version names its files and directories): tag a shorter one",
			tag, VERSION_PRE_MAX);
	else
		problem(st, "tag '%s' is not a release version (vMAJOR.MINOR.PATCH[-PRERELEASE]): "
			    "delete it, or release a snapshot with --snapshot", tag);
}

/* the version: the tag's, else a snapshot of the branch */
static int read_version(git_repository *repo, struct release_state *st, const struct state_opts *o)
{
	struct version base, v;
	size_t i;
	int bad = 0, rc;

	pick_tag(st, o);
	if (st->tag && strcmp(st->tag_from, "HEAD")) {
		rc = check_named_tag(repo, st);
		if (rc < 0)
			return -1;
		bad = rc == 0;
	}
	if (st->tag && !strcmp(st->tag_from, "HEAD")) {
		for (i = 0; i < st->head_tags.n; i++) {
			if (version_parse(st->head_tags.items[i], &v) < 0) {
				bad_version(st, st->head_tags.items[i]);
				bad = 1;
			}
		}
	} else if (st->tag && !bad && version_parse(st->tag, &v) < 0) {
		bad_version(st, st->tag);
		bad = 1;
	}
	if (st->tag) {
		if (bad) {
			read_untagged(st, o);
			return 0;
		}
		if (read_tagged(repo, st, o, &v) < 0)
			return -1;
		st->prerelease = v.pre[0] != '\0';
		snprintf(st->version, sizeof(st->version), "%s", st->tag);
		snprintf(st->ref, sizeof(st->ref), "refs/tags/%s", st->tag);
		return 0;
	}
	read_untagged(st, o);
	if (o->require_tag)
		problem(st, "no release tag: HEAD has none, and neither --tag nor $GITHUB_REF_NAME names one: "
			    "check out a release tag (vX.Y.Z on '%s', vX.Y.Z-debug on '%s')", st->main_branch,
			st->debug_branch);
	st->snapshot = 1;
	st->prerelease = 1;
	if (st->desc.release_tag && version_parse(st->desc.release_tag, &v) == 0) {
		version_base(&v, &base);
		if (!version_snapshot(&base, st->head.short_sha, st->version, sizeof(st->version)))
			problem(st, "tag '%s' has the highest patch number a version takes (%lu): no snapshot "
				    "follows it; tag a higher minor or major version first", st->desc.release_tag,
				VERSION_NUMBER_MAX);
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

/*
 * who builds, and where the source comes from, for provenance: never a
 * local path, and origin's URL as lib/url.h records it (no credentials)
 */
static void read_source_uri(git_repository *repo, struct release_state *st)
{
	char why[512], *url;
	const char *bad;
	int stripped;

	if (builder_load(&st->builder, why, sizeof(why)) < 0)
		problem(st, "%s", why);
	if (st->builder.source_uri) {
		st->source_uri = xstrdup(st->builder.source_uri);
		return;
	}
	url = repo_remote_url(repo, DEFAULT_REMOTE);
	if (url && !url_is_local(url)) {
		st->source_uri = url_normalize(url, URL_REMOTE, &bad, &stripped);
		if (!st->source_uri)
			problem(st, "remote '%s' URL is not usable: %s (fix it with git remote set-url %s URL)",
				DEFAULT_REMOTE, bad, DEFAULT_REMOTE);
		else if (stripped)
			warning("remote '%s' URL holds credentials: they are left out of the release", DEFAULT_REMOTE);
	}
	free(url);
}

/* the Go module's tag of a release-channel tag: it must name the same commit; -1 after a message */
static int read_go_tag(git_repository *repo, struct release_state *st)
{
	char tagged[OID_HEX_LEN + 1], *ref;
	int rc;

	if (!st->tag || st->snapshot || st->channel != CHANNEL_RELEASE || !st->version[0])
		return 0;
	ref = xasprintf("refs/tags/%s", st->tag);
	rc = commit_resolve(repo, ref, tagged);
	free(ref);
	if (rc != 0)
		return rc < 0 ? -1 : 0; /* a missing release tag is a problem listed already */
	st->go_tag = go_tag_name(st->tag);
	ref = xasprintf("refs/tags/%s", st->go_tag);
	rc = commit_resolve(repo, ref, st->go_tag_commit);
	free(ref);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		st->go_tag_commit[0] = '\0';
		return 0;
	}
	st->go_tag_ok = !strcmp(st->go_tag_commit, tagged);
	if (!st->go_tag_ok)
		problem(st, "tag '%s' names %.12s, not the commit of '%s' (%.12s): the Go module's version must be "
			    "the release's commit; delete it (git tag -d %s) and run 'releaser tag --go %s'",
			st->go_tag, st->go_tag_commit, st->tag, tagged, st->go_tag, st->tag);
	return 0;
}

/*
 * what the packages take from the work tree is there, and what the release
 * would write obeys the rules `releaser finalize` reads it back with
 * (release/fields.h)
 */
static void check_fields(struct release_state *st, const struct settings *s)
{
	struct release_ident id;
	const char *field;
	char why[512];
	size_t i;

	for (i = 0; i < st->plan.n; i++)
		if (st->plan.arches[i].agent)
			break;
	if (i < st->plan.n && deb_check_sources(st->workdir, why, sizeof(why)) < 0)
		problem(st, "%s", why);
	if (!st->version[0] || !st->ref[0])
		return; /* no version or no branch: listed already */
	ident_from_state(&id, st, s);
	field = fields_check(&id, why, sizeof(why));
	if (field)
		problem(st, "the release's %s %s: %s", field, why,
			!strcmp(field, "source_uri") ? "fix origin's URL (git remote set-url) or set RELEASER_SOURCE_URI"
			: !strcmp(field, "ref") ? "release from a branch with a plain name (--branch NAME)"
						: "report this as a releaser bug");
	ident_release(&id);
}

static void read_head_tags(struct release_state *st, const struct tag_index *ix)
{
	const char *const *names;
	size_t i, n = tag_index_lookup(ix, st->head.sha, &names);

	/* the Go module's tags (support/go/vX.Y.Z) sit beside the release tags and are not releases */
	for (i = 0; i < n; i++)
		if (strncmp(names[i], GO_MODULE_DIR "/", strlen(GO_MODULE_DIR "/")))
			strlist_add(&st->head_tags, names[i]);
}

/*
 * with RELEASER_TIMES set, "releaser: time: STEP MS" on stderr: the CPU
 * time (the process's, user and system) spent since the previous step,
 * the first since the process started (loading, settings); for
 * bench/release's split of info
 */
static void lap(const char *step)
{
	static double last;
	struct timespec ts;
	double now;

	if (!getenv("RELEASER_TIMES") || clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return;
	now = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
	fprintf(stderr, "releaser: time: %s %.2f\n", step, now - last);
	last = now;
}

int release_state_load(git_repository *repo, const struct settings *s, const struct state_opts *o,
		       struct release_state *st)
{
	struct tag_index *ix = NULL;
	size_t i;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	lap("settings");
	st->main_branch = s->main_branch;
	st->debug_branch = s->debug_branch;
	st->remote = o->remote ? o->remote : DEFAULT_REMOTE;
	st->workdir = repo_workdir(repo);
	if (!st->workdir) {
		error("the repository is bare: run releaser in a clone with a work tree");
		goto cleanup;
	}
	if (repo_head_unborn(repo)) {
		error("'%s' has no commits yet: commit something to release first", st->workdir);
		ret = 1;
		goto cleanup;
	}
	if (repo_head(repo, &st->head) < 0)
		goto cleanup;
	st->shallow = repo_is_shallow(repo);
	if (st->shallow)
		problem(st, "'%s' is a shallow clone: fetch the whole history first "
			    "(git fetch --unshallow --tags)", st->workdir);
	ix = tag_index_build(repo);
	if (!ix || describe_commit(repo, ix, st->head.sha, &st->desc) < 0)
		goto cleanup;
	lap("describe");
	read_head_tags(st, ix);
	if (read_version(repo, st, o) < 0 || read_go_tag(repo, st) < 0)
		goto cleanup;
	lap("tags-at-head");
	if (plan_make(&st->plan, st->channel, o->arches ? o->arches : &s->arches) < 0)
		goto cleanup;
	for (i = 0; i < st->plan.n; i++)
		if (!st->plan.arches[i].agent)
			problem(st, "arch '%s' cannot be built here: %s (or leave it out with --arch)",
				st->plan.arches[i].arch, st->plan.arches[i].note);
	lap("plan");
	if (status_list(repo, STATUS_UNTRACKED, &st->dirty) < 0)
		goto cleanup;
	lap("status");
	dirty_problem(st);
	check_package_files(st, s);
	read_epoch(st);
	read_source_uri(repo, st);
	check_fields(st, s);
	lap("checks");
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
	free(st->changelog);
	free(st->go_tag);
	builder_release(&st->builder);
	strlist_clear(&st->head_tags);
	strlist_clear(&st->dirty);
	strlist_clear(&st->problems);
	describe_release(&st->desc);
	memset(st, 0, sizeof(*st));
}
