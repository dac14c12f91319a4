/* The range and commits of release notes (see notes.h). */
#include "git/notes.h"

#include "git/graph.h"
#include "git/internal.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/common.h"
#include "lib/text.h"
#include "lib/version.h"

#define MAIN_TAG_FIELD "main-tag: "
#define NO_TAG GRAPH_NONE

/*
 * The history is walked over the commits' raw headers (parents and
 * committer time), read from the object database: libgit2's own walks
 * parse every commit whole and stop at the first author line it refuses
 * (no e-mail, no '>', a bad date), which git itself accepts.
 */
enum {
	NODE_REACHED = 1 << 8, /* met by the walk for the previous release */
	NODE_BELOW = 1 << 9,   /* an ancestor of a commit with a candidate tag */
};

/*
 * resolves refname (refs/tags/...) to the commit it names through any tags,
 * without parsing the commit. Returns 0; 1 when there is no such ref, 2
 * when it names no commit (nothing printed); -1 after a message.
 */
static int tag_peel(struct graph *g, const char *refname, git_oid *out)
{
	int rc;

	rc = git_reference_name_to_id(out, g->repo, refname);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
		git_error_clear();
		return 1;
	}
	if (git_check(rc, "cannot read '%s'", refname) < 0)
		return -1;
	rc = peel_raw(g->odb, out);
	return rc < 0 ? -1 : rc > 0 ? 2 : 0;
}

struct candidate {
	char *name;
	struct version base;  /* without -debug */
	size_t node;
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

/*
 * the tags that may precede self on the channel, highest first, each
 * noted on its commit's node (node.mark: the best of them there)
 */
static int list_candidates(struct graph *g, int debug, const struct version *self, struct candidates *l)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	struct version v, base;
	git_oid id;
	size_t i;
	int rc, ret = -1;

	if (git_check(git_reference_iterator_glob_new(&it, g->repo, "refs/tags/*"), "cannot list tags") < 0)
		return -1;
	while ((rc = git_reference_next(&ref, it)) == 0) {
		if (version_parse(git_reference_shorthand(ref), &v) == 0 && may_precede(&v, debug, self, &base) &&
		    tag_peel(g, git_reference_name(ref), &id) == 0) {
			l->items = xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
			l->items[l->n].name = xstrdup(git_reference_shorthand(ref));
			l->items[l->n].base = base;
			l->items[l->n].node = graph_node(g, &id);
			l->n++;
		}
		git_error_clear();
		git_reference_free(ref);
	}
	if (rc != GIT_ITEROVER && git_check(rc, "cannot list tags") < 0)
		goto cleanup;
	if (l->n > 1)
		qsort(l->items, l->n, sizeof(*l->items), candidate_cmp);
	for (i = l->n; i-- > 0;)
		g->nodes[l->items[i].node].mark = i;
	ret = 0;
cleanup:
	git_reference_iterator_free(it);
	return ret;
}

/*
 * the candidate tags nearest the tip: walked from the tip newest first;
 * a tagged commit's ancestors are below it and do not count; stops when
 * only such commits are left (and SLOP more). The best of them (the
 * highest version) into *best, NO_TAG when none.
 */
static int walk_to_tags(struct graph *g, size_t tip, size_t *best)
{
	struct graph_heap q = { 0 };
	size_t v, k, slop = GRAPH_SLOP;
	int ret = -1;

	g->nodes[tip].flags |= NODE_REACHED;
	graph_heap_push(g, &q, tip);
	while (q.n > 0) {
		if (!graph_heap_only(g, &q, NODE_BELOW))
			slop = GRAPH_SLOP;
		else if (--slop == 0)
			break;
		v = graph_heap_pop(g, &q);
		if (graph_load(g, v) < 0)
			goto cleanup;
		if (!(g->nodes[v].flags & NODE_BELOW) && g->nodes[v].mark != NO_TAG && g->nodes[v].mark < *best)
			*best = g->nodes[v].mark;
		for (k = 0; k < g->nodes[v].n_parents; k++) {
			size_t p = g->nodes[v].parents[k];

			if ((g->nodes[v].flags & NODE_BELOW) || g->nodes[v].mark != NO_TAG)
				graph_spread(g, p, NODE_BELOW);
			if (!(g->nodes[p].flags & NODE_REACHED)) {
				g->nodes[p].flags |= NODE_REACHED;
				graph_heap_push(g, &q, p);
			}
		}
	}
	ret = 0;
cleanup:
	free(q.v);
	return ret;
}

