/* Unit tests of release versions (releaser/lib/version.c). */
#include "harness.h"

#include "lib/version.h"

static const char *fmt(const char *tag)
{
	static char buf[128];
	struct version v;

	if (version_parse(tag, &v) < 0)
		return "(invalid)";
	return version_format(&v, buf, sizeof(buf));
}

static int cmp(const char *a, const char *b)
{
	struct version va, vb;

	if (version_parse(a, &va) < 0 || version_parse(b, &vb) < 0)
		return 99;
	return version_compare(&va, &vb);
}

TEST(version__parse_conforming)
{
	struct version v;

	check(version_parse("v1.2.3", &v) == 0);
	check(v.major == 1 && v.minor == 2 && v.patch == 3 && v.pre[0] == '\0' && !v.debug);
	check(version_parse("v1.2.0-rc.1", &v) == 0);
	check_str(v.pre, "rc.1");
	check(!v.debug);
	check(version_parse("v1.0.1-debug", &v) == 0);
	check(v.debug);
	check(version_parse("v1.2.0-rc.1-debug", &v) == 0);
	check(v.debug);
	check_str(fmt("v0.0.0"), "v0.0.0");
	check_str(fmt("v10.20.30-alpha.beta-1"), "v10.20.30-alpha.beta-1");
}

TEST(version__parse_refuses)
{
	static const char *const bad[] = {
		"1.2.3", "v1.2", "v1.2.3.4", "v01.2.3", "v1.02.3", "v1.2.03", "v1.2.3-",
		"v1.2.3-rc..1", "v1.2.3-rc.01", "v1.2.3+build", "v1.2.3-rc_1", "vx.y.z",
		"v1.2.3 ", "", "v", "v1.2.3-a.", "v1234567890.0.0",
		/* the debug marker on something that is not a version */
		"v1.2.3-01-debug", "v1.2.3-rc.-debug", "v2.0.0-rc.1-debug.-debug", "v1.2.3-debug-debug",
		"v1.2.0-rc.1.2.0-rc.-debug-debug",
	};
	struct version v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (version_parse(bad[i], &v) == 0)
			printf("#   accepted \"%s\"\n", bad[i]);
		check(version_parse(bad[i], &v) < 0);
	}
}

TEST(version__precedence)
{
	check(cmp("v1.0.0", "v1.0.0") == 0);
	check(cmp("v1.0.0", "v2.0.0") < 0);
	check(cmp("v1.10.0", "v1.9.0") > 0);
	check(cmp("v1.0.0-rc.1", "v1.0.0") < 0);
	check(cmp("v1.0.0", "v1.0.0-rc.1") > 0);
	check(cmp("v1.0.0-alpha", "v1.0.0-alpha.1") < 0);
	check(cmp("v1.0.0-alpha.1", "v1.0.0-alpha.beta") < 0);
	check(cmp("v1.0.0-beta.2", "v1.0.0-beta.11") < 0);
	check(cmp("v1.0.0-rc.1", "v1.0.0-beta.11") > 0);
}

TEST(version__base_strips_debug)
{
	struct version v, b;
	char buf[64];

	check(version_parse("v1.0.1-debug", &v) == 0);
	version_base(&v, &b);
	check_str(version_format(&b, buf, sizeof(buf)), "v1.0.1");
	check(version_parse("v1.2.0-rc.1-debug", &v) == 0);
	version_base(&v, &b);
	check_str(version_format(&b, buf, sizeof(buf)), "v1.2.0-rc.1");
	check(version_parse("v1.2.0", &v) == 0);
	version_base(&v, &b);
	check_str(version_format(&b, buf, sizeof(buf)), "v1.2.0");
}

