/* The range and commits of release notes (see notes.h). */
#include "git/notes.h"

#include "git/internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "lib/version.h"

#define MAIN_TAG_FIELD "main-tag: "

struct candidate {
	char *name;
	struct version base;  /* without -debug */
	git_oid commit;
};

struct candidates {
	struct candidate *items;
	size_t n;
};

/* highest version first, then by name */
static int candidate_cmp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	int c = version_compare(&y->base, &x->base);

	return c ? c : strcmp(x->name, y->name);
}

static void candidates_clear(struct candidates *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i].name);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/*
 * whether a tag of version v may be the previous release of self (the
 * released version without -debug; NULL for a snapshot, which follows any
 * version) on the channel (debug or not)
 */
static int may_precede(const struct version *v, int debug, const struct version *self, struct version *base)
{
	if (v->debug != debug)
		return 0;
	version_base(v, base);
	if (!self)
		return 1;
	if (version_compare(base, self) >= 0)
		return 0;
	/* a final release skips its own pre-releases */
	return self->pre[0] || base->major != self->major || base->minor != self->minor ||
	       base->patch != self->patch;
}

/* the tags that may precede self on the channel, highest first */
static int list_candidates(git_repository *repo, int debug, const struct version *self, struct candidates *l)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	git_object *peeled = NULL;
	struct version v, base;
	int rc, ret = -1;

	if (git_check(git_reference_iterator_glob_new(&it, repo, "refs/tags/*"), "cannot list tags") < 0)
		return -1;
	while ((rc = git_reference_next(&ref, it)) == 0) {
		if (version_parse(git_reference_shorthand(ref), &v) == 0 && may_precede(&v, debug, self, &base) &&
		    git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT) == 0) {
			l->items = xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
			l->items[l->n].name = xstrdup(git_reference_shorthand(ref));
			l->items[l->n].base = base;
			git_oid_cpy(&l->items[l->n].commit, git_object_id(peeled));
			l->n++;
		}
		git_object_free(peeled);
		peeled = NULL;
		git_reference_free(ref);
	}
	if (rc != GIT_ITEROVER && git_check(rc, "cannot list tags") < 0)
		goto cleanup;
	if (l->n > 1)
		qsort(l->items, l->n, sizeof(*l->items), candidate_cmp);
	ret = 0;
cleanup:
	git_reference_iterator_free(it);
	return ret;
}

/* the previous release of self (see may_precede) that tip contains, into r->previous (NULL: none) */
static int find_previous(git_repository *repo, const git_oid *tip, int debug, const struct version *self,
			 struct notes_range *r, git_oid *previous)
{
	struct candidates l = { 0 };
	size_t i;
	int rc, ret = -1;

	if (list_candidates(repo, debug, self, &l) < 0)
		goto cleanup;
	for (i = 0; i < l.n && !r->previous; i++) {
		rc = git_oid_equal(tip, &l.items[i].commit) ? 1 : git_graph_descendant_of(repo, tip, &l.items[i].commit);
		if (rc < 0 && git_check(rc, "cannot walk the history") < 0)
			goto cleanup;
		if (rc == 1) {
			r->previous = xstrdup(l.items[i].name);
			git_oid_cpy(previous, &l.items[i].commit);
		}
	}
	ret = 0;
cleanup:
	candidates_clear(&l);
	return ret;
}

static void add_commit(struct notes_range *r, git_commit *c)
{
	struct notes_commit *nc;
	const char *subject = git_commit_summary(c), *body = git_commit_body(c);

	r->commits = xrealloc(r->commits, (r->n + 1) * sizeof(*r->commits));
	nc = &r->commits[r->n++];
	git_oid_tostr(nc->id, sizeof(nc->id), git_commit_id(c));
	oid_short(git_commit_id(c), nc->short_id);
	nc->subject = xstrdup(subject ? subject : "");
	nc->body = xstrdup(body ? body : "");
}

/* the commits tip contains and hide (when not NULL) does not, without merges and markers, into r */
static int collect(git_repository *repo, const git_oid *tip, const git_oid *hide, struct notes_range *r)
{
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_oid oid;
	int rc, ret = -1;

	if (git_check(git_revwalk_new(&walk, repo), "cannot walk the history") < 0 ||
	    git_check(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME), "cannot walk the history") < 0 ||
	    git_check(git_revwalk_push(walk, tip), "cannot walk the history") < 0 ||
	    (hide && git_check(git_revwalk_hide(walk, hide), "cannot walk the history") < 0))
		goto cleanup;
	while ((rc = git_revwalk_next(&oid, walk)) == 0) {
		if (git_check(git_commit_lookup(&c, repo, &oid), "cannot read commit %.*s", SHORT_SHA_LEN,
			      git_oid_tostr_s(&oid)) < 0)
			goto cleanup;
		if (git_commit_parentcount(c) < 2 && !debug_marker_is(c))
			add_commit(r, c);
		git_commit_free(c);
		c = NULL;
	}
	if (rc != GIT_ITEROVER && git_check(rc, "cannot walk the history") < 0)
		goto cleanup;
	ret = 0;
cleanup:
	git_commit_free(c);
	git_revwalk_free(walk);
	return ret;
}