/*
 * the previous release of self (see may_precede) that tip contains, into
 * r->previous (NULL: none) and its node into *previous: one walk from the
 * tip that stops below the nearest release tags, however many tags there
 * are
 */
static int find_previous(struct graph *g, size_t tip, int debug, const struct version *self,
			 struct notes_range *r, size_t *previous)
{
	struct candidates l = { 0 };
	size_t best = NO_TAG;
	int ret = -1;

	if (list_candidates(g, debug, self, &l) < 0)
		goto cleanup;
	if (l.n && walk_to_tags(g, tip, &best) < 0)
		goto cleanup;
	if (best != NO_TAG) {
		r->previous = xstrdup(l.items[best].name);
		*previous = l.items[best].node;
	}
	ret = 0;
cleanup:
	candidates_clear(&l);
	return ret;
}

static int is_utf8_name(const char *encoding)
{
	return !strcasecmp(encoding, "UTF-8") || !strcasecmp(encoding, "UTF8");
}

/*
 * s[len] in encoding (NULL: UTF-8) as UTF-8 (caller frees); what cannot be
 * decoded becomes U+FFFD, counted in *replaced
 */
static char *decode_text(const char *s, size_t len, const char *encoding, size_t *replaced)
{
	iconv_t cd = (iconv_t)-1;
	char *out, *in = (char *)s, *o, *fixed;
	size_t cap = len * 4 + 16, left = len, room, n = 0;

	if (encoding && !is_utf8_name(encoding))
		cd = iconv_open("UTF-8", encoding);
	if (cd == (iconv_t)-1) { /* UTF-8, or an encoding iconv does not know: read as UTF-8 */
		fixed = utf8_fix(s, len, &n);
		*replaced += n;
		return fixed;
	}
	out = xmalloc(cap);
	o = out;
	room = cap;
	while (left > 0) {
		if (iconv(cd, &in, &left, &o, &room) != (size_t)-1)
			break;
		if (errno == E2BIG || room < 8) {
			size_t used = (size_t)(o - out);

			cap *= 2;
			out = xrealloc(out, cap);
			o = out + used;
			room = cap - used;
			continue;
		}
		/* EILSEQ, EINVAL: one byte that is not text in that encoding */
		memcpy(o, "\xef\xbf\xbd", 3);
		o += 3;
		room -= 3;
		in++;
		left--;
		(*replaced)++;
	}
	iconv_close(cd);
	fixed = utf8_fix(out, (size_t)(o - out), &n);
	*replaced += n;
	free(out);
	return fixed;
}

/* whether line[len] holds only white space */
static int blank(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return 0;
	return 1;
}

