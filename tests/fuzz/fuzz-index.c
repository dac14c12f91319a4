/*
 * git's index file, as status's quick check reads it (git/index.h):
 * index_parse() on the input bytes. A parse that succeeds gives entries
 * sorted by path then stage, each path one that status may open below the
 * work tree (relative, no empty, ".", ".." or ".git" component), a stage
 * of at most 3, and only the flags it knows; a failure says why.
 */
#include "fuzz.h"

#include <strings.h>

#include "git/index.h"

/* a path status may open below the work tree */
static int path_ok(const char *p)
{
	const char *c = p;
	size_t n;

	if (!*p || *p == '/')
		return 0;
	for (; *c; c += n + (c[n] == '/')) {
		n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && !strncmp(c, "..", 2)) ||
		    (n == 4 && !strncasecmp(c, ".git", 4)))
			return 0;
	}
	return c[-1] != '/';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct index_file ix;
	char why[128] = "";
	size_t i;
	int rc = index_parse(data, size, &ix, why, sizeof(why));

	fuzz_expect(rc == 0 || rc == -1);
	fuzz_expect(rc == 0 || why[0] != '\0');
	fuzz_expect(rc == 0 || (ix.n == 0 && ix.entries == NULL));
	for (i = 0; rc == 0 && i < ix.n; i++) {
		const struct index_entry *e = &ix.entries[i];

		fuzz_expect(path_ok(e->path));
		fuzz_expect(e->stage <= 3);
		fuzz_expect((e->flags & ~(unsigned)(INDEX_ASSUME_VALID | INDEX_SKIP_WORKTREE | INDEX_INTENT_TO_ADD)) == 0);
		fuzz_expect(i == 0 || strcmp(ix.entries[i - 1].path, e->path) < 0 ||
			    (!strcmp(ix.entries[i - 1].path, e->path) && ix.entries[i - 1].stage < e->stage));
	}
	fuzz_expect(rc != 0 || !ix.tree_valid || ix.tree_entries >= 0);
	index_file_release(&ix);
	return 0;
}
