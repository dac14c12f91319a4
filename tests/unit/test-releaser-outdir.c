/*
 * The output directory after a killed run, and what the user keeps in it:
 * the in-place journal (read, and an interrupted commit finished), the
 * directories of a dead run's stage moved back, directories never
 * replaced. In place is forced with OUTDIR_IN_PLACE (no mount needed).
 * Files go into a scratch directory under $TMPDIR, removed at the end.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "lib/common.h"
#include "lib/strlist.h"
#include "release/outdir.h"

static char scratch[256];

static char *path_in(const char *name)
{
	return xasprintf("%s/%s", scratch, name);
}

/* writes text into dir/name */
static int put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	free(path);
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* mkdir, unlink or rmdir of dir/name: 0 or -1 */
static int in_dir(int (*op)(const char *), const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	int ret = op(path);

	free(path);
	return ret;
}

static int make_dir(const char *path)
{
	return mkdir(path, 0755);
}

/* whether dir/name exists (not followed) */
static int has(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat sb;
	int ret = lstat(path, &sb) == 0;

	free(path);
	return ret;
}

/* the content of dir/name is text */
static int holds(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name), buf[256];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	free(path);
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return !strcmp(buf, text);
}

/* an older release in dir: old.tar.gz listed in SHA256SUMS */
static int older_release(const char *dir)
{
	return put(dir, "old.tar.gz", "old\n") == 0 &&
	       put(dir, "SHA256SUMS",
		   "8a6f3b5ef2c0a4f5a6b2bd2f7a3ac2a7b8b0a1c9a1e0f2b4c0d4a1e2f3b4c5d6  old.tar.gz\n") == 0;
}

TEST(outdir__journal_parse)
{
	static const char text[] = OUTDIR_JOURNAL_HEAD "a.tar.gz\n\n.releaser.lock\n../up\nsub/x\n.\n..\n.hidden\nlast";
	struct strlist names = { 0 };

	check(outdir_journal_parse(text, strlen(text), &names) == 0);
	check(names.n == 3);
	check_str(names.items[0], "a.tar.gz");
	check_str(names.items[1], ".hidden");
	check_str(names.items[2], "last");
	strlist_clear(&names);
	check(outdir_journal_parse("a.tar.gz\n", 9, &names) < 0 && names.n == 0);
	check(outdir_journal_parse(OUTDIR_JOURNAL_HEAD "a\0b\n", strlen(OUTDIR_JOURNAL_HEAD) + 4, &names) < 0);
	check(outdir_journal_parse(OUTDIR_JOURNAL_HEAD, 5, &names) < 0 && names.n == 0);
}

TEST(outdir__in_place_finishes_an_interrupted_commit)
{
	char *dir = path_in("in-place");
	struct outdir o;

	check(mkdir(dir, 0755) == 0);
	check(older_release(dir));
	/* a run killed in place left its journal and one of its new files */
	check(put(dir, OUTDIR_JOURNAL_FILE, OUTDIR_JOURNAL_HEAD "old.tar.gz\nSHA256SUMS\ndead.tar.gz\n") == 0);
	check(put(dir, "dead.tar.gz", "of the killed run\n") == 0);
	/* and the user's entries */
	check(put(dir, "notes.txt", "mine\n") == 0);
	check(in_dir(make_dir, dir, "keep") == 0);
	check(put(dir, "keep/file", "mine too\n") == 0);
	check(outdir_open(&o, dir, OUTDIR_IN_PLACE) == 0);
	check(outdir_write(&o, "new.tar.gz", "new\n", 4) == 0);
	check(outdir_write(&o, "SHA256SUMS", "listing new.tar.gz\n", 19) == 0);
	/* the interrupted commit's files are no conflict, even without --force */
	check(outdir_commit(&o) == 0);
	outdir_close(&o);
	check(!has(dir, "old.tar.gz") && !has(dir, "dead.tar.gz") && !has(dir, OUTDIR_JOURNAL_FILE));
	check(holds(dir, "new.tar.gz", "new\n") && holds(dir, "SHA256SUMS", "listing new.tar.gz\n"));
	check(holds(dir, "notes.txt", "mine\n") && holds(dir, "keep/file", "mine too\n"));
	free(dir);
}

