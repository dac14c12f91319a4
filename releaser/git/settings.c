/* Project settings from releaser.conf through libgit2's config API. */
#include "git/settings.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/common.h"
#include "lib/debian.h"
#include "lib/text.h"
#include "git/internal.h"

/* who the packages name when releaser.conf does not say */
#define DEFAULT_MAINTAINER "profiling-agent maintainers <maintainers@profiling-agent.invalid>"

/* the most releaser.conf may hold: it is a handful of keys */
#define SETTINGS_MAX_SIZE (64 * 1024)

/* every key releaser.conf may hold, each section's keys together */
static const struct known_key {
	const char *section;
	const char *key;
} known_keys[] = {
	{ "project", "name" },	{ "branch", "main" },	 { "branch", "debug" },	    { "build", "arch" },
	{ "package", "file" },	{ "mirror", "allow" },	 { "guard", "maxsize" },    { "deb", "maintainer" },
	{ "deb", "homepage" },	{ "deb", "depends" },
};
#define N_KNOWN (sizeof(known_keys) / sizeof(known_keys[0]))

/* a section header or a key line, as the scanner reads the file (for line numbers) */
struct conf_line {
	char *section; /* lower-case */
	char *sub;     /* the subsection ([s "sub"] or [s.sub]); NULL when none */
	char *key;     /* lower-case; NULL for a header */
	int line;
	int used;      /* a key line already matched with one of libgit2's entries */
};

/* what settings_check carries from step to step */
struct check {
	const char *path;
	struct conf_line *lines;
	size_t n_lines;
	struct strlist reported; /* "section\nsub" of the unknown sections reported */
	struct settings_problems *p;
};

