/* The build plan and the analyzer flavor check (see plan.h). */
#include "release/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "analyzer.h"
#include "lib/common.h"

const char *channel_name(enum channel c)
{
	return c == CHANNEL_DEBUG ? "debug" : "release";
}

const char *host_arch(void)
{
	static char arch[sizeof(((struct utsname *)0)->machine)];
	struct utsname u;

	if (arch[0])
		return arch;
	if (uname(&u) != 0)
		snprintf(arch, sizeof(arch), "unknown");
	else if (!strcmp(u.machine, "x86_64"))
		snprintf(arch, sizeof(arch), "amd64");
	else if (!strcmp(u.machine, "aarch64"))
		snprintf(arch, sizeof(arch), "arm64");
	else
		snprintf(arch, sizeof(arch), "%s", u.machine);
	return arch;
}

static const char *cross_compiler(const char *arch)
{
	return !strcmp(arch, "arm64") ? "aarch64-linux-gnu-gcc" : "x86_64-linux-gnu-gcc";
}

int plan_parse_arches(const char *list, struct strlist *out)
{
	char *copy = xstrdup(list), *tok, *save = NULL;
	int ret = -1;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "amd64") && strcmp(tok, "arm64")) {
			error("unknown arch '%s' (use amd64, arm64 or amd64,arm64)", tok);
			goto cleanup;
		}
		if (strlist_has(out, tok)) {
			error("arch '%s' is given twice", tok);
			goto cleanup;
		}
		strlist_add(out, tok);
	}
	if (out->n == 0) {
		error("no arch given (use amd64, arm64 or amd64,arm64)");
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(copy);
	return ret;
}

static void plan_arch(struct build_plan *p, const char *arch)
{
	struct arch_plan *a = &p->arches[p->n++];

	snprintf(a->arch, sizeof(a->arch), "%s", arch);
	a->agent = !strcmp(arch, p->host_arch) || on_path(cross_compiler(arch));
	if (!a->agent)
		snprintf(a->note, sizeof(a->note), "no cross toolchain (%s not found): run "
			 "ci/install-deps.sh --cross", cross_compiler(arch));
}

const char *plan_arch_subdir(const struct build_plan *p, const struct arch_plan *a)
{
	return strcmp(a->arch, p->host_arch) ? a->arch : "";
}

int plan_make(struct build_plan *p, enum channel channel, const struct strlist *arches)
{
	static const char *const known[] = { "amd64", "arm64" };
	size_t i;

	memset(p, 0, sizeof(*p));
	p->channel = channel;
	p->fake_release = channel == CHANNEL_DEBUG;
	snprintf(p->host_arch, sizeof(p->host_arch), "%s", host_arch());
	for (i = 0; i < arches->n; i++)
		if (strcmp(arches->items[i], "amd64") && strcmp(arches->items[i], "arm64"))
			return error("unknown arch '%s' (use amd64 or arm64)", arches->items[i]);
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlist_has(arches, known[i]))
			plan_arch(p, known[i]);
	if (p->n == 0)
		return error("no arch to build (set build.arch in '%s' or use --arch)", SETTINGS_FILE);
	return 0;
}

const char *plan_mode(const struct build_plan *p)
{
	return p->fake_release ? "fake-release" : "dual";
}

const char *plan_ebpf_flags(const struct build_plan *p)
{
	return p->fake_release ? "fake-release" : "";
}

const char *plan_agent_features(const struct build_plan *p)
{
	return p->fake_release ? "" : "debug-analyzer";
}

const char *plan_flavors(const struct build_plan *p)
{
	return p->fake_release ? "debug" : "release debug";
}

char *plan_arch_list(const struct build_plan *p, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < p->n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", p->arches[i].arch);
	return buf;
}

/* one object: its declared flavor must be want, its arch arch */
static int check_object(const char *dir, const char *slot, const char *arch, const char *want,
			const struct build_plan *p)
{
	struct analyzer_object_info info;
	char err[512];
	char *path = xasprintf("%s/analyzer.ebpf.%s.%s", dir, slot, arch);
	int ret = -1;

	if (analyzer_object_info_from_file(path, &info, err, sizeof(err)) < 0) {
		error("%s (run 'releaser build' first)", err);
		goto cleanup;
	}
	if (strcmp(info.flavor, want)) {
		error("analyzer object '%s' declares flavor=%s, but the %s channel ships the %s analyzer "
		      "under that name: rebuild it with 'releaser build'",
		      path, info.flavor, channel_name(p->channel), want);
		goto cleanup;
	}
	if (strcmp(info.arch, arch)) {
		error("analyzer object '%s' declares arch=%s, not %s: rebuild it with 'releaser build'",
		      path, info.arch, arch);
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(path);
	return ret;
}

int plan_check_objects(const struct build_plan *p, const char *build_dir)
{
	char *ebpf = NULL;
	size_t i;
	int ret = -1;

	for (i = 0; i < p->n; i++) {
		const struct arch_plan *a = &p->arches[i];
		const char *sub = plan_arch_subdir(p, a);

		free(ebpf);
		ebpf = xasprintf("%s%s%sebpf", build_dir, sub, *sub ? "/" : "");
		if (check_object(ebpf, "release", a->arch, p->fake_release ? "debug" : "release", p) < 0)
			goto cleanup;
		if (!p->fake_release && check_object(ebpf, "debug", a->arch, "debug", p) < 0)
			goto cleanup;
	}
	ret = 0;
cleanup:
	free(ebpf);
	return ret;
}
