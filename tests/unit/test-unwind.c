/*
 * Unit tests of the CFI reader (agent/unwind.c) on a program built here
 * with gcc -O2 (so without frame pointers): its functions are covered, and
 * a function written in assembly, with known instructions, gets the rules
 * its CFI directives say.
 */
#include "harness.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "unwind/table.h"

static const char program[] =
	"#include <stdio.h>\n"
	"#include <stdlib.h>\n"
	"volatile unsigned long sink;\n"
	"__attribute__((noinline)) void c(unsigned long n) { for (unsigned long i = 0; i < n; i++) sink += i * i; }\n"
	"__attribute__((noinline)) void b(unsigned long n) { char buf[64]; snprintf(buf, sizeof(buf), \"%lu\", n);\n"
	"  c(strtoul(buf, NULL, 10)); sink += buf[0]; }\n"
	"__attribute__((noinline)) void a(unsigned long n) { b(n); b(n / 2); sink++; }\n"
#if defined(__x86_64__)
	/* CFA rules: +0 rsp+8, +1 rsp+16 (rbp at cfa-16), +4 rbp+16, +9 rsp+8 */
	"__asm__(\".globl known\\n.type known,@function\\nknown:\\n.cfi_startproc\\n"
	"push %rbp\\n.cfi_def_cfa_offset 16\\n.cfi_offset rbp, -16\\n"
	"mov %rsp, %rbp\\n.cfi_def_cfa_register rbp\\n"
	"nop\\nnop\\nnop\\nnop\\nnop\\n"
	"pop %rbp\\n.cfi_def_cfa rsp, 8\\n"
	"ret\\n.cfi_endproc\\n.size known, .-known\\n\");\n"
#endif
	"int main(int argc, char **argv) { (void)argv; a((unsigned long)argc * 1000); return 0; }\n";

static char dir[64], exe[96];

/* build the program once; 0 or -1 */
static int build(void)
{
	char cmd[256], src[96];
	FILE *f;

	if (exe[0])
		return 0;
	snprintf(dir, sizeof(dir), "/tmp/test-unwind.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(src, sizeof(src), "%s/prog.c", dir);
	snprintf(exe, sizeof(exe), "%s/prog", dir);
	f = fopen(src, "w");
	if (!f)
		return -1;
	fputs(program, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gcc -O2 -o %s %s", exe, src);
	return system(cmd) == 0 ? 0 : -1;
}

/* the ELF address of function name in the program, or 0 */
static uint64_t symbol(const char *name)
{
	char cmd[256], line[256], type, sym[128];
	unsigned long long addr;
	uint64_t found = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm %s", exe);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "%llx %c %127s", &addr, &type, sym) == 3 && !strcmp(sym, name))
			found = addr;
	pclose(p);
	return found;
}

/* the address of section name in the program, or 0 */
static uint64_t section(const char *name)
{
	char cmd[256], line[512], sec[64], type[64];
	unsigned long long addr;
	uint64_t found = 0;
	unsigned int idx;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "readelf -SW %s", exe);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, " [%u] %63s %63s %llx", &idx, sec, type, &addr) == 4 && !strcmp(sec, name))
			found = addr;
	pclose(p);
	return found;
}

static void cleanup_dir(void)
{
	char cmd[128];

	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# cannot remove '%s'\n", dir);
	}
}

TEST(unwind__rules_sorted_and_merged)
{
	struct unwind_table t;
	char err[256];
	size_t i;

	check(build() == 0);
	check(unwind_table_read(&t, exe, err, sizeof(err)) == 0);
	check(t.has_cfi);
	check(t.n > 4);
	check(strlen(t.build_id) == 40);
	for (i = 1; i < t.n; i++) {
		check(t.rules[i - 1].pc < t.rules[i].pc);
		check(memcmp(&t.rules[i - 1].cfa_reg, &t.rules[i].cfa_reg,
			     sizeof(t.rules[i]) - offsetof(struct analyzer_unwind_rule, cfa_reg)) != 0);
	}
	unwind_table_release(&t);
}

TEST(unwind__read_given_up_past_until)
{
	struct unwind_table t;
	char err[256];

	check(build() == 0);
	check(unwind_table_read_until(&t, exe, now() - 1, err, sizeof(err)) < 0);
	check(strstr(err, "cut short at the deadline") != NULL);
	check(t.rules == NULL);
	unwind_table_release(&t);
	check(unwind_table_read_until(&t, exe, now() + 3600, err, sizeof(err)) == 0);
	check(t.has_cfi && t.n > 4);
	unwind_table_release(&t);
}

TEST(unwind__functions_enter_with_the_call_frame)
{
	static const char *const fns[] = { "main", "a", "b", "c" };
	const struct analyzer_unwind_rule *r;
	struct unwind_table t;
	char err[256];
	uint64_t addr;
	size_t i;

	check(build() == 0);
	check(unwind_table_read(&t, exe, err, sizeof(err)) == 0);
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		addr = symbol(fns[i]);
		check(addr != 0);
		r = unwind_table_find(&t, addr);
		check(r != NULL);
		check(r->cfa_reg == ANALYZER_CFA_SP);
#if defined(__x86_64__)
		check(r->cfa_off == 8 && r->ra_off == -8 && !r->ra_in_lr);
#elif defined(__aarch64__)
		check(r->cfa_off == 0 && r->ra_in_lr);
#endif
		check(r->fp_off == 0);
	}
	/* b calls snprintf: somewhere inside, its CFA is further up the stack */
	addr = symbol("b");
	for (i = 0; i < 64; i++) {
		r = unwind_table_find(&t, addr + i);
		check(r != NULL);
		if (r->cfa_reg == ANALYZER_CFA_SP && r->cfa_off > 64)
			break;
	}
	check(i < 64);
	unwind_table_release(&t);
}