static char *lower_n(const char *s, size_t n)
{
	char *r = xmalloc(n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		r[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
	r[n] = '\0';
	return r;
}

static void problem_add(struct check *c, const char *kind, const char *section, const char *key, int line,
			const char *suggestion, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void problem_add(struct check *c, const char *kind, const char *section, const char *key, int line,
			const char *suggestion, const char *fmt, ...)
{
	struct settings_problems *p = c->p;
	struct settings_problem *e;
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	p->items = xrealloc(p->items, (p->n + 1) * sizeof(*p->items));
	e = &p->items[p->n++];
	e->kind = kind;
	e->section = section ? xstrdup(section) : NULL;
	e->key = key ? xstrdup(key) : NULL;
	e->line = line;
	e->suggestion = suggestion ? xstrdup(suggestion) : NULL;
	e->message = msg;
}

/* whether a problem names section.key already (one problem a key) */
static int has_problem(const struct check *c, const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < c->p->n; i++)
		if (c->p->items[i].section && c->p->items[i].key && !strcmp(c->p->items[i].section, section) &&
		    !strcmp(c->p->items[i].key, key))
			return 1;
	return 0;
}

/*
 * the edit distance of a and b (optimal string alignment: an insertion, a
 * deletion, a substitution or a swap of two neighbours costs 1); names
 * longer than 32 bytes are never near anything
 */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[33][33], v;

	if (la > 32 || lb > 32)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* a typo of known: at most one edit in four letters (at least one) */
static size_t near_limit(const char *known)
{
	size_t n = strlen(known) / 4;

	return n ? n : 1;
}

static int known_section(const char *section)
{
	size_t i;

	for (i = 0; i < N_KNOWN; i++)
		if (!strcmp(known_keys[i].section, section))
			return 1;
	return 0;
}

static int known_key(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < N_KNOWN; i++)
		if (!strcmp(known_keys[i].section, section) && !strcmp(known_keys[i].key, key))
			return 1;
	return 0;
}

/* the known section nearest to section, or NULL */
static const char *nearest_section(const char *section)
{
	const char *best = NULL;
	size_t i, d, best_d = (size_t)-1;

	for (i = 0; i < N_KNOWN; i++) {
		d = distance(section, known_keys[i].section);
		if (d <= near_limit(known_keys[i].section) && d < best_d) {
			best = known_keys[i].section;
			best_d = d;
		}
	}
	return best;
}

/* the known key nearest to key: in section first, then in any section; NULL when none is near */
static const struct known_key *nearest_key(const char *section, const char *key)
{
	const struct known_key *best = NULL;
	size_t i, d, best_d = (size_t)-1;
	int pass;

	for (pass = 0; pass < 2 && !best; pass++) {
		for (i = 0; i < N_KNOWN; i++) {
			if (pass == 0 && strcmp(known_keys[i].section, section))
				continue;
			d = distance(key, known_keys[i].key);
			if (d <= near_limit(known_keys[i].key) && d < best_d) {
				best = &known_keys[i];
				best_d = d;
			}
		}
	}
	return best;
}

/* "a, b, c": the names of the sections, or of section's keys (caller frees) */
static char *known_list(const char *section)
{
	char *list = xstrdup(""), *next;
	size_t i;

	for (i = 0; i < N_KNOWN; i++) {
		const char *name = section ? known_keys[i].key : known_keys[i].section;

		if (section ? strcmp(known_keys[i].section, section) : (i > 0 && !strcmp(known_keys[i - 1].section, name)))
			continue;
		next = xasprintf("%s%s%s", list, *list ? ", " : "", name);
		free(list);
		list = next;
	}
	return list;
}

static void scan_add(struct check *c, char *section, char *sub, const char *key, size_t key_len, int line)
{
	struct conf_line *l;

	c->lines = xrealloc(c->lines, (c->n_lines + 1) * sizeof(*c->lines));
	l = &c->lines[c->n_lines++];
	l->section = xstrdup(section);
	l->sub = sub ? xstrdup(sub) : NULL;
	l->key = key ? lower_n(key, key_len) : NULL;
	l->line = line;
	l->used = 0;
}

/* whether the value text v (after a key) goes on on the next line; *quoted carries an open quote */
static int value_continues(const char *v, int *quoted)
{
	for (; *v; v++) {
		if (*v == '\\') {
			if (!v[1] || (v[1] == '\r' && !v[2]))
				return 1;
			v++;
		} else if (*v == '"') {
			*quoted = !*quoted;
		} else if (!*quoted && (*v == '#' || *v == ';')) {
			return 0;
		}
	}
	return 0;
}

#define KEY_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"

/*
 * a section header at s (just after its '['): its section and subsection
 * into *section and *sub (caller frees); returns what follows its ']'
 * (a key may follow on the same line), or NULL when it has none
 */
static char *scan_header(char *s, char **section, char **sub)
{
	size_t n;
	char *dot, *end;

	s += strspn(s, " \t");
	n = strcspn(s, " \t\"]");
	*section = lower_n(s, n);
	*sub = NULL;
	dot = strchr(*section, '.');
	if (dot) {
		*sub = xstrdup(dot + 1);
		*dot = '\0';
	}
	s += n;
	s += strspn(s, " \t");
	if (*s == '"') {
		for (end = ++s; *end && *end != '"'; end++)
			if (*end == '\\' && end[1])
				end++;
		free(*sub);
		*sub = xasprintf("%.*s", (int)(end - s), s);
		s = *end ? end + 1 : end;
	}
	end = strchr(s, ']');
	return end ? end + 1 : NULL;
}

/*
 * reads the file's lines: its headers and keys into c->lines, an
 * [include] or [includeIf] section (which libgit2 would follow to any
 * file) or a NUL byte as a problem; returns 0, or 1 when the file must
 * not be parsed further
 */
static int scan_text(struct check *c, char *text, size_t len)
{
	char *line, *next, *rest, *section = xstrdup(""), *sub = NULL, *name = NULL;
	int lineno = 0, cont = 0, quoted = 0, ret = 0;
	size_t n;

	if (memchr(text, '\0', len)) {
		problem_add(c, "unsafe", NULL, NULL, 0, NULL, "it holds a NUL byte: it must be a text file");
		free(section);
		return 1;
	}
	for (line = text; line && !ret; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (cont) {
			cont = value_continues(line, &quoted);
			continue;
		}
		rest = line + strspn(line, " \t");
		if (*rest == '[') {
			free(section);
			free(sub);
			rest = scan_header(rest + 1, &section, &sub);
			n = strcspn(line + strspn(line, " \t[") , " \t\"].");
			if (!strcmp(section, "include") || !strcmp(section, "includeif")) {
				name = xasprintf("%.*s", (int)n, line + strspn(line, " \t["));
				problem_add(c, "unsafe", section, NULL, lineno, NULL,
					    "[%s] sections are not allowed: releaser.conf must be one file", name);
				free(name);
				ret = 1;
			}
			scan_add(c, section, sub, NULL, 0, lineno);
			if (!rest)
				continue;
			rest += strspn(rest, " \t");
		}
		n = strspn(rest, KEY_CHARS);
		if (n == 0)
			continue;
		scan_add(c, section, sub, rest, n, lineno);
		quoted = 0;
		cont = value_continues(rest + n, &quoted);
	}
	free(section);
	free(sub);
	return ret;
}

/* the line of the nth (0: first; -1: last) key line section.key, or of section's header (key NULL); 0 when none */
static int line_of(const struct check *c, const char *section, const char *sub, const char *key, int nth)
{
	int found = 0;
	size_t i;

	for (i = 0; i < c->n_lines; i++) {
		const struct conf_line *l = &c->lines[i];

		if (strcmp(l->section, section) || (!sub) != (!l->sub) || (sub && strcasecmp(sub, l->sub)) ||
		    (!key) != (!l->key) || (key && strcmp(key, l->key)))
			continue;
		if (nth < 0)
			found = l->line;
		else if (nth-- == 0)
			return l->line;
	}
	return found;
}

/* an unknown section (or one with a subsection), reported once */
static void unknown_section(struct check *c, const char *section, const char *sub, int line)
{
	char *id = xasprintf("%s\n%s", section, sub ? sub : ""), *shown, *list;
	const char *near = sub && known_section(section) ? section : nearest_section(section);

	if (strlist_has(&c->reported, id)) {
		free(id);
		return;
	}
	strlist_add(&c->reported, id);
	free(id);
	id = sub ? xasprintf("%s \"%s\"", section, sub) : xstrdup(section);
	shown = term_escape(id);
	free(id);
	list = known_list(NULL);
	if (sub && known_section(section))
		problem_add(c, "unknown-section", section, NULL, line, near,
			    "unknown section [%s]: releaser.conf's sections have no subsections; did you mean [%s]?",
			    shown, near);
	else if (near)
		problem_add(c, "unknown-section", section, NULL, line, near, "unknown section [%s]; did you mean [%s]?",
			    shown, near);
	else
		problem_add(c, "unknown-section", section, NULL, line, NULL, "unknown section [%s]: the sections are %s",
			    shown, list);
	free(list);
	free(shown);
}

/* the headers of the file: every unknown section, also one without keys */
static void check_headers(struct check *c)
{
	size_t i;

	for (i = 0; i < c->n_lines; i++)
		if (!c->lines[i].key && (c->lines[i].sub || !known_section(c->lines[i].section)))
			unknown_section(c, c->lines[i].section, c->lines[i].sub, c->lines[i].line);
}

/* marks the next key line of section.key used and returns its line (0 when the scanner did not see it) */
static int take_line(struct check *c, const char *section, const char *sub, const char *key)
{
	size_t i;

	for (i = 0; i < c->n_lines; i++) {
		struct conf_line *l = &c->lines[i];

		if (!l->used && l->key && !strcmp(l->section, section) && !strcmp(l->key, key) &&
		    (!sub) == (!l->sub) && (!sub || !strcasecmp(sub, l->sub))) {
			l->used = 1;
			return l->line;
		}
	}
	return 0;
}

/* each entry libgit2 read: a known key of a known section, with a value */
static int check_entry(const git_config_entry *e, void *payload)
{
	struct check *c = payload;
	const char *dot = strchr(e->name, '.'), *last = strrchr(e->name, '.');
	char *section, *sub = NULL, *key, *shown;
	const struct known_key *near;
	int line;

	if (!dot)
		return 0;
	section = lower_n(e->name, (size_t)(dot - e->name));
	key = xstrdup(last + 1);
	if (last != dot)
		sub = xasprintf("%.*s", (int)(last - dot - 1), dot + 1);
	line = take_line(c, section, sub, key);
	if (sub || !known_section(section)) {
		unknown_section(c, section, sub, line_of(c, section, sub, NULL, 0));
	} else if (!known_key(section, key)) {
		char *list = known_list(section), *full;

		near = nearest_key(section, key);
		shown = term_escape(key);
		full = near ? xasprintf("%s.%s", near->section, near->key) : NULL;
		if (near && !strcmp(near->section, section))
			problem_add(c, "unknown-key", section, key, line, full,
				    "unknown key '%s' in [%s]; did you mean '%s'?", shown, section, near->key);
		else if (near)
			problem_add(c, "unknown-key", section, key, line, full,
				    "unknown key '%s' in [%s]; did you mean '%s' in [%s]?", shown, section, near->key,
				    near->section);
		else
			problem_add(c, "unknown-key", section, key, line, NULL, "unknown key '%s' in [%s]: its keys are %s",
				    shown, section, list);
		free(full);
		free(shown);
		free(list);
	} else if ((!e->value || !*e->value) && !has_problem(c, section, key)) {
		problem_add(c, "bad-value", section, key, line, NULL,
			    "'%s' has no value: write '%s = VALUE', or remove the line", e->name, key);
	}
	free(section);
	free(sub);
	free(key);
	return 0;
}

/* "section.key" split for the problems: *section and *key point into a copy the caller frees */
static char *split_name(const char *name, const char **section, const char **key)
{
	char *copy = xstrdup(name), *dot = strchr(copy, '.');

	*dot = '\0';
	*section = copy;
	*key = dot + 1;
	return copy;
}

static void bad_value(struct check *c, const char *name, int nth, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* a problem with the value of name (the nth of a list; -1: a single value, its last line) */
static void bad_value(struct check *c, const char *name, int nth, const char *fmt, ...)
{
	const char *section, *key;
	char *copy = split_name(name, &section, &key), *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (!has_problem(c, section, key))
		problem_add(c, "bad-value", section, key, line_of(c, section, NULL, key, nth), NULL, "%s", msg);
	free(msg);
	free(copy);
}

/* a single value: def when missing, also when bad (after a problem) */
static void get_string(struct check *c, git_config *cfg, const char *key, const char *def, char **out)
{
	git_buf buf = { 0 };
	const git_error *e;
	const char *section, *k;
	char *copy = split_name(key, &section, &k);
	int rc = cfg && !has_problem(c, section, k) ? git_config_get_string_buf(&buf, cfg, key) : GIT_ENOTFOUND;

	free(copy);
	*out = NULL;
	if (rc < 0 && rc != GIT_ENOTFOUND) {
		e = git_error_last();
		bad_value(c, key, -1, "bad value for '%s': %s", key, e && e->message ? e->message : "unreadable");
		git_error_clear();
	} else if (rc == 0 && buf.size == 0) {
		bad_value(c, key, -1, "'%s' is empty: give a value or remove the key", key);
	} else if (rc == 0) {
		*out = xstrdup(buf.ptr);
	}
	if (!*out)
		*out = xstrdup(def);
	git_buf_dispose(&buf);
}

static int add_entry(const git_config_entry *e, void *payload)
{
	strlist_add(payload, e->value ? e->value : "");
	return 0;
}

static void list_defaults(const char *defaults, struct strlist *out)
{
	char *copy = xstrdup(defaults), *tok, *save = NULL;

	strlist_clear(out);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		strlist_add(out, tok);
	free(copy);
}

/* a multi-valued key: the defaults when missing or unreadable */
static void get_list(struct check *c, git_config *cfg, const char *key, const char *defaults, struct strlist *out)
{
	int rc = cfg ? git_config_get_multivar_foreach(cfg, key, NULL, add_entry, out) : GIT_ENOTFOUND;
	const git_error *e;

	if (rc < 0 && rc != GIT_ENOTFOUND) {
		e = git_error_last();
		bad_value(c, key, 0, "bad value for '%s': %s", key, e && e->message ? e->message : "unreadable");
		git_error_clear();
		rc = GIT_ENOTFOUND;
	}
	if (rc == GIT_ENOTFOUND)
		list_defaults(defaults, out);
}

/* one plain file name: it names the tarballs and their top directory */
static int plain_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      strchr("._+-", s[i])))
			return 0;
	return 1;
}

