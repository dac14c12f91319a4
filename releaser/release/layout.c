/* The contents of each arch's tarball (see layout.h). */
#include "release/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"

char *stage_top(const struct settings *s, const char *version, const char *arch)
{
	return xasprintf("%s-%s-linux-%s", s->name, version, arch);
}

char *stage_buildinfo(const struct release_state *st, const struct settings *s, const struct arch_plan *a)
{
	return xasprintf("project=%s\n"
			 "version=%s\n"
			 "commit=%s\n"
			 "ref=%s\n"
			 "channel=%s\n"
			 "arch=%s\n"
			 "flavors=%s\n"
			 "release_slot=%s\n"
			 "build=%s\n"
			 "agent=%s\n"
			 "%s%s%s"
			 "source_date_epoch=%lld\n",
			 s->name, st->version, st->head.sha, st->ref, channel_name(st->channel), a->arch,
			 plan_flavors(&st->plan), st->plan.fake_release ? "debug" : "release", plan_mode(&st->plan),
			 a->agent ? "yes" : "no", a->agent ? "" : "agent_note=", a->agent ? "" : a->note,
			 a->agent ? "" : "\n", st->epoch);
}

static void add(struct tar_list *l, const char *name, const char *root, const char *rel, int mode)
{
	char *src = xasprintf("%s%s", root, rel);

	tar_add_file(l, name, src, mode);
	free(src);
}

void stage_list(const struct release_state *st, const struct settings *s, const char *build_dir,
		const struct arch_plan *a, struct tar_list *out)
{
	char *build = xasprintf("%s%s/", st->workdir, build_dir);
	char *name, *rel, *info;
	size_t i;

	if (a->agent) {
		add(out, "bin/profiling-agent", build, "bin/profiling-agent", 0755);
		add(out, "lib/libanalyzer.a", build, "lib/libanalyzer.a", 0644);
		add(out, "lib/libanalyzer.so", build, "lib/libanalyzer.so", 0755);
		tar_add_symlink(out, "lib/libanalyzer.so.1", "libanalyzer.so");
	}
	add(out, "include/analyzer.h", st->workdir, "agent/analyzer.h", 0644);
	add(out, "include/frametypes.h", st->workdir, "support/ebpf/frametypes.h", 0644);
	add(out, "frametypes.json", st->workdir, "support/frametypes.json", 0644);
	for (i = 0; i < (st->plan.fake_release ? 1u : 2u); i++) {
		const char *slot = i == 0 ? "release" : "debug";

		name = xasprintf("share/analyzer/analyzer.ebpf.%s.%s", slot, a->arch);
		rel = xasprintf("ebpf/analyzer.ebpf.%s.%s", slot, a->arch);
		add(out, name, build, rel, 0644);
		free(name);
		free(rel);
	}
	for (i = 0; i < s->files.n; i++)
		add(out, s->files.items[i], st->workdir, s->files.items[i], 0644);
	info = stage_buildinfo(st, s, a);
	tar_add_data(out, "BUILDINFO", info, strlen(info), 0644);
	free(info);
	free(build);
}
