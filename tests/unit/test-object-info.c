/* Unit tests of the analyzer identity parser (libanalyzer/object-info.c). */
#include "harness.h"

#include "analyzer.h"

TEST(object_info__parse_release)
{
	static const char text[] = "flavor=release\narch=amd64\nabi=1\nsource=0123456789ab\n";
	struct analyzer_object_info info;

	check(analyzer_object_info_parse(text, sizeof(text), &info) == 0);
	check_str(info.flavor, "release");
	check_str(info.arch, "amd64");
	check_str(info.source, "0123456789ab");
	check(info.abi == 1);
}

TEST(object_info__unknown_keys_ignored)
{
	static const char text[] = "flavor=debug\nfuture=yes\narch=arm64\nabi=2";
	struct analyzer_object_info info;

	check(analyzer_object_info_parse(text, sizeof(text) - 1, &info) == 0);
	check_str(info.flavor, "debug");
	check_str(info.arch, "arm64");
	check(info.abi == 2);
}

TEST(object_info__missing_or_bad_fields)
{
	struct analyzer_object_info info;

	check(analyzer_object_info_parse("arch=amd64\nabi=1\n", 18, &info) < 0);
	check(analyzer_object_info_parse("flavor=debug\nabi=1\n", 19, &info) < 0);
	check(analyzer_object_info_parse("flavor=debug\narch=amd64\n", 24, &info) < 0);
	check(analyzer_object_info_parse("flavor=fast\narch=amd64\nabi=1\n", 29, &info) < 0);
	check(analyzer_object_info_parse("flavor=debug\narch=amd64\nabi=x\n", 30, &info) < 0);
	check(analyzer_object_info_parse("flavor=debug\narch=amd64\nabi=1\nnoequals\n", 39, &info) < 0);
	check(analyzer_object_info_parse("flavor=\narch=amd64\nabi=1\n", 25, &info) < 0);
}

TEST(object_info__value_too_long)
{
	static const char text[] = "flavor=debug\narch=amd64-with-a-very-long-name\nabi=1\n";
	struct analyzer_object_info info;

	check(analyzer_object_info_parse(text, sizeof(text), &info) < 0);
}

TEST(object_info__not_elf)
{
	static const char junk[] = "this is not an ELF file at all";
	struct analyzer_object_info info;
	char err[128] = "";

	check(analyzer_object_info_from_memory(junk, sizeof(junk), &info, err, sizeof(err)) < 0);
	check_str(err, "not an ELF object");
}

TEST(object_info__missing_file)
{
	struct analyzer_object_info info;
	char err[256] = "";

	check(analyzer_object_info_from_file("/nonexistent/analyzer.o", &info, err, sizeof(err)) < 0);
	check(strstr(err, "'/nonexistent/analyzer.o'") != NULL);
	check(strstr(err, "No such file") != NULL);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(object_info__parse_release),
		CASE(object_info__unknown_keys_ignored),
		CASE(object_info__missing_or_bad_fields),
		CASE(object_info__value_too_long),
		CASE(object_info__not_elf),
		CASE(object_info__missing_file),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