TEST(version__snapshot)
{
	struct version v;
	char buf[64];

	check_str(version_snapshot(NULL, "0123456789ab", buf, sizeof(buf)), "v0.0.0-SNAPSHOT-0123456789ab");
	check(version_parse("v1.4.2", &v) == 0);
	check_str(version_snapshot(&v, "abc", buf, sizeof(buf)), "v1.4.3-SNAPSHOT-abc");
	check(version_parse("v1.4.2-debug", &v) == 0);
	check_str(version_snapshot(&v, "abc", buf, sizeof(buf)), "v1.4.3-SNAPSHOT-abc");
	check(version_parse("v2.0.0-rc.1", &v) == 0);
	check_str(version_snapshot(&v, "abc", buf, sizeof(buf)), "v2.0.0-rc.1.SNAPSHOT-abc");
	check(version_parse("v2.0.0-rc.1-debug", &v) == 0);
	check_str(version_snapshot(&v, "abc", buf, sizeof(buf)), "v2.0.0-rc.1.SNAPSHOT-abc");
	/* a pre-release with no room for one more identifier: the next patch's, still a version */
	check(version_parse("v2.0.0-rc.x123456789012345678901234567890123456789012345678901", &v) == 0);
	check_str(version_snapshot(&v, "0123456789ab", buf, sizeof(buf)), "v2.0.1-SNAPSHOT-0123456789ab");
	/* the highest patch has no next one: no snapshot follows it, rather than one that does not parse */
	check(version_parse("v1.4.999999998", &v) == 0);
	check_str(version_snapshot(&v, "abc", buf, sizeof(buf)), "v1.4.999999999-SNAPSHOT-abc");
	check(version_parse("v1.4.999999999", &v) == 0);
	check(version_snapshot(&v, "abc", buf, sizeof(buf)) == NULL && buf[0] == '\0');
	check(version_parse("v1.4.1000000000", &v) < 0);
	check(version_snapshot(NULL, "a.", buf, sizeof(buf)) == NULL);
	check(version_snapshot(NULL, "0123456789ab", buf, 20) == NULL);
}

/* semver precedence: a snapshot sorts after its base and before any release that can follow it */
TEST(version__snapshot_order)
{
	static const char *const after[][4] = {
		/* base, then versions the snapshot must sort before */
		{ "v1.1.0-rc.1", "v1.1.0-rc.2", "v1.1.0", "v1.1.1" },
		{ "v1.1.0-rc.9", "v1.1.0-rc.10", "v1.1.0", "v1.2.0-rc.1" },
		{ "v1.4.2", "v1.4.3-rc.1", "v1.4.3", "v1.5.0" },
		{ "v1.4.2-beta", "v1.4.2-rc.1", "v1.4.2", "v2.0.0" },
	};
	struct version s, b, next;
	char buf[128];
	size_t i, j;

	for (i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		check(version_parse(after[i][0], &b) == 0);
		check(version_parse(version_snapshot(&b, "0123456789ab", buf, sizeof(buf)), &s) == 0);
		check(version_compare(&s, &b) > 0);
		for (j = 1; j < 4; j++) {
			check(version_parse(after[i][j], &next) == 0);
			check(version_compare(&s, &next) < 0);
		}
	}
}

static const char *pc(const char *tag)
{
	static char buf[128];
	struct version v;

	if (version_parse(tag, &v) < 0)
		return "(invalid)";
	return version_pkgconfig(&v, buf, sizeof(buf));
}

TEST(version__pkgconfig)
{
	check_str(pc("v1.2.3"), "1.2.3");
	check_str(pc("v1.3.0-rc.1"), "1.3.0~rc.1");
	check_str(pc("v1.2.4-SNAPSHOT-0123456789ab"), "1.2.4~SNAPSHOT-0123456789ab");
	check_str(pc("v1.1.0-rc.1.SNAPSHOT-0123456789ab"), "1.1.0~rc.1.SNAPSHOT-0123456789ab");
	check_str(pc("v1.0.1-debug"), "1.0.1+debug");
	check_str(pc("v1.3.0-rc.1-debug"), "1.3.0~rc.1+debug");
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(version__parse_conforming),
		CASE(version__parse_refuses),
		CASE(version__precedence),
		CASE(version__base_strips_debug),
		CASE(version__snapshot),
		CASE(version__snapshot_order),
		CASE(version__pkgconfig),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