/* trims white space at both ends of s, in place */
static char *trim(char *s)
{
	size_t len;
	char *p = s;

	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	len = strlen(p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' || p[len - 1] == '\n'))
		len--;
	memmove(s, p, len);
	s[len] = '\0';
	return s;
}

/* the message's first paragraph on one line into c->subject, the rest (trimmed) into c->body */
static void split_message(const char *msg, struct notes_commit *c)
{
	const char *p = msg, *nl;
	size_t len, n = 0;
	char *subject = xmalloc(strlen(msg) + 1);

	while (*p) { /* blank lines before the subject */
		len = strcspn(p, "\n");
		if (!blank(p, len))
			break;
		p += len + (p[len] == '\n');
	}
	while (*p) {
		nl = p + strcspn(p, "\n");
		len = (size_t)(nl - p);
		if (blank(p, len))
			break;
		if (n)
			subject[n++] = ' ';
		memcpy(subject + n, p, len);
		n += len;
		p = *nl ? nl + 1 : nl;
	}
	subject[n] = '\0';
	c->subject = trim(subject);
	c->body = trim(xstrdup(p));
}

void notes_commit_text(struct notes_commit *c, const char *msg, size_t len, const char *author,
		       const char *encoding)
{
	char *text = decode_text(msg, len, encoding, &c->replaced);

	split_message(text, c);
	free(text);
	c->author = author ? decode_text(author, strlen(author), encoding, &c->replaced) : NULL;
}

/*
 * node i's commit into r, decoded as UTF-8 from its encoding; merges and
 * markers are left out. A commit libgit2 refuses (a malformed author or
 * committer line) is listed without its author, after a warning.
 */
static int add_commit(struct graph *g, size_t i, struct notes_range *r)
{
	const git_oid *id = &g->nodes[i].id;
	git_commit *c = NULL;
	struct notes_commit *nc;
	char *msg = NULL, *encoding = NULL;
	const char *author = NULL;
	size_t msg_len = 0;
	int ret = -1;

	if (g->nodes[i].n_parents > 1)
		return 0;
	if (git_commit_lookup(&c, g->repo, id) == 0) {
		if (debug_marker_is(c)) {
			ret = 0;
			goto cleanup;
		}
		msg = xstrdup(git_commit_message_raw(c));
		msg_len = strlen(msg);
		encoding = git_commit_message_encoding(c) ? xstrdup(git_commit_message_encoding(c)) : NULL;
		author = git_commit_author(c)->name;
	} else {
		const git_error *e = git_error_last();

		warning("commit %s has an author or committer line that cannot be parsed (%s): the notes list it "
			"without its author", git_oid_tostr_s(id), e && e->message ? e->message : "unknown error");
		git_error_clear();
		if (graph_message(g, i, &msg, &msg_len, &encoding) < 0)
			goto cleanup;
	}
	r->commits = xrealloc(r->commits, (r->n + 1) * sizeof(*r->commits));
	nc = &r->commits[r->n++];
	memset(nc, 0, sizeof(*nc));
	git_oid_tostr(nc->id, sizeof(nc->id), id);
	oid_short(id, nc->short_id);
	notes_commit_text(nc, msg, msg_len, author, encoding);
	if (!author)
		r->authors_missing++;
	if (nc->replaced)
		r->replaced++;
	ret = 0;
cleanup:
	free(encoding);
	free(msg);
	git_commit_free(c);
	return ret;
}

/*
 * the commits tip contains and hide (NO_TAG: none) does not, without
 * merges and markers, into r: children before parents, the newest first
 */
static int collect(struct graph *g, size_t tip, size_t hide, struct notes_range *r)
{
	size_t *order = NULL, n = 0, i;
	int ret = -1;

	if (graph_limit(g, tip, hide) < 0 || graph_order(g, tip, &order, &n) < 0)
		goto cleanup;
	for (i = 0; i < n; i++)
		if (add_commit(g, order[i], r) < 0)
			goto cleanup;
	ret = 0;
cleanup:
	free(order);
	return ret;
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
	git_error_clear();
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

/* the commit of refs/tags/<tag> into *node: EXIT_OK, or an exit code after a message */
static int tag_commit(struct graph *g, const char *tag, size_t *node)
{
	char *ref = xasprintf("refs/tags/%s", tag);
	git_oid id;
	int rc = tag_peel(g, ref, &id);

	free(ref);
	if (rc < 0)
		return EXIT_FAIL;
	if (rc == 1)
		return error("tag '%s' does not exist: fetch the tags (git fetch --tags)", tag), EXIT_USAGE;
	if (rc == 2)
		return error("tag '%s' does not point at a commit: name a release tag", tag), EXIT_USAGE;
	*node = graph_node(g, &id);
	return EXIT_OK;
}

/*
 * the commit of the release r->mirrors into *node: 0; 1 after a warning
 * when that tag is missing (r->mirrors_missing set: the channel's range
 * serves instead); -1 after a message
 */
static int mirrored_commit(struct graph *g, const char *debug_tag, struct notes_range *r, size_t *node)
{
	char *ref = xasprintf("refs/tags/%s", r->mirrors);
	git_oid id;
	int rc = tag_peel(g, ref, &id);

	free(ref);
	if (rc == 2)
		return error("tag '%s' (the release '%s' mirrors) does not point at a commit", r->mirrors, debug_tag);
	if (rc == 0)
		*node = graph_node(g, &id);
	if (rc == 1) {
		r->mirrors_missing = 1;
		warning("tag '%s' (the release '%s' mirrors) does not exist: the notes list the commits %s%s "
			"instead (fetch the tags: git fetch --tags)", r->mirrors, debug_tag,
			r->previous ? "since " : "up to ", r->previous ? r->previous : debug_tag);
	}
	return rc;
}

/* the tip's id and committer time into r */
static int read_tip(struct graph *g, size_t tip, struct notes_range *r)
{
	if (graph_load(g, tip) < 0)
		return -1;
	git_oid_tostr(r->commit, sizeof(r->commit), &g->nodes[tip].id);
	r->time = g->nodes[tip].time;
	return 0;
}

static int range_tag(struct graph *g, const char *tag, struct notes_range *r)
{
	struct version v, self;
	size_t tip, previous = NO_TAG, mirrored = NO_TAG;
	int ret;

	if (version_parse(tag, &v) < 0)
		return error("tag '%s' is not a release version (vX.Y.Z[-PRE] or vX.Y.Z[-PRE]-debug): name a "
			     "release tag", tag), EXIT_USAGE;
	if ((ret = tag_commit(g, tag, &tip)) != EXIT_OK)
		return ret;
	version_base(&v, &self);
	if (read_tip(g, tip, r) < 0 || find_previous(g, tip, v.debug, &self, r, &previous) < 0)
		return EXIT_FAIL;
	if (v.debug) {
		r->mirrors = mirrored_tag(g->repo, tag);
		if (!r->mirrors)
			return EXIT_USAGE;
		ret = mirrored_commit(g, tag, r, &mirrored);
		if (ret < 0)
			return EXIT_FAIL;
		if (ret == 0)
			return collect(g, tip, mirrored, r) < 0 ? EXIT_FAIL : EXIT_OK;
	}
	return collect(g, tip, previous, r) < 0 ? EXIT_FAIL : EXIT_OK;
}

int notes_range_tag(git_repository *repo, const char *tag, struct notes_range *r)
{
	struct graph g;
	int ret = EXIT_FAIL;

	memset(r, 0, sizeof(*r));
	if (graph_init(&g, repo) == 0)
		ret = range_tag(&g, tag, r);
	graph_release(&g);
	return ret;
}

int notes_range_snapshot(git_repository *repo, const char *commit, int debug, struct notes_range *r)
{
	struct graph g;
	git_oid id;
	size_t tip, previous = NO_TAG;
	int ret = EXIT_FAIL;

	memset(r, 0, sizeof(*r));
	if (graph_init(&g, repo) < 0 || oid_from_hex(&id, commit) < 0)
		goto cleanup;
	tip = graph_node(&g, &id);
	if (read_tip(&g, tip, r) < 0 || find_previous(&g, tip, debug, NULL, r, &previous) < 0 ||
	    collect(&g, tip, previous, r) < 0)
		goto cleanup;
	ret = EXIT_OK;
cleanup:
	graph_release(&g);
	return ret;
}

void notes_range_release(struct notes_range *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->commits[i].subject);
		free(r->commits[i].body);
		free(r->commits[i].author);
	}
	free(r->commits);
	free(r->previous);
	free(r->mirrors);
	memset(r, 0, sizeof(*r));
}