TEST(outdir__in_place_leaves_no_journal)
{
	char *dir = path_in("in-place-plain");
	struct outdir o;

	check(mkdir(dir, 0755) == 0);
	check(outdir_open(&o, dir, OUTDIR_IN_PLACE) == 0);
	check(outdir_write(&o, "a.txt", "a\n", 2) == 0);
	check(outdir_commit(&o) == 0);
	outdir_close(&o);
	check(holds(dir, "a.txt", "a\n") && !has(dir, OUTDIR_JOURNAL_FILE));
	/* a journal alone is an unfinished commit: the next run removes it */
	check(put(dir, OUTDIR_JOURNAL_FILE, OUTDIR_JOURNAL_HEAD "a.txt\n") == 0);
	check(outdir_open(&o, dir, OUTDIR_IN_PLACE) == 0);
	check(outdir_write(&o, "a.txt", "a\n", 2) == 0);
	check(outdir_commit(&o) == 0);
	outdir_close(&o);
	check(holds(dir, "a.txt", "a\n") && !has(dir, OUTDIR_JOURNAL_FILE));
	free(dir);
}

TEST(outdir__dead_stage_directory_goes_back)
{
	char *dir = path_in("swap"), *wrap = path_in(".swap.releaser-2147483646-abcdef");
	char *new = xasprintf("%s/new", wrap);
	struct outdir o;

	check(mkdir(dir, 0755) == 0);
	/* killed between moving the user's directory into its stage and the swap */
	check(mkdir(wrap, 0700) == 0 && mkdir(new, 0755) == 0);
	check(put(wrap, ".gitignore", "*\n") == 0);
	check(put(new, "staged.tar.gz", "staged\n") == 0);
	check(in_dir(make_dir, new, "keep") == 0);
	check(put(new, "keep/file", "mine\n") == 0);
	check(outdir_open(&o, dir, 0) == 0);
	outdir_close(&o);
	check(!has(scratch, ".swap.releaser-2147483646-abcdef"));
	check(holds(dir, "keep/file", "mine\n") && !has(dir, "staged.tar.gz"));
	/* when DIR has that name again, the stage is left whole, ignore file too */
	check(mkdir(wrap, 0700) == 0 && mkdir(new, 0755) == 0);
	check(put(wrap, ".gitignore", "*\n") == 0);
	check(in_dir(make_dir, new, "keep") == 0);
	check(put(new, "keep/other", "mine as well\n") == 0);
	check(outdir_open(&o, dir, 0) == 0);
	outdir_close(&o);
	check(holds(new, "keep/other", "mine as well\n") && has(wrap, ".gitignore"));
	check(holds(dir, "keep/file", "mine\n"));
	free(new);
	free(wrap);
	free(dir);
}

TEST(outdir__directories_are_the_users)
{
	static const int modes[] = { 0, OUTDIR_IN_PLACE };
	char *dir = NULL;
	struct outdir o;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		free(dir);
		dir = xasprintf("%s/dirs-%zu", scratch, i);
		check(mkdir(dir, 0755) == 0);
		check(older_release(dir));
		/* the older release's tarball replaced by a directory of that name */
		check(in_dir(unlink, dir, "old.tar.gz") == 0);
		check(in_dir(make_dir, dir, "old.tar.gz") == 0);
		check(put(dir, "old.tar.gz/file", "mine\n") == 0);
		/* a directory under a name the release writes stops it, even forced */
		check(in_dir(make_dir, dir, "new.tar.gz") == 0);
		check(outdir_open(&o, dir, modes[i] | OUTDIR_FORCE | OUTDIR_REPLACE) == 0);
		check(outdir_write(&o, "new.tar.gz", "new\n", 4) == 0);
		check(outdir_write(&o, "SHA256SUMS", "listing new.tar.gz\n", 19) == 0);
		check(outdir_commit(&o) < 0);
		outdir_close(&o);
		check(has(dir, "new.tar.gz/.") && has(dir, "SHA256SUMS") && !has(dir, OUTDIR_JOURNAL_FILE));
		check(in_dir(rmdir, dir, "new.tar.gz") == 0);
		check(outdir_open(&o, dir, modes[i] | OUTDIR_REPLACE) == 0);
		check(outdir_write(&o, "new.tar.gz", "new\n", 4) == 0);
		check(outdir_write(&o, "SHA256SUMS", "listing new.tar.gz\n", 19) == 0);
		check(outdir_commit(&o) == 0);
		outdir_close(&o);
		check(holds(dir, "old.tar.gz/file", "mine\n") && holds(dir, "new.tar.gz", "new\n"));
	}
	free(dir);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(outdir__journal_parse),
		CASE(outdir__in_place_finishes_an_interrupted_commit),
		CASE(outdir__in_place_leaves_no_journal),
		CASE(outdir__dead_stage_directory_goes_back),
		CASE(outdir__directories_are_the_users),
	};
	const char *tmp = getenv("TMPDIR");
	int ret;

	snprintf(scratch, sizeof(scratch), "%s/test-releaser-outdir.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch)) {
		perror("mkdtemp");
		return 1;
	}
	set_quiet(1);
	ret = test_main(cases, sizeof(cases) / sizeof(cases[0]));
	nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return ret;
}
