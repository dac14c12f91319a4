/* Unit tests of the agent's command line (agent/options.c). */
#include "harness.h"

#include "options.h"

#define ARGV(...) ((char *[]){ "profiling-agent", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "profiling-agent", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, ...) options_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (o))

TEST(options__defaults)
{
	char *argv[] = { "profiling-agent", NULL };
	struct agent_options o;

	check(options_parse(1, argv, &o) == 0);
	check(o.frequency_hz == 19);
	check(o.duration_s == 0);
	check(o.npids == 0);
	check(o.output == NULL);
	check(o.format == FORMAT_FOLDED);
	check(!o.verbose && !o.debug_analyzer && !o.help && !o.version);
	check(o.debug_level == -1);
	check(!o.no_demangle);
}

TEST(options__all_set)
{
	struct agent_options o;

	check(PARSE(&o, "--duration", "2.5", "--frequency=99", "--pid", "42", "-o", "out.json",
		    "--format", "json", "-v", "--debug-analyzer", "--debug-level", "2", "--no-demangle") == 0);
	check(o.duration_s == 2.5);
	check(o.frequency_hz == 99);
	check(o.npids == 1 && o.pids[0] == 42);
	check_str(o.output, "out.json");
	check(o.format == FORMAT_JSON);
	check(o.verbose && o.debug_analyzer);
	check(o.debug_level == 2);
	check(o.no_demangle);
	check(PARSE(&o, "-o", "-", "-F", "10000", "-d", "1") == 0);
	check(o.output == NULL);
	check(o.frequency_hz == 10000);
}

TEST(options__bad_values)
{
	struct agent_options o;

	check(PARSE(&o, "--frequency", "0") < 0);
	check(PARSE(&o, "--frequency", "10001") < 0);
	check(PARSE(&o, "--frequency", "19x") < 0);
	check(PARSE(&o, "--frequency", "") < 0);
	check(PARSE(&o, "--duration", "0") < 0);
	check(PARSE(&o, "--duration", "-1") < 0);
	check(PARSE(&o, "--duration", "nan") < 0);
	check(PARSE(&o, "--duration", "inf") < 0);
	check(PARSE(&o, "--duration", "1s") < 0);
	check(PARSE(&o, "--pid", "0") < 0);
	check(PARSE(&o, "--pid", "-5") < 0);
	check(PARSE(&o, "--pid", "99999999999") < 0);
	check(PARSE(&o, "--format", "svg") < 0);
	check(PARSE(&o, "--output", "") < 0);
	check(PARSE(&o, "--debug-level", "3") < 0);
}

TEST(options__several_pids)
{
	struct agent_options o;
	char *argv[2 + 2 * (AGENT_MAX_PIDS + 1)];
	char nums[AGENT_MAX_PIDS + 1][16];
	int i;

	check(PARSE(&o, "--pid", "42", "-p", "7", "--pid=9") == 0);
	check(o.npids == 3 && o.pids[0] == 42 && o.pids[1] == 7 && o.pids[2] == 9);
	argv[0] = "profiling-agent";
	for (i = 0; i <= AGENT_MAX_PIDS; i++) {
		snprintf(nums[i], sizeof(nums[i]), "%d", i + 1);
		argv[1 + 2 * i] = "--pid";
		argv[2 + 2 * i] = nums[i];
	}
	argv[1 + 2 * (AGENT_MAX_PIDS + 1)] = NULL;
	check(options_parse(1 + 2 * AGENT_MAX_PIDS, argv, &o) == 0);
	check(o.npids == AGENT_MAX_PIDS);
	check(options_parse(1 + 2 * (AGENT_MAX_PIDS + 1), argv, &o) < 0);
}

TEST(options__bad_usage)
{
	struct agent_options o;

	check(PARSE(&o, "--bogus") < 0);
	check(PARSE(&o, "-x") < 0);
	check(PARSE(&o, "--pid") < 0);
	check(PARSE(&o, "stray") < 0);
	check(PARSE(&o, "--help") == 0 && o.help);
	check(PARSE(&o, "-V") == 0 && o.version);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(options__defaults),
		CASE(options__all_set),
		CASE(options__several_pids),
		CASE(options__bad_values),
		CASE(options__bad_usage),
	};
	/* the failing cases print their one-line errors: keep them off the TAP stream */
	if (!freopen("/dev/null", "w", stderr))
		return 1;
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
