/*
 * Unit tests of the git layer (releaser/git/): the one name -> commit
 * resolver, the guard, the mirror and the debug tag, each on a real
 * repository made with git in a temporary directory.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "git/drift.h"
#include "git/git.h"
#include "git/guard.h"
#include "git/internal.h"
#include "git/mirror.h"
#include "git/tag.h"
#include "lib/common.h"

static char *dir; /* the temporary directory holding the repository */

/* sh runs a shell command in the test repository; returns its exit status */
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	int n;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && { ", dir);
	va_start(ap, fmt);
	n += vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, "; } >/dev/null 2>&1");
	return system(cmd);
}

/* rev_parse writes `git rev-parse name` into hex; returns 0 or -1 */
static int rev_parse(const char *name, char hex[OID_HEX_LEN + 1])
{
	char cmd[512];
	FILE *p;
	int ok;

	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse --verify -q '%s' 2>/dev/null", dir, name);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	ok = fscanf(p, "%40s", hex) == 1 && strlen(hex) == OID_HEX_LEN;
	return pclose(p) == 0 && ok ? 0 : -1;
}

/* a fresh repository: main with two commits, tagged v1.0.0 (annotated) and light (lightweight) */
static git_repository *fresh_repo(void)
{
	if (sh("rm -rf .git * && git init -q -b main . && echo one >a && git add a && git commit -q -m one && "
	       "echo two >a && git commit -q -am two && git tag -a v1.0.0 -m v1.0.0 && git tag light HEAD~1") != 0)
		return NULL;
	return repo_open(dir);
}

TEST(git__commit_resolve_names_branches_tags_and_ids)
{
	git_repository *repo = fresh_repo();
	char got[OID_HEX_LEN + 1], want[OID_HEX_LEN + 1];

	check(repo);
	check(rev_parse("main", want) == 0);
	check(commit_resolve(repo, "main", got) == 0);
	check_str(got, want);
	check(commit_resolve(repo, "refs/heads/main", got) == 0);
	check_str(got, want);
	/* an annotated tag peels to its commit, not the tag object */
	check(commit_resolve(repo, "v1.0.0", got) == 0);
	check_str(got, want);
	check(commit_resolve(repo, "refs/tags/v1.0.0", got) == 0);
	check_str(got, want);
	check(rev_parse("v1.0.0", want) == 0 && strcmp(got, want) != 0);
	check(rev_parse("main~1", want) == 0);
	check(commit_resolve(repo, "light", got) == 0);
	check_str(got, want);
	check(commit_resolve(repo, want, got) == 0);
	check_str(got, want);
	repo_close(repo);
}

TEST(git__commit_resolve_missing_is_1_not_a_commit_is_minus_1)
{
	git_repository *repo = fresh_repo();
	char got[OID_HEX_LEN + 1] = "";

	check(repo);
	check(commit_resolve(repo, "nope", got) == 1);
	check(commit_resolve(repo, "refs/tags/nope", got) == 1);
	check(commit_resolve(repo, "0123456789012345678901234567890123456789", got) == 1);
	check(got[0] == '\0');
	check(sh("git tag blobtag $(git hash-object -w a)") == 0);
	check(commit_resolve(repo, "blobtag", got) == -1);
	check(commit_resolve(repo, "refs/tags/blobtag", got) == -1);
	repo_close(repo);
}

