/* The contents of each arch's tarball (see layout.h). */
#include "release/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"

char *layout_top(const struct release_ident *id, const char *arch)
{
	return xasprintf("%s-%s-linux-%s", id->project, id->version, arch);
}

char *layout_tarball_name(const struct release_ident *id, const char *arch)
{
	return xasprintf("%s-%s-linux-%s.tar.gz", id->project, id->version, arch);
}

static void add(struct tar_list *l, const char *name, const char *root, const char *rel, int mode)
{
	char *src = xasprintf("%s%s", root, rel);

	tar_add_file(l, name, src, mode);
	free(src);
}

void layout_list(const struct release_ident *id, const struct settings *s, const char *workdir, const char *build,
		 const struct arch_plan *a, struct tar_list *out)
{
	char *name, *rel, *info;
	size_t i;

	if (a->agent) {
		add(out, "bin/profiling-agent", build, "bin/profiling-agent", 0755);
		add(out, "lib/libanalyzer.a", build, "lib/libanalyzer.a", 0644);
		add(out, "lib/libanalyzer.so.1", build, "lib/libanalyzer.so", 0755);
		tar_add_symlink(out, "lib/libanalyzer.so", "libanalyzer.so.1");
		add(out, "lib/pkgconfig/analyzer.pc", build, "lib/pkgconfig/analyzer.pc", 0644);
	}
	add(out, "include/analyzer.h", workdir, "libanalyzer/include/analyzer.h", 0644);
	add(out, "include/analyzer/frametypes.h", workdir, "support/ebpf/frametypes.h", 0644);
	add(out, "share/analyzer/frametypes.json", workdir, "support/frametypes.json", 0644);
	for (i = 0; i < (id->fake_release ? 1u : 2u); i++) {
		const char *slot = i == 0 ? "release" : "debug";

		name = xasprintf("share/analyzer/analyzer.ebpf.%s.%s", slot, a->arch);
		rel = xasprintf("ebpf/analyzer.ebpf.%s.%s", slot, a->arch);
		add(out, name, build, rel, 0644);
		free(name);
		free(rel);
	}
	for (i = 0; i < s->files.n; i++) {
		name = xasprintf("share/doc/%s/%s", id->project, s->files.items[i]);
		add(out, name, workdir, s->files.items[i], 0644);
		free(name);
	}
	name = xasprintf("share/doc/%s/BUILDINFO", id->project);
	info = ident_buildinfo(id, a);
	tar_add_data(out, name, info, strlen(info), 0644);
	free(info);
	free(name);
}