/* a path inside the work tree: relative, no "." or ".." component, no control characters */
static int inside_path(const char *s)
{
	const char *p = s;
	size_t n;

	if (!*s || *s == '/')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	for (p = s; *p; p += n + (p[n] == '/')) {
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
	}
	return 1;
}

int settings_branch_valid(const char *name)
{
	char *ref = xasprintf("refs/heads/%s", name);
	int valid = 0;

	if (git_reference_name_is_valid(&valid, ref) < 0) {
		git_error_clear();
		valid = 0;
	}
	free(ref);
	return valid && name[0] != '-' && !name[strcspn(name, "<>&\"'`|$\\")];
}

const char *settings_check_project(const char *name)
{
	if (!plain_name(name))
		return "must be one plain file name (letters, digits, '.', '_', '+', '-'; at most 64): "
		       "it names the tarballs";
	if (debian_check_package(name))
		return "must be a Debian package name (lower-case letters, digits, '+', '-', '.'; a letter or "
		       "digit first): it names the packages";
	return NULL;
}

/* value as a message shows it: control characters and bytes that are not UTF-8 escaped */
static void bad_shown(struct check *c, const char *key, int nth, const char *value, const char *rule, const char *why)
{
	char *shown = term_escape(value);

	bad_value(c, key, nth, "%s '%s' %s: %s", key, shown, rule, why);
	free(shown);
}