TEST(git__guard_finds_outputs_in_a_tree_and_a_range)
{
	git_repository *repo = fresh_repo();
	struct guard_result r = { 0 };
	char added[OID_HEX_LEN + 1];

	check(repo);
	check(sh("printf '\\037\\213\\010xyz' >data.bin && git add data.bin && git commit -q -m 'add data' && "
		 "echo three >a && git commit -q -am three") == 0);
	check(rev_parse("HEAD~1", added) == 0);
	check(guard_run(repo, "HEAD", 1 << 20, &r) == EXIT_OK);
	check(!r.ranged && r.n == 1 && r.files == 2);
	check_str(r.items[0].path, "data.bin");
	check_str(r.items[0].reason, "gzip data");
	check_str(r.items[0].commit, added);
	check_str(r.items[0].subject, "add data");
	guard_result_release(&r);
	/* a range sees only what its commits add */
	check(guard_run(repo, "v1.0.0..HEAD", 1 << 20, &r) == EXIT_OK);
	check(r.ranged && r.commits == 2 && r.n == 1);
	check_str(r.items[0].commit, added);
	guard_result_release(&r);
	check(guard_run(repo, "HEAD~1..", 1 << 20, &r) == EXIT_OK);
	check(r.ranged && r.commits == 1 && r.n == 0 && r.files == 1);
	guard_result_release(&r);
	/* the size limit */
	check(guard_run(repo, "v1.0.0", 2, &r) == EXIT_OK);
	check(r.n == 1);
	check_str(r.items[0].reason, "larger than guard.maxsize");
	guard_result_release(&r);
	check(guard_run(repo, "nope", 1 << 20, &r) == EXIT_USAGE);
	check(guard_run(repo, "v1.0.0..nope", 1 << 20, &r) == EXIT_USAGE);
	check(guard_run(repo, "v1.0.0...HEAD", 1 << 20, &r) == EXIT_USAGE);
	check(r.n == 0);
	repo_close(repo);
}

TEST(git__mirror_fast_forwards_and_checks_drift)
{
	git_repository *repo = fresh_repo();
	struct mirror_opts o = { .main_branch = "main", .debug_branch = "debug" };
	struct mirror_result r;
	struct strlist allow = { 0 };
	char main_id[OID_HEX_LEN + 1], debug_id[OID_HEX_LEN + 1];

	check(repo);
	check(sh("git branch debug v1.0.0 && echo three >a && git commit -q -am three") == 0);
	check(rev_parse("main", main_id) == 0 && rev_parse("debug", debug_id) == 0);
	o.dry_run = 1;
	check(mirror_run(repo, &o, &r) == EXIT_OK);
	check(r.inspected && r.analysis == MIRROR_FAST_FORWARD && r.behind == 1 && r.ahead == 0);
	check_str(r.result, "would-fast-forward");
	check_str(r.debug_commit, debug_id);
	check(r.commit[0] == '\0');
	mirror_result_release(&r);
	check(rev_parse("debug", debug_id) == 0 && strcmp(debug_id, main_id) != 0);
	o.check = 1;
	o.dry_run = 0;
	check(mirror_run(repo, &o, &r) == EXIT_FAIL); /* behind */
	check_str(r.result, "failed");
	mirror_result_release(&r);
	o.check = 0;
	check(mirror_run(repo, &o, &r) == EXIT_OK);
	check_str(r.result, "fast-forwarded");
	check_str(r.commit, main_id);
	mirror_result_release(&r);
	check(rev_parse("debug", debug_id) == 0);
	check_str(debug_id, main_id);
	/* a change of debug's own is drift unless allowed */
	check(sh("git checkout -q debug && echo mine >a && git commit -q -am mine && git checkout -q main") == 0);
	o.check = 1;
	check(mirror_run(repo, &o, &r) == EXIT_FAIL);
	check(r.checked && r.drift.n == 1);
	check_str(r.drift.items[0], "a");
	mirror_result_release(&r);
	strlist_add(&allow, "a");
	o.allow = &allow;
	check(mirror_run(repo, &o, &r) == EXIT_OK);
	check(r.checked && r.drift.n == 0);
	check_str(r.result, "ok");
	mirror_result_release(&r);
	o.debug_branch = "missing";
	check(mirror_run(repo, &o, &r) == EXIT_USAGE);
	check(!r.inspected);
	mirror_result_release(&r);
	o.debug_branch = "bad..name";
	check(mirror_run(repo, &o, &r) == EXIT_USAGE);
	mirror_result_release(&r);
	strlist_clear(&allow);
	repo_close(repo);
}

