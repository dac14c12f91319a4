/*
 * Unit tests of the symbolizer (agent/symbolize.c, elfsyms.c): addresses of
 * this very program, of libc, of the vDSO, of a process that is gone, and
 * of a made-up kernel.
 */
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "symbolize.h"

__attribute__((noinline)) int symbolize_known_function(int x)
{
	return x * 3 + 1;
}

__attribute__((noinline)) int symbolize_next_function(int x)
{
	return x * 5 + 2;
}

static const char fake_kallsyms[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81001000 T do_syscall_64\n"
	"ffffffffc0100000 t ext4_file_read_iter\t[ext4]\n";

static char kallsyms_path[64];

static struct symbolizer *new_symbolizer(void)
{
	FILE *f;
	int fd;

	if (!kallsyms_path[0]) {
		snprintf(kallsyms_path, sizeof(kallsyms_path), "/tmp/test-symbolize.XXXXXX");
		fd = mkstemp(kallsyms_path);
		f = fdopen(fd, "w");
		fputs(fake_kallsyms, f);
		fclose(f);
	}
	return symbolizer_new(kallsyms_path);
}

static const char *name_of(struct symbolizer *s, const struct sym_frame *f, uint64_t ip)
{
	static char buf[256];

	return symbolizer_frame_name(s, f, ip, buf, sizeof(buf));
}

TEST(symbolize__own_function)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t ip = (uint64_t)(uintptr_t)&symbolize_known_function + 2;
	struct sym_frame f;
	struct sym_module m;

	check(symbolizer_track(s, (uint32_t)getpid(), &ip, 1) == 0);
	symbolizer_user(s, (uint32_t)getpid(), ip, 0, &f);
	check(f.mapped);
	check_str(f.symbol, "symbolize_known_function");
	check(f.symbol_offset == 2);
	check(f.module >= 0);
	m = symbolizer_module(s, f.module);
	check(strstr(m.path, "test-symbolize") != NULL);
	check(strlen(m.build_id) == 40); /* gcc links a sha1 build-id */
	check(!m.kernel);
	symbolizer_free(s);
}

TEST(symbolize__return_address_looks_one_byte_back)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t next = (uint64_t)(uintptr_t)&symbolize_next_function;
	struct sym_frame f;

	check(symbolizer_track(s, (uint32_t)getpid(), &next, 1) == 0);
	symbolizer_user(s, (uint32_t)getpid(), next, 0, &f);
	check_str(f.symbol, "symbolize_next_function");
	/* a call at the very end of the function before returns to next */
	symbolizer_user(s, (uint32_t)getpid(), next, 1, &f);
	check(f.symbol == NULL || strcmp(f.symbol, "symbolize_next_function"));
	symbolizer_free(s);
}

TEST(symbolize__shared_library_dynsym)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t ip = (uint64_t)(uintptr_t)&getpid;
	struct sym_frame f;

	check(symbolizer_track(s, (uint32_t)getpid(), &ip, 1) == 0);
	symbolizer_user(s, (uint32_t)getpid(), ip, 0, &f);
	check(f.symbol != NULL);
	check(strstr(f.symbol, "getpid") != NULL);
	check(strstr(symbolizer_module(s, f.module).path, "libc.so") != NULL);
	symbolizer_free(s);
}

TEST(symbolize__vdso_and_anonymous_code)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t vdso = getauxval(AT_SYSINFO_EHDR), ips[2];
	void *anon = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct sym_frame f;
	char want[64];

	check(vdso != 0 && anon != MAP_FAILED);
	ips[0] = vdso + 0x10;
	ips[1] = (uint64_t)(uintptr_t)anon + 8;
	check(symbolizer_track(s, (uint32_t)getpid(), ips, 2) == 0);
	symbolizer_user(s, (uint32_t)getpid(), ips[0], 0, &f);
	check(f.symbol == NULL);
	snprintf(want, sizeof(want), "[vdso]+0x10");
	check_str(name_of(s, &f, ips[0]), want);
	symbolizer_user(s, (uint32_t)getpid(), ips[1], 0, &f);
	check(f.mapped && f.module < 0);
	check_str(name_of(s, &f, ips[1]), "[unknown]");
	munmap(anon, 4096);
	symbolizer_free(s);
}

