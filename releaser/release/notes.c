/* Release notes: CHANGELOG.md and its JSON form (see notes.h). */
#include "release/notes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/common.h"
#include "lib/json.h"
#include "lib/text.h"
#include "lib/version.h"

/* the sections, in order: breaking changes first, other changes last */
static const struct section {
	const char *key;    /* the Conventional Commits type; "breaking", "other" */
	const char *title;
} sections[] = {
	{ "breaking", "Breaking changes" },
	{ "feat", "Features" },
	{ "fix", "Bug fixes" },
	{ "perf", "Performance" },
	{ "refactor", "Refactoring" },
	{ "docs", "Documentation" },
	{ "test", "Tests" },
	{ "build", "Build" },
	{ "ci", "CI" },
	{ "style", "Style" },
	{ "chore", "Chores" },
	{ "revert", "Reverts" },
	{ "other", "Other changes" },
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))
#define SECTION_BREAKING 0
#define SECTION_OTHER (N_SECTIONS - 1)

static const char *const breaking_footers[] = { "BREAKING CHANGE:", "BREAKING-CHANGE:" };

/* one commit as the notes show it */
struct entry {
	const struct notes_commit *c;
	size_t section;
	char *type;               /* lower case; NULL when the subject is not "type[(scope)][!]: ..." */
	char *scope;              /* NULL when none */
	const char *description;  /* into c->subject: after the type for a known type, else all of it */
	int breaking;
	char *breaking_note;      /* the footer's text; NULL when none */
};

/* the section of a known type, or SECTION_OTHER */
static size_t type_section(const char *type)
{
	size_t i;

	for (i = SECTION_BREAKING + 1; type && i < SECTION_OTHER; i++)
		if (!strcmp(sections[i].key, type))
			return i;
	return SECTION_OTHER;
}

/* "type[(scope)][!]: description" into e; leaves e alone when the subject is not that */
static void parse_subject(const char *s, struct entry *e)
{
	const char *p = s, *scope = NULL;
	size_t type_len, scope_len = 0, i;
	int bang = 0;

	while (isalnum((unsigned char)*p) || (*p == '-' && p > s))
		p++;
	type_len = (size_t)(p - s);
	if (type_len == 0 || !isalpha((unsigned char)*s))
		return;
	if (*p == '(') {
		scope = ++p;
		while (*p && *p != ')' && *p != '(')
			p++;
		scope_len = (size_t)(p - scope);
		if (*p++ != ')' || scope_len == 0)
			return;
	}
	if (*p == '!') {
		bang = 1;
		p++;
	}
	if (p[0] != ':' || p[1] != ' ')
		return;
	for (p += 2; *p == ' '; p++)
		;
	if (!*p)
		return;
	e->type = xasprintf("%.*s", (int)type_len, s);
	for (i = 0; i < type_len; i++)
		e->type[i] = (char)tolower((unsigned char)e->type[i]);
	e->scope = scope ? xasprintf("%.*s", (int)scope_len, scope) : NULL;
	e->breaking = bang;
	if (type_section(e->type) != SECTION_OTHER)
		e->description = p;
}

/* the first "BREAKING CHANGE: text" line of body: the text (caller frees), or NULL */
static char *breaking_footer(const char *body)
{
	const char *line, *text;
	size_t i;

	for (line = body; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		for (i = 0; i < sizeof(breaking_footers) / sizeof(breaking_footers[0]); i++) {
			if (strncmp(line, breaking_footers[i], strlen(breaking_footers[i])))
				continue;
			for (text = line + strlen(breaking_footers[i]); *text == ' '; text++)
				;
			return xasprintf("%.*s", (int)strcspn(text, "\r\n"), text);
		}
	}
	return NULL;
}

static void classify(const struct notes_commit *c, struct entry *e)
{
	memset(e, 0, sizeof(*e));
	e->c = c;
	e->description = c->subject;
	parse_subject(c->subject, e);
	e->breaking_note = breaking_footer(c->body);
	if (e->breaking_note)
		e->breaking = 1;
	e->section = e->breaking ? SECTION_BREAKING : type_section(e->type);
}

static struct entry *classify_all(const struct release_notes *rn)
{
	struct entry *all = xcalloc(rn->range.n ? rn->range.n : 1, sizeof(*all));
	size_t i;

	for (i = 0; i < rn->range.n; i++)
		classify(&rn->range.commits[i], &all[i]);
	return all;
}

static void entries_free(struct entry *all, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(all[i].type);
		free(all[i].scope);
		free(all[i].breaking_note);
	}
	free(all);
}