/* the tip's id and committer time into r */
static int read_tip(git_repository *repo, const git_oid *tip, struct notes_range *r)
{
	git_commit *c = NULL;

	if (git_check(git_commit_lookup(&c, repo, tip), "cannot read commit %.*s", SHORT_SHA_LEN,
		      git_oid_tostr_s(tip)) < 0)
		return -1;
	git_oid_tostr(r->commit, sizeof(r->commit), tip);
	r->time = (long long)git_commit_time(c);
	git_commit_free(c);
	return 0;
}

/*
 * the release the debug tag mirrors: "main-tag: NAME" in its message, else
 * its name without -debug (caller frees); NULL after a message when that
 * is not a release version
 */
static char *mirrored_tag(git_repository *repo, const char *tag)
{
	char *ref = xasprintf("refs/tags/%s", tag), *name = NULL;
	const char *msg, *field = NULL;
	git_object *obj = NULL;
	struct version v;

	if (git_revparse_single(&obj, repo, ref) == 0 && git_object_type(obj) == GIT_OBJECT_TAG) {
		msg = git_tag_message((const git_tag *)obj);
		for (field = msg; field && strncmp(field, MAIN_TAG_FIELD, strlen(MAIN_TAG_FIELD));)
			field = (field = strchr(field, '\n')) ? field + 1 : NULL;
	}
	if (field) {
		field += strlen(MAIN_TAG_FIELD);
		name = xasprintf("%.*s", (int)strcspn(field, "\r\n"), field);
	} else {
		name = xasprintf("%.*s", (int)(strlen(tag) - strlen("-debug")), tag);
	}
	if (version_parse(name, &v) < 0 || v.debug) {
		error("tag '%s' mirrors '%s', which is not a release version (vX.Y.Z[-PRE]): fix the tag's "
		      "main-tag: line, or tag it again with releaser tag", tag, name);
		free(name);
		name = NULL;
	}
	git_object_free(obj);
	free(ref);
	return name;
}

/* the commit of refs/tags/<tag> into *id: EXIT_OK, or an exit code after a message */
static int tag_commit(git_repository *repo, const char *tag, git_oid *id)
{
	char *ref = xasprintf("refs/tags/%s", tag);
	int rc = commit_resolve_oid(repo, ref, id);

	free(ref);
	if (rc < 0)
		return EXIT_FAIL;
	if (rc > 0)
		return error("tag '%s' does not exist: fetch the tags (git fetch --tags)", tag), EXIT_USAGE;
	return EXIT_OK;
}

/*
 * the commit of the release r->mirrors into *id: 0; 1 after a warning when
 * that tag is missing (r->mirrors_missing set: the channel's range serves
 * instead); -1 after a message
 */
static int mirrored_commit(git_repository *repo, const char *debug_tag, struct notes_range *r, git_oid *id)
{
	char *ref = xasprintf("refs/tags/%s", r->mirrors);
	int rc = commit_resolve_oid(repo, ref, id);

	free(ref);
	if (rc == 1) {
		r->mirrors_missing = 1;
		warning("tag '%s' (the release '%s' mirrors) does not exist: the notes list the commits %s%s "
			"instead (fetch the tags: git fetch --tags)", r->mirrors, debug_tag,
			r->previous ? "since " : "up to ", r->previous ? r->previous : debug_tag);
	}
	return rc;
}

int notes_range_tag(git_repository *repo, const char *tag, struct notes_range *r)
{
	struct version v, self;
	git_oid tip, previous, mirrored;
	int ret;

	memset(r, 0, sizeof(*r));
	if (version_parse(tag, &v) < 0)
		return error("tag '%s' is not a release version (vX.Y.Z[-PRE] or vX.Y.Z[-PRE]-debug): name a "
			     "release tag", tag), EXIT_USAGE;
	if ((ret = tag_commit(repo, tag, &tip)) != EXIT_OK)
		return ret;
	version_base(&v, &self);
	if (read_tip(repo, &tip, r) < 0 || find_previous(repo, &tip, v.debug, &self, r, &previous) < 0)
		return EXIT_FAIL;
	if (v.debug) {
		r->mirrors = mirrored_tag(repo, tag);
		if (!r->mirrors)
			return EXIT_USAGE;
		ret = mirrored_commit(repo, tag, r, &mirrored);
		if (ret < 0)
			return EXIT_FAIL;
		if (ret == 0)
			return collect(repo, &tip, &mirrored, r) < 0 ? EXIT_FAIL : EXIT_OK;
	}
	return collect(repo, &tip, r->previous ? &previous : NULL, r) < 0 ? EXIT_FAIL : EXIT_OK;
}

int notes_range_snapshot(git_repository *repo, const char *commit, int debug, struct notes_range *r)
{
	git_oid tip, previous;

	memset(r, 0, sizeof(*r));
	if (oid_from_hex(&tip, commit) < 0 || read_tip(repo, &tip, r) < 0 ||
	    find_previous(repo, &tip, debug, NULL, r, &previous) < 0 ||
	    collect(repo, &tip, r->previous ? &previous : NULL, r) < 0)
		return EXIT_FAIL;
	return EXIT_OK;
}

void notes_range_release(struct notes_range *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->commits[i].subject);
		free(r->commits[i].body);
	}
	free(r->commits);
	free(r->previous);
	free(r->mirrors);
	memset(r, 0, sizeof(*r));
}