TEST(git__mirror_init_starts_debug_with_a_commit_of_its_own)
{
	git_repository *repo = fresh_repo();
	struct mirror_opts o = { .main_branch = "main", .debug_branch = "debug", .init = 1 };
	struct mirror_result r;
	char main_id[OID_HEX_LEN + 1], parent[OID_HEX_LEN + 1], debug_id[OID_HEX_LEN + 1];

	check(repo);
	setenv("RELEASER_AUTHOR_NAME", "Test", 1);
	setenv("RELEASER_AUTHOR_EMAIL", "test@example.org", 1);
	check(rev_parse("main", main_id) == 0);
	o.dry_run = 1;
	check(mirror_run(repo, &o, &r) == EXIT_OK);
	check_str(r.result, "would-create");
	mirror_result_release(&r);
	check(rev_parse("debug", debug_id) != 0);
	o.dry_run = 0;
	check(mirror_run(repo, &o, &r) == EXIT_OK);
	check(r.analysis == MIRROR_INIT);
	check_str(r.result, "created");
	mirror_result_release(&r);
	check(rev_parse("debug^", parent) == 0);
	check_str(parent, main_id);
	check(sh("test \"$(git rev-parse debug^{tree})\" = \"$(git rev-parse main^{tree})\"") == 0);
	/* it starts only once */
	check(mirror_run(repo, &o, &r) == EXIT_USAGE);
	check(!r.inspected);
	mirror_result_release(&r);
	/* main moves on: the mirror is a merge */
	check(sh("echo three >a && git commit -q -am three") == 0);
	o.init = 0;
	check(mirror_run(repo, &o, &r) == EXIT_OK);
	check(r.analysis == MIRROR_MERGE);
	check_str(r.result, "merged");
	mirror_result_release(&r);
	unsetenv("RELEASER_AUTHOR_NAME");
	unsetenv("RELEASER_AUTHOR_EMAIL");
	repo_close(repo);
}

TEST(git__debug_start_message_is_exact)
{
	git_oid parent, other;
	char *msg;

	check(git_oid_fromstr(&parent, "0123456789abcdef0123456789abcdef01234567") == 0);
	check(git_oid_fromstr(&other, "76543210fedcba9876543210fedcba9876543210") == 0);
	msg = debug_start_message("debug", "main", &parent);
	check(!strncmp(msg, "Start the debug branch 'debug' from 'main'\n\n",
			strlen("Start the debug branch 'debug' from 'main'\n\n")));
	check(debug_start_message_is(msg, &parent));
	check(!debug_start_message_is(msg, &other));
	msg[strlen(msg) - 2] = 'X'; /* a changed body */
	check(!debug_start_message_is(msg, &parent));
	free(msg);
	msg = debug_start_message("a'", "'b", &parent); /* quotes in names still split right */
	check(debug_start_message_is(msg, &parent));
	free(msg);
	check(!debug_start_message_is("", &parent));
	check(!debug_start_message_is("Start the debug branch '", &parent));
	check(!debug_start_message_is("Start the debug branch 'a' from '", &parent));
	check(!debug_start_message_is("Start the debug branch 'a' from 'b'", &parent));
	check(!debug_start_message_is("Start the debug branch '' from ''\n", &parent));
}

TEST(git__drift_allowed_covers_paths_dirs_and_globs)
{
	struct strlist allow = { 0 };

	strlist_add(&allow, "ci/");
	strlist_add(&allow, "*.md");
	check(drift_allowed(&allow, "ci"));
	check(drift_allowed(&allow, "ci/release.sh"));
	check(!drift_allowed(&allow, "cix/release.sh"));
	check(drift_allowed(&allow, "README.md"));
	check(!drift_allowed(&allow, "docs/README.md"));
	strlist_clear(&allow);
}

struct fake_signer {
	int prepared, signed_len, fail;
};

static int fake_prepare(void *ctx)
{
	struct fake_signer *f = ctx;

	f->prepared++;
	return f->fail ? -1 : 0;
}

