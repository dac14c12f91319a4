/*
 * releaser.conf: the input is written as releaser.conf into the work tree
 * of a git repository made once per process, then settings_load() reads
 * it through libgit2's config parser and checks every key, as every
 * command that opens a repository does; settings_check lists every
 * problem (releaser check) and leaves only good values.
 */
#include "fuzz.h"

#include <git2.h>

#include "git/settings.h"

static git_repository *repo;
static char conf[128];

static void open_repo(void)
{
	git_repository *init = NULL;
	const char *dir = fuzz_tmpdir();

	git_libgit2_init();
	fuzz_expect(git_repository_init(&init, dir, 0) == 0);
	git_repository_free(init);
	git_libgit2_shutdown();
	repo = repo_open(dir);
	fuzz_expect(repo != NULL);
	snprintf(conf, sizeof(conf), "%s/%s", dir, SETTINGS_FILE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings_problems p;
	struct settings s;
	size_t i;

	if (!repo)
		open_repo();
	fuzz_write_file(conf, data, size);
	/* every problem listed, and settings that hold only good values either way */
	if (settings_check(repo, &s, &p) == 0) {
		for (i = 0; i < p.n; i++)
			fuzz_expect(p.items[i].kind && p.items[i].message && !strchr(p.items[i].message, '\n') &&
				    p.items[i].line >= 0);
		fuzz_expect(s.name && s.main_branch && s.debug_branch && s.guard_max_size > 0);
		fuzz_expect(!settings_check_project(s.name) && strcmp(s.main_branch, s.debug_branch));
		settings_problems_release(&p);
		settings_release(&s);
	}
	if (settings_load(repo, &s) < 0)
		return 0;
	fuzz_expect(s.name && s.main_branch && s.debug_branch && s.guard_max_size > 0);
	fuzz_expect(!strchr(s.name, '/') && strcmp(s.name, "..") && strcmp(s.name, "."));
	settings_release(&s);
	return 0;
}