/* a growing string */
struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* the code point of the well-formed UTF-8 sequence at p, its length in *n */
static unsigned utf8_decode(const unsigned char *p, size_t *n)
{
	if (p[0] < 0x80)
		return *n = 1, p[0];
	if (p[0] < 0xe0)
		return *n = 2, (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
	if (p[0] < 0xf0)
		return *n = 3, (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
	return *n = 4, (p[0] & 0x07u) << 18 | (p[1] & 0x3fu) << 12 | (p[2] & 0x3fu) << 6 | (p[3] & 0x3fu);
}

/* control characters: C0, DEL, C1, and the bidirectional overrides and isolates */
static int is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static int is_space(unsigned cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
	       cp == 0x2028 || cp == 0x2029;
}

char *notes_md_text(const char *text, size_t max_chars)
{
	char *fixed = utf8_valid(text, strlen(text)) ? NULL : utf8_fix(text, strlen(text), NULL);
	const unsigned char *p = (const unsigned char *)(fixed ? fixed : text);
	struct buf b = { 0 };
	size_t n, chars = 0;
	int start = 1, digits = 1, space = 0;
	unsigned cp;
	char esc[2] = { '\\', 0 };

	buf_add(&b, "", 0);
	for (; *p; p += n) {
		cp = utf8_decode(p, &n);
		if (is_space(cp)) {
			space = !start;
			continue;
		}
		if (is_control(cp))
			continue;
		if (chars + space >= max_chars) {
			buf_add(&b, "\xe2\x80\xa6", 3); /* … */
			break;
		}
		if (space) {
			buf_add(&b, " ", 1);
			chars++;
			space = 0;
			digits = 0;
		}
		chars++;
		if (cp == '&' || cp == '<' || cp == '>') {
			buf_add(&b, cp == '&' ? "&amp;" : cp == '<' ? "&lt;" : "&gt;", cp == '&' ? 5 : 4);
		} else if (cp < 0x80 && (strchr("\\`*_[]|~$", (int)cp) || (start && strchr("#+-=", (int)cp)) ||
					 ((cp == '.' || cp == ')') && digits && !start))) {
			/*
			 * inline syntax anywhere (with [ and ] escaped, ( ) and !
			 * make no link or image); block syntax where the text starts
			 */
			esc[1] = (char)cp;
			buf_add(&b, esc, 2);
		} else {
			buf_add(&b, (const char *)p, n);
		}
		digits = digits && cp >= '0' && cp <= '9';
		start = 0;
	}
	free(fixed);
	return b.s;
}

/* whether the description drops the type, so a scope is shown apart */
static int shows_scope(const struct entry *e)
{
	return e->scope && e->description != e->c->subject;
}

static void date_text(long long t, char buf[16])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, 16, "%Y-%m-%d", &tm))
		snprintf(buf, 16, "unknown");
}

/* what the list covers, one line */
static void write_intro(FILE *f, const struct release_notes *rn)
{
	const struct notes_range *r = &rn->range;

	if (r->mirrors && r->mirrors_missing) {
		fprintf(f, "The debug release of %s (a tag this repository does not have): %s %s.\n", r->mirrors,
			r->previous ? "the commits since" : "every commit up to", r->previous ? r->previous : rn->version);
	} else if (r->mirrors) {
		fprintf(f, "The debug release of %s: what the debug branch adds on top of it.\n", r->mirrors);
		if (r->previous)
			fprintf(f, "Previous debug release: %s.\n", r->previous);
	} else if (r->previous) {
		fprintf(f, "Changes since %s.\n", r->previous);
	} else {
		fprintf(f, "The first release: every commit up to %s.\n", rn->version);
	}
}

/* one item: "- [**scope:** ]description (short_id)", and its breaking note nested */
static void write_entry(FILE *f, const struct entry *e)
{
	char *scope = shows_scope(e) ? notes_md_text(e->scope, NOTES_MD_MAX_CHARS) : NULL;
	char *text = notes_md_text(e->description, NOTES_MD_MAX_CHARS);
	char *note = e->breaking_note ? notes_md_text(e->breaking_note, NOTES_MD_MAX_CHARS) : NULL;

	if (!*text) {
		free(text);
		text = xstrdup("(no subject)");
	}
	fprintf(f, "- %s%s%s%s (%s)\n", scope ? "**" : "", scope ? scope : "", scope ? ":** " : "", text,
		e->c->short_id);
	if (note && *note)
		fprintf(f, "  - %s\n", note);
	free(note);
	free(text);
	free(scope);
}

static void write_section(FILE *f, const struct entry *all, size_t n, size_t s)
{
	size_t i;
	int any = 0;

	for (i = 0; i < n; i++) {
		if (all[i].section != s)
			continue;
		if (!any)
			fprintf(f, "\n## %s\n\n", sections[s].title);
		any = 1;
		write_entry(f, &all[i]);
	}
}

char *release_notes_markdown(const struct release_notes *rn)
{
	struct entry *all = classify_all(rn);
	char date[16], *text = NULL;
	size_t len = 0, s;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		die(EXIT_FAIL, "out of memory");
	date_text(rn->range.time, date);
	fprintf(f, "# %s (%s)\n\n", rn->version, date);
	write_intro(f, rn);
	if (rn->range.n == 0)
		fprintf(f, "\nNo changes.\n");
	for (s = 0; s < N_SECTIONS; s++)
		write_section(f, all, rn->range.n, s);
	if (fclose(f) != 0 || !text)
		die(EXIT_FAIL, "out of memory");
	entries_free(all, rn->range.n);
	return text;
}