static int fake_sign(void *ctx, const void *payload, size_t len, char **armored)
{
	struct fake_signer *f = ctx;
	char *text = xmalloc(len + 1);

	memcpy(text, payload, len);
	text[len] = '\0';
	f->signed_len = (int)len;
	*armored = xstrdup(strstr(text, "\nmain-tag: v1.0.0\n") ? "-----BEGIN SSH SIGNATURE-----\nfake\n"
								   "-----END SSH SIGNATURE-----\n"
								 : "wrong payload\n");
	free(text);
	return 0;
}

TEST(git__debug_tag_adds_a_marker_signs_and_is_idempotent)
{
	git_repository *repo = fresh_repo();
	struct fake_signer f = { 0, 0, 1 };
	struct tag_signer signer = { fake_prepare, fake_sign, &f };
	struct debug_tag_opts o = { .main_tag = "v1.0.0", .main_branch = "main", .debug_branch = "debug",
				    .signer = &signer };
	struct debug_tag_result r;
	char tagged[OID_HEX_LEN + 1], head[OID_HEX_LEN + 1];

	check(repo);
	check(sh("git checkout -q -b debug") == 0);
	check(rev_parse("v1.0.0^{commit}", tagged) == 0);
	setenv("RELEASER_AUTHOR_NAME", "Rel Easer", 1);
	setenv("RELEASER_AUTHOR_EMAIL", "rel@example.org", 1);
	/* the signer cannot prepare: nothing is written */
	check(debug_tag_run(repo, &o, &r) == EXIT_USAGE);
	debug_tag_result_release(&r);
	check(f.prepared == 1 && f.signed_len == 0);
	check(rev_parse("refs/tags/v1.0.0-debug", head) < 0);
	check(rev_parse("debug", head) == 0);
	check_str(head, tagged);
	f.fail = 0;
	check(debug_tag_run(repo, &o, &r) == EXIT_OK);
	check(r.created && r.marker && f.signed_len > 0);
	check_str(r.debug_tag, "v1.0.0-debug");
	check_str(r.main_commit, tagged);
	check(strcmp(r.commit, tagged) != 0);
	check(rev_parse("debug", head) == 0);
	check_str(head, r.commit);
	check(rev_parse("v1.0.0-debug^{commit}", head) == 0);
	check_str(head, r.commit);
	check(sh("git cat-file tag v1.0.0-debug | grep -qx fake") == 0);
	check(sh("git cat-file tag v1.0.0-debug | grep -qx 'main-commit: %s'", tagged) == 0);
	debug_tag_result_release(&r);
	/* again: nothing to do, the signer is not asked */
	check(debug_tag_run(repo, &o, &r) == EXIT_OK);
	check(!r.created && !r.marker && f.prepared == 2);
	check_str(r.commit, head);
	debug_tag_result_release(&r);
	/* main's tag must exist, and HEAD must be on debug */
	o.main_tag = "v9.9.9";
	check(debug_tag_run(repo, &o, &r) == EXIT_USAGE);
	debug_tag_result_release(&r);
	o.main_tag = "v1.0.0";
	check(sh("git checkout -q main") == 0);
	check(debug_tag_run(repo, &o, &r) == EXIT_USAGE);
	debug_tag_result_release(&r);
	repo_close(repo);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(git__commit_resolve_names_branches_tags_and_ids),
		CASE(git__commit_resolve_missing_is_1_not_a_commit_is_minus_1),
		CASE(git__guard_finds_outputs_in_a_tree_and_a_range),
		CASE(git__mirror_fast_forwards_and_checks_drift),
		CASE(git__mirror_init_starts_debug_with_a_commit_of_its_own),
		CASE(git__debug_start_message_is_exact),
		CASE(git__drift_allowed_covers_paths_dirs_and_globs),
		CASE(git__debug_tag_adds_a_marker_signs_and_is_idempotent),
	};
	const char *tmp = getenv("TMPDIR");
	char *cmd;
	int ret;

	dir = xasprintf("%s/test-releaser-git.XXXXXX", tmp && *tmp ? tmp : "/tmp");
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
	ret = test_main(cases, sizeof(cases) / sizeof(cases[0]));
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ret = 1;
	free(cmd);
	free(dir);
	return ret;
}
