/*
 * Unit tests of the release notes: CHANGELOG.md and JSON rendering
 * (release/notes.c) from hand-made commit lists, and the range and commits
 * (git/notes.c) on real repositories made with git in a temporary
 * directory.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "git/git.h"
#include "git/notes.h"
#include "git/tag.h"
#include "lib/common.h"
#include "lib/json.h"
#include "release/notes.h"

static char *dir; /* the temporary directory holding the repository */
static int clock_now = 1704164645; /* commit dates, one second apart */

/* sh runs a shell command in the test repository; returns its exit status */
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	int n;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && { ", dir);
	va_start(ap, fmt);
	n += vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, "; } >/dev/null 2>&1");
	return system(cmd);
}

/*
 * commit makes a commit with message msg on the branch checked out, one
 * second after the last, changing a file of that branch's own (so branches
 * merge without conflicts)
 */
static int commit(const char *msg)
{
	char date[32];

	snprintf(date, sizeof(date), "@%d +0000", ++clock_now);
	setenv("GIT_COMMITTER_DATE", date, 1);
	setenv("GIT_AUTHOR_DATE", date, 1);
	return sh("f=log-$(git symbolic-ref --short HEAD) && echo '%s' >>$f && git add $f && git commit -q -m '%s'",
		  msg, msg);
}

/* the subjects of r's commits, one per line */
static char *subjects(const struct notes_range *r)
{
	char *all = xstrdup(""), *next;
	size_t i;

	for (i = 0; i < r->n; i++) {
		next = xasprintf("%s%s\n", all, r->commits[i].subject);
		free(all);
		all = next;
	}
	return all;
}

/* --- rendering, from hand-made commits --- */

/* add appends a commit whose id is 40 times c */
static void add(struct release_notes *rn, char c, const char *subject, const char *body)
{
	struct notes_commit *nc;

	rn->range.commits = xrealloc(rn->range.commits, (rn->range.n + 1) * sizeof(*nc));
	nc = &rn->range.commits[rn->range.n++];
	memset(nc, 0, sizeof(*nc));
	memset(nc->id, c, OID_HEX_LEN);
	nc->id[OID_HEX_LEN] = '\0';
	memset(nc->short_id, c, SHORT_SHA_LEN);
	nc->short_id[SHORT_SHA_LEN] = '\0';
	nc->subject = xstrdup(subject);
	nc->body = xstrdup(body);
}

static void notes_init(struct release_notes *rn, const char *version, const char *previous)
{
	memset(rn, 0, sizeof(*rn));
	rn->version = xstrdup(version);
	rn->tag = xstrdup(version);
	rn->range.previous = previous ? xstrdup(previous) : NULL;
	rn->range.time = 1704164645; /* 2024-01-02 03:04:05 UTC */
}

TEST(notes__groups_by_type_in_a_fixed_order_type_stripped_scope_bold)
{
	struct release_notes rn;
	char *md;

	notes_init(&rn, "v1.1.0", "v1.0.0");
	add(&rn, 'a', "docs: explain the flavors", "");
	add(&rn, 'b', "fix(agent): no crash on exit", "");
	add(&rn, 'c', "feat: add --json", "Longer text.\n\nSigned-off-by: A <a@example.org>");
	add(&rn, 'd', "chore: tidy", "");
	add(&rn, 'e', "Update the readme", "");
	add(&rn, 'f', "feat(api): second feature", "");
	add(&rn, '1', "perf: faster symbolization", "");
	add(&rn, '2', "ci: cache", "");
	add(&rn, '3', "test: more cases", "");
	add(&rn, '4', "refactor: split main", "");
	add(&rn, '5', "build: static agent", "");
	md = release_notes_markdown(&rn);
	check_str(md, "# v1.1.0 (2024-01-02)\n"
		      "\n"
		      "Changes since v1.0.0.\n"
		      "\n## Features\n\n"
		      "- add --json (cccccccccccc)\n"
		      "- **api:** second feature (ffffffffffff)\n"
		      "\n## Bug fixes\n\n"
		      "- **agent:** no crash on exit (bbbbbbbbbbbb)\n"
		      "\n## Performance\n\n"
		      "- faster symbolization (111111111111)\n"
		      "\n## Refactoring\n\n"
		      "- split main (444444444444)\n"
		      "\n## Documentation\n\n"
		      "- explain the flavors (aaaaaaaaaaaa)\n"
		      "\n## Tests\n\n"
		      "- more cases (333333333333)\n"
		      "\n## Build\n\n"
		      "- static agent (555555555555)\n"
		      "\n## CI\n\n"
		      "- cache (222222222222)\n"
		      "\n## Chores\n\n"
		      "- tidy (dddddddddddd)\n"
		      "\n## Other changes\n\n"
		      "- Update the readme (eeeeeeeeeeee)\n");
	free(md);
	release_notes_release(&rn);
}