static void reset(char **field, const char *def)
{
	free(*field);
	*field = xstrdup(def);
}

/* the [deb] keys: each goes into the packages' control file as it is */
static void validate_deb(struct check *c, struct settings *s)
{
	char why[256];
	const char *bad;

	if ((bad = debian_check_maintainer(s->deb_maintainer)) != NULL) {
		bad_shown(c, "deb.maintainer", -1, s->deb_maintainer, "must be one line 'NAME <EMAIL>'", bad);
		reset(&s->deb_maintainer, DEFAULT_MAINTAINER);
	}
	if (*s->deb_homepage && (bad = debian_check_homepage(s->deb_homepage)) != NULL) {
		bad_shown(c, "deb.homepage", -1, s->deb_homepage, "is not a homepage URL", bad);
		reset(&s->deb_homepage, "");
	}
	if (*s->deb_depends && debian_check_relations(s->deb_depends, why, sizeof(why))) {
		bad_shown(c, "deb.depends", -1, s->deb_depends,
			  "is not a Debian relationship list such as 'libc6 (>= 2.36), libelf1 | libelf1t64'", why);
		reset(&s->deb_depends, "");
	}
}

/* every value against its rules; a bad one is a problem and goes back to its default */
static void validate(struct check *c, struct settings *s)
{
	const char *bad;
	size_t i;

	if ((bad = settings_check_project(s->name)) != NULL) {
		bad_value(c, "project.name", -1, "project.name '%s' %s", s->name, bad);
		reset(&s->name, "profiling-agent");
	}
	if (!settings_branch_valid(s->main_branch)) {
		bad_value(c, "branch.main", -1, "branch.main '%s' is not a valid branch name", s->main_branch);
		reset(&s->main_branch, "main");
	}
	if (!settings_branch_valid(s->debug_branch)) {
		bad_value(c, "branch.debug", -1, "branch.debug '%s' is not a valid branch name", s->debug_branch);
		reset(&s->debug_branch, "debug");
	}
	if (!strcmp(s->main_branch, s->debug_branch)) {
		bad_value(c, "branch.debug", -1,
			  "branch.main and branch.debug are both '%s': give the debug branch a name of its own",
			  s->main_branch);
		reset(&s->main_branch, "main");
		reset(&s->debug_branch, "debug");
	}
	for (i = 0; i < s->arches.n; i++)
		if (strcmp(s->arches.items[i], "amd64") && strcmp(s->arches.items[i], "arm64")) {
			bad_value(c, "build.arch", (int)i, "build.arch '%s' is not supported (use amd64 or arm64)",
				  s->arches.items[i]);
			list_defaults("amd64 arm64", &s->arches);
			break;
		}
	for (i = 0; i < s->files.n; i++)
		if (!inside_path(s->files.items[i])) {
			bad_value(c, "package.file", (int)i,
				  "package.file '%s' must be a relative path inside the work tree (no '..', no leading '/')",
				  s->files.items[i]);
			list_defaults("LICENSE README.md", &s->files);
			break;
		}
	if (s->guard_max_size <= 0) {
		bad_value(c, "guard.maxsize", -1, "guard.maxsize must be a positive number of bytes");
		s->guard_max_size = 1 << 20;
	}
	validate_deb(c, s);
}

