/* Unit tests of the build plan (releaser/release/plan.c) and the tag index picks (releaser/git/describe.c). */
#include "harness.h"

#include <string.h>

#include "git/describe.h"
#include "release/plan.h"

TEST(plan__the_channel_decides_the_make_variables)
{
	struct strlist arches = { 0 };
	struct build_plan p;

	strlist_add(&arches, "amd64");
	check(plan_make(&p, CHANNEL_RELEASE, &arches) == 0);
	check_str(plan_ebpf_flags(&p), "");
	check_str(plan_agent_features(&p), "debug-analyzer");
	check_str(plan_mode(&p), "dual");
	check(plan_make(&p, CHANNEL_DEBUG, &arches) == 0);
	check_str(plan_ebpf_flags(&p), "fake-release");
	check_str(plan_agent_features(&p), "");
	check_str(plan_flavors(&p), "debug");
	check_str(channel_name(CHANNEL_DEBUG), "debug");
	strlist_clear(&arches);
}

TEST(plan__arches_are_parsed_and_checked)
{
	struct strlist l = { 0 };

	check(plan_parse_arches("amd64,arm64", &l) == 0);
	check(l.n == 2);
	strlist_clear(&l);
	check(plan_parse_arches("arm64", &l) == 0 && l.n == 1);
	strlist_clear(&l);
	check(plan_parse_arches("amd64,sparc", &l) < 0);
	strlist_clear(&l);
	check(plan_parse_arches("amd64,amd64", &l) < 0);
	strlist_clear(&l);
	check(plan_parse_arches(",", &l) < 0);
	strlist_clear(&l);
}

TEST(plan__dual_on_release_fake_release_on_debug)
{
	struct strlist l = { 0 };
	struct build_plan p;
	char buf[64];

	strlist_add(&l, "arm64");
	strlist_add(&l, "amd64");
	check(plan_make(&p, CHANNEL_RELEASE, &l) == 0);
	check_str(plan_mode(&p), "dual");
	check_str(plan_flavors(&p), "release debug");
	check(p.n == 2);
	check_str(p.arches[0].arch, "amd64"); /* sorted */
	check_str(plan_arch_list(&p, buf, sizeof(buf)), "amd64 arm64");
	/* the host arch builds here; the other one where its cross compiler is on PATH */
	check(p.arches[!strcmp(p.arches[0].arch, p.host_arch) ? 0 : 1].agent);
	check_str(plan_arch_subdir(&p, &p.arches[!strcmp(p.arches[0].arch, p.host_arch) ? 1 : 0]),
		  p.arches[!strcmp(p.arches[0].arch, p.host_arch) ? 1 : 0].arch);
	check(plan_make(&p, CHANNEL_DEBUG, &l) == 0);
	check(p.fake_release);
	check_str(plan_mode(&p), "fake-release");
	check_str(plan_flavors(&p), "debug");
	strlist_clear(&l);
	strlist_add(&l, "mips");
	check(plan_make(&p, CHANNEL_RELEASE, &l) < 0);
	strlist_clear(&l);
}

TEST(describe__the_highest_version_wins)
{
	const char *names[] = { "nightly", "v1.2.0-rc.1", "v1.2.0", "v1.10.0-debug", "v1.9.9" };

	check_str(tag_pick_version(names, 5), "v1.10.0-debug");
	check_str(tag_pick_version(names, 3), "v1.2.0");
	check_str(tag_pick_version(names, 2), "v1.2.0-rc.1");
	check(tag_pick_version(names, 1) == NULL);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(plan__the_channel_decides_the_make_variables),
		CASE(plan__arches_are_parsed_and_checked),
		CASE(plan__dual_on_release_fake_release_on_debug),
		CASE(describe__the_highest_version_wins),
	};

	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