TEST(unwind__known_instructions)
{
#if defined(__x86_64__)
	const struct analyzer_unwind_rule *r;
	struct unwind_table t;
	char err[256];
	uint64_t known;

	check(build() == 0);
	check(unwind_table_read(&t, exe, err, sizeof(err)) == 0);
	known = symbol("known");
	check(known != 0);
	r = unwind_table_find(&t, known); /* push %rbp */
	check(r && r->cfa_reg == ANALYZER_CFA_SP && r->cfa_off == 8 && r->ra_off == -8 && r->fp_off == 0);
	r = unwind_table_find(&t, known + 1); /* mov %rsp, %rbp */
	check(r && r->cfa_reg == ANALYZER_CFA_SP && r->cfa_off == 16 && r->ra_off == -8 && r->fp_off == -16);
	r = unwind_table_find(&t, known + 4); /* the nops */
	check(r && r->cfa_reg == ANALYZER_CFA_FP && r->cfa_off == 16 && r->fp_off == -16);
	r = unwind_table_find(&t, known + 8);
	check(r && r->cfa_reg == ANALYZER_CFA_FP && r->cfa_off == 16);
	r = unwind_table_find(&t, known + 10); /* ret */
	check(r && r->cfa_reg == ANALYZER_CFA_SP && r->cfa_off == 8 && r->ra_off == -8);
	unwind_table_release(&t);
#endif
}

TEST(unwind__outermost_frame_ends_the_stack)
{
	const struct analyzer_unwind_rule *r;
	struct unwind_table t;
	char err[256];
	uint64_t start;

	check(build() == 0);
	check(unwind_table_read(&t, exe, err, sizeof(err)) == 0);
	start = symbol("_start");
	check(start != 0);
	r = unwind_table_find(&t, start);
	check(r && r->cfa_reg == ANALYZER_CFA_END);
	unwind_table_release(&t);
}

TEST(unwind__plt_entries)
{
#if defined(__x86_64__)
	const struct analyzer_unwind_rule *r;
	struct unwind_table t;
	char err[256];
	uint64_t plt;

	check(build() == 0);
	check(unwind_table_read(&t, exe, err, sizeof(err)) == 0);
	plt = section(".plt");
	check(plt != 0);
	/* the first entry pushes twice; the others' CFA is an expression */
	r = unwind_table_find(&t, plt + 6);
	check(r && r->cfa_reg == ANALYZER_CFA_SP && r->cfa_off == 24 && r->ra_off == -8);
	r = unwind_table_find(&t, plt + 16);
	check(r && r->cfa_reg == ANALYZER_CFA_PLT && r->cfa_off == 11 && r->ra_off == -8);
	check(r == unwind_table_find(&t, plt + 16 + 15));
	/* its meaning: jmp *GOT at +0 (nothing pushed), push at +6, jmp at +11 (one word pushed) */
	check(analyzer_rule_cfa(r, plt + 16, 1000, 0) == 1008);
	check(analyzer_rule_cfa(r, plt + 16 + 10, 1000, 0) == 1008);
	check(analyzer_rule_cfa(r, plt + 16 + 11, 1000, 0) == 1016);
	unwind_table_release(&t);
#endif
}

TEST(unwind__without_cfi)
{
	struct unwind_table t;
	char cmd[512], err[256], stripped[128];

	check(build() == 0);
	snprintf(stripped, sizeof(stripped), "%s/stripped", dir);
	snprintf(cmd, sizeof(cmd), "objcopy --remove-section .eh_frame --remove-section .eh_frame_hdr %s %s",
		 exe, stripped);
	check(system(cmd) == 0);
	check(unwind_table_read(&t, stripped, err, sizeof(err)) == 0);
	check(!t.has_cfi);
	check(t.n == 0);
	check(t.nsegs > 0);
	unwind_table_release(&t);
}

TEST(unwind__not_elf)
{
	struct unwind_table t;
	char err[256];

	check(unwind_table_read(&t, "/proc/self/status", err, sizeof(err)) < 0);
	check(strstr(err, "not an ELF file") != NULL);
	check(unwind_table_read(&t, "/nonexistent/x", err, sizeof(err)) < 0);
	check(strstr(err, "cannot open '/nonexistent/x'") != NULL);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(unwind__rules_sorted_and_merged),
		CASE(unwind__read_given_up_past_until),
		CASE(unwind__functions_enter_with_the_call_frame),
		CASE(unwind__known_instructions),
		CASE(unwind__outermost_frame_ends_the_stack),
		CASE(unwind__plt_entries),
		CASE(unwind__without_cfi),
		CASE(unwind__not_elf),
	};
	int r = test_main(cases, sizeof(cases) / sizeof(cases[0]));

	cleanup_dir();
	return r;
}