/* every key through libgit2, each bad one a problem left at its default */
static void read_values(struct check *c, git_config *cfg, struct settings *s)
{
	int64_t size = 1 << 20;
	int rc;

	get_string(c, cfg, "project.name", "profiling-agent", &s->name);
	get_string(c, cfg, "branch.main", "main", &s->main_branch);
	get_string(c, cfg, "branch.debug", "debug", &s->debug_branch);
	get_list(c, cfg, "build.arch", "amd64 arm64", &s->arches);
	get_list(c, cfg, "package.file", "LICENSE README.md", &s->files);
	get_list(c, cfg, "mirror.allow", SETTINGS_FILE, &s->mirror_allow);
	get_string(c, cfg, "deb.maintainer", DEFAULT_MAINTAINER, &s->deb_maintainer);
	get_string(c, cfg, "deb.homepage", "", &s->deb_homepage);
	get_string(c, cfg, "deb.depends", "", &s->deb_depends);
	rc = cfg && !has_problem(c, "guard", "maxsize") ? git_config_get_int64(&size, cfg, "guard.maxsize")
							 : GIT_ENOTFOUND;
	if (rc < 0 && rc != GIT_ENOTFOUND) {
		git_error_clear();
		bad_value(c, "guard.maxsize", -1, "guard.maxsize is not a number of bytes (e.g. 1048576, or 1m)");
		size = 1 << 20;
	}
	s->guard_max_size = rc < 0 ? 1 << 20 : size;
	validate(c, s);
}

