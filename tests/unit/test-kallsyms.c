/* Unit tests of the /proc/kallsyms parser (agent/kallsyms.c). */
#include "harness.h"

#include <stdio.h>

#include "symbolize/kallsyms.h"

static const char sample[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81001000 t do_one_initcall\n"
	"ffffffff81002000 D some_data\n"
	"ffffffff81003000 T entry_SYSCALL_64\n"
	"ffffffffc0100000 t ext4_read\t[ext4]\n"
	"ffffffffc0100400 t ext4_write\t[ext4]\n"
	"ffffffffc0200000 t xfs_read\t[xfs]\n"
	"not a kallsyms line\n"
	"ffffffff81000800 W weak_text\n";

static int load(struct kallsyms *ks, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int n;

	memset(ks, 0, sizeof(*ks));
	n = kallsyms_read(ks, f);
	fclose(f);
	return n;
}

TEST(kallsyms__parse_line)
{
	char line[] = "ffffffffc0100000 t ext4_read\t[ext4]\n", plain[] = "ffffffff81000000 T _stext\n";
	char bad1[] = "zzzz T x\n", bad2[] = "ffffffff81000000 T\n", *name, *module, type;
	uint64_t addr;

	check(kallsyms_parse_line(line, &addr, &type, &name, &module) == 0);
	check(addr == 0xffffffffc0100000ULL);
	check(type == 't');
	check_str(name, "ext4_read");
	check_str(module, "ext4");
	check(kallsyms_parse_line(plain, &addr, &type, &name, &module) == 0);
	check_str(name, "_stext");
	check(module == NULL);
	check(kallsyms_parse_line(bad1, &addr, &type, &name, &module) < 0);
	check(kallsyms_parse_line(bad2, &addr, &type, &name, &module) < 0);
}

TEST(kallsyms__lookup_text_symbols)
{
	struct kallsyms ks;
	const struct ksym *s;

	check(load(&ks, sample) == 7);
	check(ks.n == 7); /* the data symbol and the bad line are left out */
	s = kallsyms_lookup(&ks, 0xffffffff81001234ULL);
	check(s != NULL);
	check_str(kallsyms_name(&ks, s), "do_one_initcall");
	check_str(kallsyms_module(&ks, s), "");
	s = kallsyms_lookup(&ks, 0xffffffff81000900ULL);
	check_str(kallsyms_name(&ks, s), "weak_text");
	s = kallsyms_lookup(&ks, 0xffffffff81002500ULL); /* data is not text: still do_one_initcall */
	check_str(kallsyms_name(&ks, s), "do_one_initcall");
	s = kallsyms_lookup(&ks, 0xffffffffc0100404ULL);
	check_str(kallsyms_name(&ks, s), "ext4_write");
	check_str(kallsyms_module(&ks, s), "ext4");
	s = kallsyms_lookup(&ks, 0xffffffffc0200010ULL);
	check_str(kallsyms_module(&ks, s), "xfs");
	check(kallsyms_lookup(&ks, 0xffffffff80000000ULL) == NULL);
	kallsyms_release(&ks);
	check(ks.n == 0 && ks.syms == NULL);
}

TEST(kallsyms__hidden_addresses)
{
	static const char hidden[] = "0000000000000000 T _stext\n0000000000000000 t foo\n";
	struct kallsyms ks;

	check(load(&ks, hidden) == 0);
	check(kallsyms_lookup(&ks, 0xffffffff81000000ULL) == NULL);
	kallsyms_release(&ks);
}

TEST(kallsyms__empty)
{
	struct kallsyms ks;

	check(load(&ks, "\n") == 0);
	check(kallsyms_lookup(&ks, 1) == NULL);
	kallsyms_release(&ks);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(kallsyms__parse_line),
		CASE(kallsyms__lookup_text_symbols),
		CASE(kallsyms__hidden_addresses),
		CASE(kallsyms__empty),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
