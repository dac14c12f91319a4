/*
 * Release notes: CHANGELOG.md of a release, and its JSON form, made from
 * the commits git/notes.h finds (since the previous release of the
 * channel; a debug release: what the debug branch adds on top of the
 * release it mirrors).
 *
 * CHANGELOG.md is a title "# VERSION (DATE)" (the released commit's
 * committer date, UTC), a line saying what the list covers, then the
 * commits in sections, each commit once, in history order (newest first):
 *
 *   Breaking changes  a subject "type!: ..." or "type(scope)!: ...", or a
 *                     "BREAKING CHANGE:" (or "BREAKING-CHANGE:") footer,
 *                     whose text follows as a nested item
 *   Features, Bug fixes, Performance, Refactoring, Documentation, Tests,
 *   Build, CI, Style, Chores, Reverts
 *                     by Conventional Commits type: feat, fix, perf,
 *                     refactor, docs, test, build, ci, style, chore, revert
 *   Other changes     any other subject, kept whole
 *
 * Each item is "- DESCRIPTION (SHORT_SHA)": the subject without its type,
 * a scope kept in bold ("- **scope:** description"), SHORT_SHA_LEN hex
 * digits. Empty sections are left out. The bytes depend on the history
 * only, so every run, and every arch's runner, writes the same file.
 *
 * Commit text is data: every piece of it goes through notes_md_text, so
 * it stays one line of plain text inside its item (no HTML, link, image,
 * heading, list, quote, code or table of its own) however a renderer
 * treats Markdown. Commits are named by their hash only.
 */
#ifndef RELEASER_RELEASE_NOTES_H
#define RELEASER_RELEASE_NOTES_H

#include <jansson.h>

#include "git/git.h"
#include "git/notes.h"
#include "release/state.h"

#define CHANGELOG_FILE "CHANGELOG.md"

/* characters of commit text one item shows; longer text ends with "…" */
#define NOTES_MD_MAX_CHARS 1000

/* GitHub's limit on a release body, in characters */
#define NOTES_BODY_MAX_CHARS 125000

/* room kept for the line that says how many entries a body leaves out */
#define NOTES_BODY_FOOTER_ROOM 200

struct release_notes {
	char *version;             /* the title: the tag, or a snapshot's version */
	char *tag;                 /* the tag; NULL for a snapshot */
	int debug;                 /* the debug channel */
	struct notes_range range;  /* the commits, and what they follow */
};

/*
 * release_notes_load fills *rn for tag, or when tag is NULL for what st
 * would release (st may be NULL when tag is given): its tag, or a
 * snapshot of HEAD on st's channel. Returns
 * EXIT_OK; EXIT_USAGE after a message when the tag is not a release tag or
 * missing, or st has no version (its first preflight problem is named);
 * EXIT_FAIL after a message when the history cannot be read. Free with
 * release_notes_release (also after a failure).
 */
int release_notes_load(git_repository *repo, const struct release_state *st, const char *tag,
		       struct release_notes *rn);

/* release_notes_markdown returns CHANGELOG.md's text for rn (caller frees). */
char *release_notes_markdown(const struct release_notes *rn);

/*
 * release_notes_json returns the notes as one JSON object (caller
 * json_decrefs it): version, tag, channel, commit, date, previous,
 * mirrors, mirrors_missing, and groups [{group, title, commits: [{id, short_id, subject,
 * type, scope, description, breaking, breaking_note, author, replaced}]}]
 * in the order of CHANGELOG.md's sections; author is null when the
 * commit's author line is malformed, replaced counts the sequences of its
 * text that could not be decoded (now U+FFFD). replaced_commits and
 * authors_missing count such commits.
 */
json_t *release_notes_json(const struct release_notes *rn);

/* release_notes_release frees what rn holds; safe on a zeroed struct. */
void release_notes_release(struct release_notes *rn);

/*
 * release_notes_changelog is CHANGELOG.md's text for what st releases
 * (release_notes_load, then release_notes_markdown) into *text (caller
 * frees). Returns an exit code as release_notes_load does.
 */
int release_notes_changelog(git_repository *repo, const struct release_state *st, char **text);

/*
 * notes_md_text returns text (any bytes; not UTF-8 becomes U+FFFD) as
 * Markdown inline text on one line (caller frees): white space runs
 * (newlines included) become one space, trimmed; control characters (C0,
 * DEL, C1, bidirectional overrides) are dropped; &, <, > become entities;
 * \ ` * _ [ ] | ~ $ are backslash-escaped everywhere (so ( ) and ! make
 * no link or image), and # + - = and a list number's "." or ")" where the
 * text starts, so that nothing opens a block, a link, an image, an
 * autolink, code, a table or raw HTML. At most
 * max_chars characters are kept, then "…".
 */
char *notes_md_text(const char *text, size_t max_chars);

/*
 * release_notes_body returns the GitHub release body for CHANGELOG.md's
 * text md[len] (caller frees): md itself when it has at most max_chars
 * characters (UTF-16 units, as GitHub counts), else md cut before the
 * first item that does not fit, and a line saying how many entries are
 * left out and that CHANGELOG.md lists them all.
 */
char *release_notes_body(const char *md, size_t len, size_t max_chars);

#endif /* RELEASER_RELEASE_NOTES_H */