/* libgit2's parse error as a problem, with the line its message names */
static void syntax_problem(struct check *c)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "cannot be parsed";
	char *at = xasprintf("%s:", c->path), *pos = strstr(msg, at);

	problem_add(c, "syntax", NULL, NULL, pos ? atoi(pos + strlen(at)) : 0, NULL, "%s", msg);
	git_error_clear();
	free(at);
}

/* where a problem sorts: by its line, the ones without a line last */
static unsigned line_key(const struct settings_problem *e)
{
	return e->line > 0 ? (unsigned)e->line : (unsigned)-1;
}

/* the problems in the order of their lines, the first found first among equals (a stable sort) */
static void sort_problems(struct settings_problems *p)
{
	struct settings_problem t;
	size_t i, j;

	for (i = 1; i < p->n; i++)
		for (j = i; j > 0 && line_key(&p->items[j - 1]) > line_key(&p->items[j]); j--) {
			t = p->items[j - 1];
			p->items[j - 1] = p->items[j];
			p->items[j] = t;
		}
}

int settings_check(git_repository *repo, struct settings *s, struct settings_problems *p)
{
	const char *workdir = git_repository_workdir(repo);
	struct check c;
	git_config *cfg = NULL;
	char *text = NULL;
	size_t len, i;
	int ret = -1, stop = 0;

	memset(s, 0, sizeof(*s));
	memset(p, 0, sizeof(*p));
	memset(&c, 0, sizeof(c));
	p->path = xasprintf("%s%s", workdir ? workdir : "", SETTINGS_FILE);
	c.path = p->path;
	c.p = p;
	if (workdir && access(p->path, F_OK) == 0) {
		text = read_file(p->path, SETTINGS_MAX_SIZE, &len);
		if (!text)
			goto cleanup;
		stop = scan_text(&c, text, len);
		if (!stop)
			check_headers(&c);
		if (!stop && git_config_open_ondisk(&cfg, p->path) < 0) {
			syntax_problem(&c);
			stop = 1;
		}
		if (cfg)
			git_config_foreach(cfg, check_entry, &c);
	}
	read_values(&c, stop ? NULL : cfg, s);
	sort_problems(p);
	ret = 0;
cleanup:
	git_config_free(cfg);
	for (i = 0; i < c.n_lines; i++) {
		free(c.lines[i].section);
		free(c.lines[i].sub);
		free(c.lines[i].key);
	}
	free(c.lines);
	strlist_clear(&c.reported);
	free(text);
	if (ret) {
		settings_release(s);
		settings_problems_release(p);
	}
	return ret;
}

void settings_problems_release(struct settings_problems *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->items[i].section);
		free(p->items[i].key);
		free(p->items[i].suggestion);
		free(p->items[i].message);
	}
	free(p->items);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

int settings_load(git_repository *repo, struct settings *s)
{
	struct settings_problems p;
	int ret = -1;

	if (settings_check(repo, s, &p) < 0)
		return -1;
	if (p.n == 1)
		error("'%s': %s", p.path, p.items[0].message);
	else if (p.n > 1)
		error("'%s': %s (and %zu more problem%s: releaser check lists them)", p.path, p.items[0].message,
		      p.n - 1, p.n == 2 ? "" : "s");
	else
		ret = 0;
	settings_problems_release(&p);
	if (ret)
		settings_release(s);
	return ret;
}

void settings_release(struct settings *s)
{
	free(s->name);
	free(s->main_branch);
	free(s->debug_branch);
	strlist_clear(&s->arches);
	strlist_clear(&s->files);
	strlist_clear(&s->mirror_allow);
	free(s->deb_maintainer);
	free(s->deb_homepage);
	free(s->deb_depends);
	memset(s, 0, sizeof(*s));
}
