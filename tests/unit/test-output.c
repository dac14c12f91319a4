/* Unit tests of the profile's destination (agent/output.c): atomic, or not at all. */
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

static char dir[64];

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

static char *path(const char *name)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

TEST(output__commit_renames_into_place)
{
	struct output out;
	struct stat st;
	char text[32] = "";
	FILE *f;

	umask(022);
	check(output_open(&out, path("profile.folded")) == 0);
	check(access(path("profile.folded"), F_OK) < 0); /* not there before the commit */
	check(entries() == 1);
	fputs("main;hot 3\n", out.f);
	check(output_commit(&out) == 0);
	check(entries() == 1);
	check(stat(path("profile.folded"), &st) == 0);
	check((st.st_mode & 0777) == 0644);
	f = fopen(path("profile.folded"), "r");
	check(f && fgets(text, sizeof(text), f));
	fclose(f);
	check_str(text, "main;hot 3\n");
	unlink(path("profile.folded"));
}

TEST(output__abort_leaves_nothing_and_keeps_the_old_file)
{
	struct output out;
	FILE *f = fopen(path("keep"), "w");
	char text[16] = "";

	fputs("old\n", f);
	fclose(f);
	check(output_open(&out, path("keep")) == 0);
	fputs("partial", out.f);
	output_abort(&out);
	check(entries() == 1);
	f = fopen(path("keep"), "r");
	check(f && fgets(text, sizeof(text), f));
	fclose(f);
	check_str(text, "old\n");
	unlink(path("keep"));
}

TEST(output__unwritable_places)
{
	struct output out;

	check(output_open(&out, dir) < 0);               /* a directory */
	check(output_open(&out, path("no/such/dir/x")) < 0);
	check(entries() == 0);
}

TEST(output__stdout)
{
	struct output out;

	check(output_open(&out, "-") == 0);
	check(out.f == stdout && out.path == NULL);
	check(output_commit(&out) == 0);
	check(output_open(&out, NULL) == 0 && out.f == stdout);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(output__commit_renames_into_place),
		CASE(output__abort_leaves_nothing_and_keeps_the_old_file),
		CASE(output__unwritable_places),
		CASE(output__stdout),
	};
	int r;

	snprintf(dir, sizeof(dir), "/tmp/test-output.XXXXXX");
	if (!mkdtemp(dir) || !freopen("/dev/null", "w", stderr))
		return 1;
	r = test_main(cases, sizeof(cases) / sizeof(cases[0]));
	rmdir(dir);
	return r;
}