TEST(symbolize__process_gone_keeps_raw_addresses)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t ip = 0x55d0c8e01234ULL;
	struct sym_frame f;
	pid_t child = fork();

	if (child == 0)
		_exit(0);
	check(child > 0);
	check(waitpid(child, NULL, 0) == child);
	check(symbolizer_track(s, (uint32_t)child, &ip, 1) == 0);
	symbolizer_user(s, (uint32_t)child, ip, 0, &f);
	check(!f.mapped && f.symbol == NULL && f.module < 0);
	check_str(name_of(s, &f, ip), "0x55d0c8e01234");
	/* never tracked at all: the same */
	symbolizer_user(s, 0x3ffffff0, ip, 0, &f);
	check_str(name_of(s, &f, ip), "0x55d0c8e01234");
	symbolizer_free(s);
}

TEST(symbolize__learned_process_resolves_after_it_exits)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t ip = (uint64_t)(uintptr_t)&symbolize_known_function + 1;
	struct sym_frame f;
	int pipefd[2];
	pid_t child;
	char c;

	check(pipe(pipefd) == 0);
	child = fork();
	if (child == 0) {
		close(pipefd[1]);
		(void)!read(pipefd[0], &c, 1); /* until the parent closes its end */
		_exit(0);
	}
	check(child > 0);
	close(pipefd[0]);
	check(symbolizer_learn(s, (uint32_t)child) == 0);
	close(pipefd[1]);
	check(waitpid(child, NULL, 0) == child);
	/* the samples are drained after the process is gone */
	check(symbolizer_track(s, (uint32_t)child, &ip, 1) == 0);
	symbolizer_user(s, (uint32_t)child, ip, 0, &f);
	check(f.mapped);
	check_str(f.symbol, "symbolize_known_function");
	check(f.symbol_offset == 1);
	/* learning a process that is gone is no error, and forgets nothing */
	check(symbolizer_learn(s, (uint32_t)child) == 0);
	symbolizer_user(s, (uint32_t)child, ip, 0, &f);
	check_str(f.symbol, "symbolize_known_function");
	symbolizer_free(s);
}

TEST(symbolize__kernel)
{
	struct symbolizer *s = new_symbolizer();
	struct sym_frame f;

	symbolizer_kernel(s, 0xffffffff81001010ULL, 0, &f);
	check_str(f.symbol, "do_syscall_64");
	check(f.symbol_offset == 0x10);
	check_str(symbolizer_module(s, f.module).path, "[kernel.kallsyms]");
	check(symbolizer_module(s, f.module).kernel);
	symbolizer_kernel(s, 0xffffffffc0100020ULL, 1, &f);
	check_str(f.symbol, "ext4_file_read_iter");
	check_str(symbolizer_module(s, f.module).path, "[ext4]");
	/* the return address right after a function's start stays in it */
	symbolizer_kernel(s, 0xffffffff81001000ULL, 1, &f);
	check_str(f.symbol, "_stext");
	symbolizer_kernel(s, 0x1000, 0, &f);
	check(f.symbol == NULL);
	check_str(name_of(s, &f, 0x1000), "[unknown]");
	symbolizer_free(s);
}

TEST(symbolize__missing_kallsyms)
{
	struct symbolizer *s = symbolizer_new("/nonexistent/kallsyms");
	struct sym_frame f;

	symbolizer_kernel(s, 0xffffffff81001010ULL, 0, &f);
	check(f.symbol == NULL);
	check_str(name_of(s, &f, 0xffffffff81001010ULL), "[unknown]");
	symbolizer_free(s);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(symbolize__own_function),
		CASE(symbolize__return_address_looks_one_byte_back),
		CASE(symbolize__shared_library_dynsym),
		CASE(symbolize__vdso_and_anonymous_code),
		CASE(symbolize__process_gone_keeps_raw_addresses),
		CASE(symbolize__learned_process_resolves_after_it_exits),
		CASE(symbolize__kernel),
		CASE(symbolize__missing_kallsyms),
	};
	int r = test_main(cases, sizeof(cases) / sizeof(cases[0]));

	if (kallsyms_path[0])
		unlink(kallsyms_path);
	return r;
}
