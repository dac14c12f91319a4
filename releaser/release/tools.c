/* The programs a build runs (see tools.h). */
#include "release/tools.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/common.h"

static const struct tool {
	const char *name;
	const char *used_for;
} tools[] = {
	{ "make", "the releaser runs the build with it" },
	{ "cc", "the Makefile compiles the agent and libanalyzer with it" },
	{ "clang", "the Makefile compiles the BPF analyzer with it" },
	{ "llvm-strip", "the Makefile strips the BPF analyzer with it" },
	{ "pkg-config", "the Makefile finds the libraries with it" },
	{ "dpkg-query", "the releaser reads the linked libraries' versions with it" },
};

size_t tools_check(struct strlist *problems)
{
	size_t i, n = 0;
	char *line;

	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (on_path(tools[i].name))
			continue;
		line = xasprintf("'%s' is not on PATH: %s (install the build tools: ci/install-deps.sh)",
				 tools[i].name, tools[i].used_for);
		strlist_add(problems, line);
		free(line);
		n++;
	}
	return n;
}