TEST(notes__breaking_changes_come_first_from_bang_or_footer)
{
	struct release_notes rn;
	char *md;

	notes_init(&rn, "v2.0.0", "v1.1.0");
	add(&rn, 'a', "fix: small", "");
	add(&rn, 'b', "feat!: drop the old flag", "");
	add(&rn, 'c', "refactor(api)!: rename everything", "");
	add(&rn, 'd', "perf: new cache", "Text.\n\nBREAKING CHANGE: the cache file moved\nReviewed-by: B");
	add(&rn, 'e', "feat: two", "BREAKING-CHANGE: two is not one");
	/* only a footer line counts, not the words inside a sentence */
	add(&rn, 'f', "docs: say BREAKING CHANGE: in the subject", "a line about BREAKING CHANGE: here");
	md = release_notes_markdown(&rn);
	check_str(md, "# v2.0.0 (2024-01-02)\n"
		      "\n"
		      "Changes since v1.1.0.\n"
		      "\n## Breaking changes\n\n"
		      "- drop the old flag (bbbbbbbbbbbb)\n"
		      "- **api:** rename everything (cccccccccccc)\n"
		      "- new cache (dddddddddddd)\n"
		      "  - the cache file moved\n"
		      "- two (eeeeeeeeeeee)\n"
		      "  - two is not one\n"
		      "\n## Bug fixes\n\n"
		      "- small (aaaaaaaaaaaa)\n"
		      "\n## Documentation\n\n"
		      "- say BREAKING CHANGE: in the subject (ffffffffffff)\n");
	free(md);
	release_notes_release(&rn);
}

TEST(notes__other_subjects_are_kept_whole)
{
	struct release_notes rn;
	char *md;

	notes_init(&rn, "v1.0.1", "v1.0.0");
	add(&rn, 'a', "releaser: a new command", "");
	add(&rn, 'b', "feat:no space", "");
	add(&rn, 'c', "feat(): empty scope", "");
	add(&rn, 'd', "FEAT: upper case type", "");
	add(&rn, 'e', "fix(scope: unclosed", "");
	add(&rn, 'f', "Merge-free: 3 things", "");
	add(&rn, '1', "tests(cli): a scope on an unknown type", "");
	md = release_notes_markdown(&rn);
	check_str(md, "# v1.0.1 (2024-01-02)\n"
		      "\n"
		      "Changes since v1.0.0.\n"
		      "\n## Features\n\n"
		      "- upper case type (dddddddddddd)\n"
		      "\n## Other changes\n\n"
		      "- releaser: a new command (aaaaaaaaaaaa)\n"
		      "- feat:no space (bbbbbbbbbbbb)\n"
		      "- feat(): empty scope (cccccccccccc)\n"
		      "- fix(scope: unclosed (eeeeeeeeeeee)\n"
		      "- Merge-free: 3 things (ffffffffffff)\n"
		      "- tests(cli): a scope on an unknown type (111111111111)\n");
	free(md);
	release_notes_release(&rn);
}