static json_t *entry_json(const struct entry *e)
{
	json_t *o = json_object();

	jset(o, "id", jstr(e->c->id));
	jset(o, "short_id", jstr(e->c->short_id));
	jset(o, "subject", jstr(e->c->subject));
	jset(o, "type", jstr(e->type));
	jset(o, "scope", jstr(e->scope));
	jset(o, "description", jstr(e->description));
	jset(o, "breaking", json_boolean(e->breaking));
	jset(o, "breaking_note", jstr(e->breaking_note));
	jset(o, "author", jstr(e->c->author));
	jset(o, "replaced", json_integer((json_int_t)e->c->replaced));
	return o;
}

json_t *release_notes_json(const struct release_notes *rn)
{
	struct entry *all = classify_all(rn);
	json_t *doc = json_object(), *groups = json_array(), *g, *commits;
	char date[16];
	size_t s, i;

	date_text(rn->range.time, date);
	jset(doc, "version", jstr(rn->version));
	jset(doc, "tag", jstr(rn->tag));
	jset(doc, "channel", jstr(rn->debug ? "debug" : "release"));
	jset(doc, "commit", jstr(rn->range.commit));
	jset(doc, "date", jstr(date));
	jset(doc, "previous", jstr(rn->range.previous));
	jset(doc, "mirrors", jstr(rn->range.mirrors));
	jset(doc, "mirrors_missing", json_boolean(rn->range.mirrors_missing));
	jset(doc, "replaced_commits", json_integer((json_int_t)rn->range.replaced));
	jset(doc, "authors_missing", json_integer((json_int_t)rn->range.authors_missing));
	for (s = 0; s < N_SECTIONS; s++) {
		commits = json_array();
		for (i = 0; i < rn->range.n; i++)
			if (all[i].section == s)
				jpush(commits, entry_json(&all[i]));
		if (json_array_size(commits) == 0) {
			json_decref(commits);
			continue;
		}
		g = json_object();
		jset(g, "group", jstr(sections[s].key));
		jset(g, "title", jstr(sections[s].title));
		jset(g, "commits", commits);
		jpush(groups, g);
	}
	jset(doc, "groups", groups);
	entries_free(all, rn->range.n);
	return doc;
}

int release_notes_load(git_repository *repo, const struct release_state *st, const char *tag,
		       struct release_notes *rn)
{
	struct version v;

	memset(rn, 0, sizeof(*rn));
	if (!tag && !st->snapshot) {
		if (!st->tag || !st->version[0])
			return error("no release to write notes for: %s", st->problems.n ? st->problems.items[0] :
				     "name a tag"), EXIT_USAGE;
		tag = st->tag;
	}
	if (tag) {
		rn->version = xstrdup(tag);
		rn->tag = xstrdup(tag);
		rn->debug = version_parse(tag, &v) == 0 && v.debug;
		return notes_range_tag(repo, tag, &rn->range);
	}
	rn->version = xstrdup(st->version);
	rn->debug = st->channel == CHANNEL_DEBUG;
	return notes_range_snapshot(repo, st->head.sha, rn->debug, &rn->range);
}

void release_notes_release(struct release_notes *rn)
{
	free(rn->version);
	free(rn->tag);
	notes_range_release(&rn->range);
	memset(rn, 0, sizeof(*rn));
}

int release_notes_changelog(git_repository *repo, const struct release_state *st, char **text)
{
	struct release_notes rn;
	int ret = release_notes_load(repo, st, NULL, &rn);

	*text = ret == EXIT_OK ? release_notes_markdown(&rn) : NULL;
	release_notes_release(&rn);
	return ret;
}

/* UTF-16 code units of s[len] (as GitHub counts a release body's characters) */
static size_t utf16_units(const char *s, size_t len)
{
	size_t i, units = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) != 0x80)
			units += c >= 0xf0 ? 2 : 1;
	}
	return units;
}

/* the start of the line after the one at p */
static const char *line_next(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

char *release_notes_body(const char *md, size_t len, size_t max_chars)
{
	const char *p, *q, *next, *end = md + len, *cut = NULL;
	size_t units = 0, item_units, cut_entries = 0, entries = 0;
	char *text;

	if (utf16_units(md, len) <= max_chars)
		return xasprintf("%.*s", (int)len, md);
	for (p = md; p < end; p = next) {
		next = line_next(p, end);
		if (strncmp(p, "- ", 2)) {
			units += utf16_units(p, (size_t)(next - p));
			continue;
		}
		/* an item goes whole, with its nested lines */
		for (q = next; q < end && !strncmp(q, "  ", 2); q = line_next(q, end))
			;
		item_units = utf16_units(p, (size_t)(q - p));
		entries++;
		if (!cut && units + item_units + NOTES_BODY_FOOTER_ROOM > max_chars)
			cut = p;
		cut_entries += cut != NULL;
		units += item_units;
		next = q;
	}
	if (!cut) /* no item to leave out: the text around them is too long */
		cut = md;
	text = xasprintf("%.*s\n*%zu of the %zu entries are not shown here: CHANGELOG.md, attached to this "
			 "release, lists them all.*\n", (int)(cut - md), md, cut_entries, entries);
	return text;
}
