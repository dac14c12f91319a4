/* Unit tests of the /proc/PID/maps line parser (agent/procmaps.c). */
#include "harness.h"

#include "proc/maps.h"

TEST(procmaps__file_mapping)
{
	char line[] = "7f3a1c028000-7f3a1c1bd000 r-xp 00028000 08:01 1835082                    "
		      "/usr/lib/x86_64-linux-gnu/libc.so.6\n";
	struct procmap m;

	check(procmap_parse_line(line, &m) == 0);
	check(m.start == 0x7f3a1c028000ULL);
	check(m.end == 0x7f3a1c1bd000ULL);
	check(m.pgoff == 0x28000);
	check(m.dev_major == 8 && m.dev_minor == 1);
	check(m.inode == 1835082);
	check_str(m.perms, "r-xp");
	check(procmap_is_exec(&m));
	check_str(m.path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	check(!m.deleted);
}

TEST(procmaps__anonymous_and_special)
{
	char anon[] = "7ffd5e9c4000-7ffd5e9e5000 rw-p 00000000 00:00 0\n";
	char anon_pad[] = "7ffd5e9c4000-7ffd5e9e5000 rw-p 00000000 00:00 0 \n";
	char vdso[] = "7ffd5e9f0000-7ffd5e9f2000 r-xp 00000000 00:00 0                          [vdso]\n";
	struct procmap m;

	check(procmap_parse_line(anon, &m) == 0);
	check_str(m.path, "");
	check(!procmap_is_exec(&m));
	check(procmap_parse_line(anon_pad, &m) == 0);
	check_str(m.path, "");
	check(procmap_parse_line(vdso, &m) == 0);
	check_str(m.path, "[vdso]");
	check(procmap_is_exec(&m));
}

TEST(procmaps__path_with_spaces_and_deleted)
{
	char line[] = "55d0c8e00000-55d0c8e02000 r-xp 00001000 fd:02 42 /opt/my app/bin (deleted)\n";
	struct procmap m;

	check(procmap_parse_line(line, &m) == 0);
	check_str(m.path, "/opt/my app/bin");
	check(m.deleted);
	check(m.dev_major == 0xfd && m.dev_minor == 2);
}

TEST(procmaps__malformed)
{
	char empty[] = "\n", junk[] = "hello world\n";
	char reversed[] = "7f0000002000-7f0000001000 r-xp 00000000 08:01 1 /x\n";
	char no_inode[] = "7f0000001000-7f0000002000 r-xp 00000000 08:01\n";
	struct procmap m;

	check(procmap_parse_line(empty, &m) < 0);
	check(procmap_parse_line(junk, &m) < 0);
	check(procmap_parse_line(reversed, &m) < 0);
	check(procmap_parse_line(no_inode, &m) < 0);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(procmaps__file_mapping),
		CASE(procmaps__anonymous_and_special),
		CASE(procmaps__path_with_spaces_and_deleted),
		CASE(procmaps__malformed),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