TEST(notes__first_release_debug_release_and_no_changes)
{
	struct release_notes rn;
	char *md;

	notes_init(&rn, "v1.0.0", NULL);
	add(&rn, 'a', "feat: everything", "");
	md = release_notes_markdown(&rn);
	check_str(md, "# v1.0.0 (2024-01-02)\n\nThe first release: every commit up to v1.0.0.\n"
		      "\n## Features\n\n- everything (aaaaaaaaaaaa)\n");
	free(md);
	release_notes_release(&rn);

	notes_init(&rn, "v1.1.0-debug", "v1.0.0-debug");
	rn.debug = 1;
	rn.range.mirrors = xstrdup("v1.1.0");
	md = release_notes_markdown(&rn);
	check_str(md, "# v1.1.0-debug (2024-01-02)\n\n"
		      "The debug release of v1.1.0: what the debug branch adds on top of it.\n"
		      "Previous debug release: v1.0.0-debug.\n"
		      "\nNo changes.\n");
	free(md);
	rn.range.mirrors_missing = 1;
	md = release_notes_markdown(&rn);
	check_str(md, "# v1.1.0-debug (2024-01-02)\n\n"
		      "The debug release of v1.1.0 (a tag this repository does not have): the commits since "
		      "v1.0.0-debug.\n"
		      "\nNo changes.\n");
	free(md);
	free(rn.range.previous);
	rn.range.previous = NULL;
	md = release_notes_markdown(&rn);
	check_str(md, "# v1.1.0-debug (2024-01-02)\n\n"
		      "The debug release of v1.1.0 (a tag this repository does not have): every commit up to "
		      "v1.1.0-debug.\n"
		      "\nNo changes.\n");
	free(md);
	release_notes_release(&rn);
}

