/* Unit tests of the Debian control rules and field writer (releaser/lib/debian.c). */
#include "harness.h"

#include <stdlib.h>

#include "lib/debian.h"

static const char *relations(const char *s)
{
	static char why[256];

	return debian_check_relations(s, why, sizeof(why));
}

static const char *field(const char *name, const char *value)
{
	static char buf[512];
	char *f = debian_field(name, value);

	snprintf(buf, sizeof(buf), "%s", f);
	free(f);
	return buf;
}

TEST(debian__package)
{
	check(!debian_check_package("profiling-agent"));
	check(!debian_check_package("g++"));
	check(!debian_check_package("0ad"));
	check(debian_check_package("Profiling-Agent"));
	check(debian_check_package("a"));
	check(debian_check_package("-agent"));
	check(debian_check_package("agent_x"));
	check(debian_check_package(""));
}

TEST(debian__version)
{
	check(!debian_check_version("1.1.0"));
	check(!debian_check_version("1.1.0~rc.1"));
	check(!debian_check_version("1:2.0-1~x"));
	check(!debian_check_version("1.0.2~SNAPSHOT.0123456789ab"));
	check(debian_check_version(""));
	check(debian_check_version("v1.0"));
	check(debian_check_version("1.0-"));
	check(debian_check_version("a:1.0"));
	check(debian_check_version("1.0-a-b_c"));
	check(debian_check_version("1.0 "));
}

TEST(debian__relations)
{
	check(!relations("libc6 (>= 2.36)"));
	check(!relations("libc6 (>= 2.36), libelf1 | libelf1t64:any (>> 0.187~), zlib1g:amd64 (<< 1:2.0-1~x)"));
	check(!relations("bzip2(=1.0),libc6"));
	check_str(relations("libc6 (>= "), "a version is missing after '>=': write (>= VERSION)");
	check_str(relations("libc6 (>= 1.0"), "'(>= 1.0' is not closed by ')'");
	check_str(relations("${shlibs:Depends}"),
		  "'${shlibs:Depends}' is a substitution variable, which only dpkg-gencontrol fills in: "
		  "name the packages instead");
	check_str(relations("foo [amd64]"),
		  "architecture lists ([...]) belong to source packages (Build-Depends), not to a binary package");
	check_str(relations("foo <!nocheck>"),
		  "build profiles (<...>) belong to source packages (Build-Depends), not to a binary package");
	check_str(relations("foo (> 1)"), "a version relation is one of '<<', '<=', '=', '>=', '>>' at '> 1)'");
	check_str(relations("foo,"), "a package name is missing at its end");
	check_str(relations("foo, | bar"), "a package name ([a-z0-9][a-z0-9+.-]+) is expected at '| bar'");
	check_str(relations("Foo"), "a package name ([a-z0-9][a-z0-9+.-]+) is expected at 'Foo'");
	check_str(relations("foo bar"), "',' or '|' is expected at 'bar'");
	check_str(relations("foo\nDescription: x"), "it holds a control character (0x0a)");
	check_str(relations("foo "), "it starts or ends with a space");
	check_str(relations(""), "it names no package");
}

TEST(debian__maintainer)
{
	check(!debian_check_maintainer("Fake Maintainers <fake@example.org>"));
	check(!debian_check_maintainer("Zo\xc3\xab F\xc3\xa4k\xc3\xa9 <zoe@example.org>"));
	check_str(debian_check_maintainer("Fa\xffke <fake@example.org>"), "it is not UTF-8");
	check_str(debian_check_maintainer("Fake\x01 <fake@example.org>"), "it holds a control character");
	check_str(debian_check_maintainer("Fake <fake@example.org>\nX: y"), "it holds a control character");
	check_str(debian_check_maintainer("fake@example.org"), "it is not 'NAME <EMAIL>'");
	check(debian_check_maintainer("<fake@example.org>"));
	check(debian_check_maintainer("Fake  <fake@example.org>"));
	check(debian_check_maintainer("Fake, Other <fake@example.org>"));
	check_str(debian_check_maintainer("Fake <fake>"), "the email is not LOCAL@DOMAIN");
	check(debian_check_maintainer("Fake <fa ke@example.org>"));
	check(debian_check_maintainer("Fake <fake@example.org> x"));
}

TEST(debian__homepage)
{
	check(!debian_check_homepage("https://example.org/profiling-agent"));
	check(!debian_check_homepage("http://example.org"));
	check(debian_check_homepage("ftp://example.org"));
	check(debian_check_homepage("https://"));
	check(debian_check_homepage("https://example.org/<b>"));
	check(debian_check_homepage("https://example.org/a b"));
}

TEST(debian__value)
{
	check(!debian_check_value("one line", 0));
	check(debian_check_value("two\nlines", 0));
	check(!debian_check_value("synopsis\nmore\n\n  verbatim", 1));
	check(debian_check_value("", 1));
	check(debian_check_value(" lead", 1));
	check(debian_check_value("\nsecond", 1));
	check(debian_check_value("trail ", 0));
	check(debian_check_value("first\n.", 1));
	check(debian_check_value("first\n.more", 1));
	check(debian_check_value("first\n ", 1));
	check(debian_check_value("first\n", 1));
	check(debian_check_value("tab\there", 0));
	check(debian_check_value("not \xc3(utf-8", 0));
	check(!debian_check_field_name("Installed-Size"));
	check(debian_check_field_name("#x"));
	check(debian_check_field_name("-x"));
	check(debian_check_field_name("a:b"));
	check(debian_check_field_name("a b"));
}

TEST(debian__field)
{
	check_str(field("Package", "profiling-agent"), "Package: profiling-agent\n");
	check_str(field("Description", "synopsis\nmore\n\n  verbatim"),
		  "Description: synopsis\n more\n .\n   verbatim\n");
	check_str(field("Description", "a\n\n\nb"), "Description: a\n .\n .\n b\n");
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(debian__package),
		CASE(debian__version),
		CASE(debian__relations),
		CASE(debian__maintainer),
		CASE(debian__homepage),
		CASE(debian__value),
		CASE(debian__field),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
