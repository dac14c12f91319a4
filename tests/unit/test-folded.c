/*
 * Unit tests of the folded format (agent/folded.c, frames.c): frame
 * joining and escaping, root-first order, kernel suffixes, error markers,
 * merging of identical stacks.
 */
#include "harness.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "aggregate.h"
#include "folded.h"
#include "frametypes.h"
#include "symbolize/symbolize.h"

__attribute__((noinline)) int folded_outer(int x)
{
	return x + 1;
}

__attribute__((noinline)) int folded_leaf(int x)
{
	return x * 2;
}

TEST(folded__append_escapes)
{
	char *line = NULL;
	size_t len = 0;

	check(folded_append(&line, &len, "bash", 0) == 0);
	check(folded_append(&line, &len, "a;b\nc", 0) == 0);
	check(folded_append(&line, &len, "operator new(unsigned long)", 0) == 0);
	check(folded_append(&line, &len, "do_syscall_64", 1) == 0);
	check_str(line, "bash;a_b_c;operator new(unsigned long);do_syscall_64_[k]");
	check(len == strlen(line));
	free(line);
}

static char kallsyms_path[64];

static struct symbolizer *new_symbolizer(void)
{
	static const char text[] = "ffffffff81000000 T entry_SYSCALL_64\nffffffff81001000 T do_syscall_64\n";
	FILE *f;

	snprintf(kallsyms_path, sizeof(kallsyms_path), "/tmp/test-folded.XXXXXX");
	f = fdopen(mkstemp(kallsyms_path), "w");
	fputs(text, f);
	fclose(f);
	return symbolizer_new(kallsyms_path);
}

static void add(struct aggregate *ag, struct symbolizer *s, uint32_t tgid, const char *comm, const uint64_t *k,
		uint32_t kd, const uint64_t *u, uint32_t ud, int uerr, uint64_t count)
{
	static const uint64_t none[1];
	struct analyzer_sample smp;

	memset(&smp, 0, sizeof(smp));
	smp.tgid = smp.pid = tgid;
	snprintf(smp.comm, sizeof(smp.comm), "%s", comm);
	smp.count = count;
	smp.kernel_ips = kd ? k : none;
	smp.kernel_depth = kd;
	smp.user_ips = ud ? u : none;
	smp.user_depth = ud;
	smp.kernel_type = FRAME_MARKER_KERNEL;
	smp.user_type = FRAME_MARKER_NATIVE | (uerr ? FRAME_MARKER_ERROR_BIT : 0);
	smp.user_err = uerr;
	aggregate_add(ag, &smp);
	if (ud)
		symbolizer_track(s, tgid, u, ud);
}

TEST(folded__write_root_first_merged_sorted)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t user[2] = { (uint64_t)(uintptr_t)&folded_leaf + 1, (uint64_t)(uintptr_t)&folded_outer + 1 };
	uint64_t kernel[2] = { 0xffffffff81001010ULL, 0xffffffff81000020ULL };
	struct aggregate ag;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	uint32_t self = (uint32_t)getpid();

	check(aggregate_init(&ag) == 0);
	add(&ag, s, self, "worker", kernel, 2, user, 2, 0, 5);
	add(&ag, s, self, "worker", NULL, 0, user, 2, 0, 7);
	add(&ag, s, self, "worker", NULL, 0, user, 2, 0, 1); /* the same stack again */
	add(&ag, s, 0, "swapper/0", kernel, 2, NULL, 0, 0, 3);
	add(&ag, s, 0x3ffffff0, "gone", NULL, 0, user, 1, 0, 2); /* never seen alive */
	add(&ag, s, self, "worker", NULL, 0, NULL, 0, -EEXIST, 4);
	add(&ag, s, self, "worker", NULL, 0, NULL, 0, -ENOENT, 6);
	check(folded_write(f, &ag, s) == 0);
	fclose(f);
	{
		char want[1024];

		snprintf(want, sizeof(want),
			 "gone;0x%llx 2\n"
			 "swapper/0;entry_SYSCALL_64_[k];do_syscall_64_[k] 3\n"
			 "worker;[lost user stack] 6\n"
			 "worker;[user stack error EEXIST] 4\n"
			 "worker;folded_outer;folded_leaf 8\n"
			 "worker;folded_outer;folded_leaf;entry_SYSCALL_64_[k];do_syscall_64_[k] 5\n",
			 (unsigned long long)user[0]);
		check_str(text, want);
	}
	free(text);
	aggregate_release(&ag);
	symbolizer_free(s);
	unlink(kallsyms_path);
}

TEST(folded__identical_stacks_of_two_processes_merge)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t kernel[1] = { 0xffffffff81001010ULL };
	struct aggregate ag;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	check(aggregate_init(&ag) == 0);
	add(&ag, s, 100, "kworker", kernel, 1, NULL, 0, 0, 2);
	add(&ag, s, 200, "kworker", kernel, 1, NULL, 0, 0, 3);
	check(ag.n == 2);
	check(folded_write(f, &ag, s) == 0);
	fclose(f);
	check_str(text, "kworker;do_syscall_64_[k] 5\n");
	free(text);
	aggregate_release(&ag);
	symbolizer_free(s);
	unlink(kallsyms_path);
}

TEST(folded__empty_profile)
{
	struct symbolizer *s = symbolizer_new("/nonexistent");
	struct aggregate ag;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	check(aggregate_init(&ag) == 0);
	check(folded_write(f, &ag, s) == 0);
	fclose(f);
	check_str(text, "");
	free(text);
	aggregate_release(&ag);
	symbolizer_free(s);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(folded__append_escapes),
		CASE(folded__write_root_first_merged_sorted),
		CASE(folded__identical_stacks_of_two_processes_merge),
		CASE(folded__empty_profile),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