TEST(notes__json_has_the_sections_in_order_with_each_commit)
{
	struct release_notes rn;
	json_t *doc, *groups, *c;

	notes_init(&rn, "v1.1.0", "v1.0.0");
	add(&rn, 'a', "misc change", "");
	add(&rn, 'b', "fix(agent)!: exit code", "BREAKING CHANGE: 2, not 1");
	add(&rn, 'c', "feat: x", "");
	doc = release_notes_json(&rn);
	check(doc);
	check_str(json_string_value(json_object_get(doc, "version")), "v1.1.0");
	check_str(json_string_value(json_object_get(doc, "channel")), "release");
	check_str(json_string_value(json_object_get(doc, "previous")), "v1.0.0");
	check(json_is_null(json_object_get(doc, "mirrors")));
	check_str(json_string_value(json_object_get(doc, "date")), "2024-01-02");
	groups = json_object_get(doc, "groups");
	check(json_array_size(groups) == 3);
	check_str(json_string_value(json_object_get(json_array_get(groups, 0), "group")), "breaking");
	check_str(json_string_value(json_object_get(json_array_get(groups, 1), "title")), "Features");
	check_str(json_string_value(json_object_get(json_array_get(groups, 2), "group")), "other");
	c = json_array_get(json_object_get(json_array_get(groups, 0), "commits"), 0);
	check_str(json_string_value(json_object_get(c, "id")), "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	check_str(json_string_value(json_object_get(c, "short_id")), "bbbbbbbbbbbb");
	check_str(json_string_value(json_object_get(c, "type")), "fix");
	check_str(json_string_value(json_object_get(c, "scope")), "agent");
	check_str(json_string_value(json_object_get(c, "description")), "exit code");
	check_str(json_string_value(json_object_get(c, "breaking_note")), "2, not 1");
	check(json_is_true(json_object_get(c, "breaking")));
	c = json_array_get(json_object_get(json_array_get(groups, 2), "commits"), 0);
	check(json_is_null(json_object_get(c, "type")));
	check_str(json_string_value(json_object_get(c, "description")), "misc change");
	json_decref(doc);
	release_notes_release(&rn);
}

/* --- the range, on real repositories --- */

/*
 * v1.0.0, two commits, v1.1.0-rc.1, a commit, a merged side branch,
 * v1.1.0; a maintenance tag v1.0.1 the release does not contain; a debug
 * tag v1.0.5-debug that is not of the release channel
 */
static git_repository *history(void)
{
	if (sh("rm -rf .git log-* && git init -q -b main .") != 0 || commit("feat: one") != 0 ||
	    sh("git tag -a v1.0.0 -m v1.0.0") != 0 || commit("feat: two") != 0 || commit("fix: three") != 0 ||
	    sh("git tag -a v1.1.0-rc.1 -m rc && git tag v1.0.5-debug") != 0 || commit("fix: four") != 0 ||
	    sh("git checkout -q -b side") != 0 || commit("docs: five") != 0 ||
	    sh("git checkout -q main && GIT_COMMITTER_DATE='@%d +0000' git merge -q --no-ff -m 'Merge side' side",
	       ++clock_now) != 0 ||
	    sh("git tag -a v1.1.0 -m v1.1.0 && git checkout -q -b maint v1.0.0") != 0 || commit("fix: backport") != 0 ||
	    sh("git tag v1.0.1 && git checkout -q main") != 0)
		return NULL;
	return repo_open(dir);
}

TEST(notes__a_final_release_follows_the_last_final_one_without_merges)
{
	git_repository *repo = history();
	struct notes_range r = { 0 };
	char *s = NULL;

	check(repo);
	check(notes_range_tag(repo, "v1.1.0", &r) == EXIT_OK);
	check_str(r.previous, "v1.0.0");
	check(r.mirrors == NULL);
	s = subjects(&r);
	check_str(s, "docs: five\nfix: four\nfix: three\nfeat: two\n");
	check(sh("test \"$(git rev-parse v1.1.0^{commit})\" = %s", r.commit) == 0);
	check(sh("test \"$(git log -1 --format=%%h --abbrev=12 'HEAD^2')\" = %s", r.commits[0].short_id) == 0);
	free(s);
	notes_range_release(&r);
	repo_close(repo);
}

TEST(notes__a_prerelease_follows_the_tag_before_it_and_the_first_lists_all)
{
	git_repository *repo = history();
	struct notes_range r = { 0 };
	char *s = NULL;

	check(repo);
	check(notes_range_tag(repo, "v1.1.0-rc.1", &r) == EXIT_OK);
	check_str(r.previous, "v1.0.0");
	s = subjects(&r);
	check_str(s, "fix: three\nfeat: two\n");
	free(s);
	notes_range_release(&r);
	check(notes_range_tag(repo, "v1.0.0", &r) == EXIT_OK);
	check(r.previous == NULL);
	s = subjects(&r);
	check_str(s, "feat: one\n");
	free(s);
	notes_range_release(&r);
	/* the maintenance release follows v1.0.0 on its own branch */
	check(notes_range_tag(repo, "v1.0.1", &r) == EXIT_OK);
	check_str(r.previous, "v1.0.0");
	s = subjects(&r);
	check_str(s, "fix: backport\n");
	free(s);
	notes_range_release(&r);
	/* a snapshot of main: since the highest release tag it contains */
	check(commit("fix: after") == 0);
	check(sh("git rev-parse HEAD >head") == 0);
	{
		char *head = NULL, *cmd = xasprintf("%s/head", dir);
		size_t len;

		head = read_file(cmd, 100, &len);
		free(cmd);
		check(head && len > OID_HEX_LEN);
		head[OID_HEX_LEN] = '\0';
		check(notes_range_snapshot(repo, head, 0, &r) == EXIT_OK);
		free(head);
	}
	check_str(r.previous, "v1.1.0");
	s = subjects(&r);
	check_str(s, "fix: after\n");
	free(s);
	notes_range_release(&r);
	repo_close(repo);
}

TEST(notes__a_debug_release_lists_what_debug_adds_without_markers)
{
	git_repository *repo = NULL;
	struct debug_tag_opts o = { "v1.0.0", "main", "debug", NULL, 0 };
	struct debug_tag_result dr;
	struct notes_range r = { 0 };
	char *s = NULL;

	check(sh("rm -rf .git log-* && git init -q -b main .") == 0 && commit("feat: one") == 0);
	check(sh("git tag -a v1.0.0 -m v1.0.0 && git checkout -q -b debug") == 0);
	repo = repo_open(dir);
	check(repo);
	/* a pure fast-forward: v1.0.0-debug goes on a marker commit */
	check(debug_tag_run(repo, &o, &dr) == EXIT_OK && dr.marker);
	debug_tag_result_release(&dr);
	check(notes_range_tag(repo, "v1.0.0-debug", &r) == EXIT_OK);
	check_str(r.mirrors, "v1.0.0");
	check(r.previous == NULL && r.n == 0);
	notes_range_release(&r);
	/* debug's own commits, one that looks like a marker but is not, and main's next release merged in */
	check(commit("fix: debug only") == 0);
	check(sh("git commit -q --allow-empty -m 'Mark debug release v1.1.0-debug'") == 0);
	/* the marker's exact message, but a file changes */
	check(sh("printf 'Mark debug release v1.1.0-debug\\n\\nv1.1.0-debug is v1.1.0 (%%s) built as a debug "
		 "release. This commit changes\\nno file; it keeps the two tags on different commits.\\n' "
		 "$(git rev-parse HEAD) >.git/msg && echo x >>log-debug && git commit -q -a --cleanup=verbatim -F .git/msg") == 0);
	check(sh("git checkout -q main") == 0 && commit("feat: next") == 0);
	check(sh("git tag -a v1.1.0 -m v1.1.0 && git checkout -q debug && git merge -q --no-ff -m 'Merge main' main") ==
	      0);
	o.main_tag = "v1.1.0";
	check(debug_tag_run(repo, &o, &dr) == EXIT_OK && !dr.marker);
	debug_tag_result_release(&dr);
	check(notes_range_tag(repo, "v1.1.0-debug", &r) == EXIT_OK);
	check_str(r.mirrors, "v1.1.0");
	check_str(r.previous, "v1.0.0-debug");
	s = subjects(&r);
	check_str(s, "Mark debug release v1.1.0-debug\nMark debug release v1.1.0-debug\nfix: debug only\n");
	free(s);
	notes_range_release(&r);
	/* the tag message names the release mirrored, whatever the tag's name */
	check(sh("git tag -a v1.1.1-debug -m 'Debug release v1.1.1-debug\n\nmain-tag: v1.0.0\n' v1.1.0-debug") == 0);
	check(notes_range_tag(repo, "v1.1.1-debug", &r) == EXIT_OK);
	check_str(r.mirrors, "v1.0.0");
	s = subjects(&r);
	check_str(s, "feat: next\nMark debug release v1.1.0-debug\nMark debug release v1.1.0-debug\nfix: debug only\n");
	free(s);
	notes_range_release(&r);
	repo_close(repo);
}

TEST(notes__a_debug_tag_whose_release_is_missing_gets_the_channel_range)
{
	git_repository *repo = history();
	struct notes_range r = { 0 };
	char *s = NULL;

	check(repo);
	check(sh("git tag v3.0.0-debug") == 0);
	check(notes_range_tag(repo, "v3.0.0-debug", &r) == EXIT_OK);
	check_str(r.mirrors, "v3.0.0");
	check(r.mirrors_missing);
	check_str(r.previous, "v1.0.5-debug");
	s = subjects(&r);
	check_str(s, "docs: five\nfix: four\n");
	free(s);
	notes_range_release(&r);
	repo_close(repo);
}

TEST(notes__a_missing_or_bad_tag_is_bad_usage)
{
	git_repository *repo = history();
	struct notes_range r = { 0 };

	check(repo);
	check(notes_range_tag(repo, "v9.9.9", &r) == EXIT_USAGE);
	notes_range_release(&r);
	check(notes_range_tag(repo, "main", &r) == EXIT_USAGE);
	notes_range_release(&r);
	/* a debug tag naming a release that is not a version */
	check(sh("git tag -a v4.0.0-debug -m 'Debug release v4.0.0-debug\n\nmain-tag: nope\n'") == 0);
	check(notes_range_tag(repo, "v4.0.0-debug", &r) == EXIT_USAGE);
	notes_range_release(&r);
	repo_close(repo);
}

TEST(notes__md_text_keeps_commit_text_one_line_of_plain_text)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain text, v1.2.3: ok?", "plain text, v1.2.3: ok?" },
		{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "a & b &amp; c", "a &amp; b &amp;amp; c" },
		{ "[x](javascript:alert(1)) ![i](y)", "\\[x\\](javascript:alert(1)) !\\[i\\](y)" },
		{ "# h", "\\# h" },
		{ "a # b", "a # b" },
		{ "- x", "\\- x" },
		{ "+ x", "\\+ x" },
		{ "* x", "\\* x" },
		{ "= x", "\\= x" },
		{ "12. x", "12\\. x" },
		{ "3) x", "3\\) x" },
		{ "v1. x", "v1. x" },
		{ "```", "\\`\\`\\`" },
		{ "~~~", "\\~\\~\\~" },
		{ "a | b", "a \\| b" },
		{ "*a* _b_ $c$ \\d", "\\*a\\* \\_b\\_ \\$c\\$ \\\\d" },
		{ "  one\n\ntwo\r\n\tthree  ", "one two three" },
		{ "bell\a esc\x1b[0m del\x7f c1\xc2\x85 nul", "bell esc\\[0m del c1 nul" },
		{ "rtl \xe2\x80\xae" "evil", "rtl evil" },
		{ "bad \xff utf-8", "bad \xef\xbf\xbd utf-8" },
		{ "", "" },
		{ " \n ", "" },
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = notes_md_text(cases[i].in, NOTES_MD_MAX_CHARS);
		if (strcmp(got, cases[i].want))
			printf("#   case %zu\n", i);
		check_str(got, cases[i].want);
		free(got);
	}
	got = notes_md_text("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3);
	check_str(got, "\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\xa6");
	free(got);
}

TEST(notes__body_cuts_whole_items_and_says_how_many)
{
	char *md = xasprintf("# v1 (2024-01-02)\n\nChanges since v0.\n\n## Features\n\n"
			     "- one (aaaaaaaaaaaa)\n  - its breaking note\n- two %0300d (bbbbbbbbbbbb)\n"
			     "\n## Bug fixes\n\n- three (cccccccccccc)\n", 0);
	char *body = release_notes_body(md, strlen(md), 1000);
	char *want;

	check_str(body, md);
	free(body);
	/* room for the title and the first item with its note, not the second */
	body = release_notes_body(md, strlen(md), 100 + NOTES_BODY_FOOTER_ROOM);
	want = xasprintf("%.*s\n*2 of the 3 entries are not shown here: CHANGELOG.md, attached to this release, "
			 "lists them all.*\n", (int)(strstr(md, "- two") - md), md);
	check_str(body, want);
	free(want);
	free(body);
	free(md);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(notes__groups_by_type_in_a_fixed_order_type_stripped_scope_bold),
		CASE(notes__breaking_changes_come_first_from_bang_or_footer),
		CASE(notes__other_subjects_are_kept_whole),
		CASE(notes__first_release_debug_release_and_no_changes),
		CASE(notes__json_has_the_sections_in_order_with_each_commit),
		CASE(notes__a_final_release_follows_the_last_final_one_without_merges),
		CASE(notes__a_prerelease_follows_the_tag_before_it_and_the_first_lists_all),
		CASE(notes__a_debug_release_lists_what_debug_adds_without_markers),
		CASE(notes__a_debug_tag_whose_release_is_missing_gets_the_channel_range),
		CASE(notes__a_missing_or_bad_tag_is_bad_usage),
		CASE(notes__md_text_keeps_commit_text_one_line_of_plain_text),
		CASE(notes__body_cuts_whole_items_and_says_how_many),
	};
	const char *tmp = getenv("TMPDIR");
	char *cmd;
	int ret;

	dir = xasprintf("%s/test-releaser-notes.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	setenv("GIT_AUTHOR_NAME", "Test", 1);
	setenv("GIT_AUTHOR_EMAIL", "test@example.org", 1);
	setenv("GIT_COMMITTER_NAME", "Test", 1);
	setenv("GIT_COMMITTER_EMAIL", "test@example.org", 1);
	setenv("RELEASER_AUTHOR_NAME", "Rel Easer", 1);
	setenv("RELEASER_AUTHOR_EMAIL", "rel@example.org", 1);
	ret = test_main(cases, sizeof(cases) / sizeof(cases[0]));
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ret = 1;
	free(cmd);
	free(dir);
	return ret;
}
