/*
 * Unit tests of the symbolizer (agent/symbolize.c, elfsyms.c): addresses of
 * this very program, of libc, of the vDSO, of a process that is gone, of a
 * made-up kernel, and of programs built here: non-PIE, and stripped with
 * their debug file found by build-id or by .gnu_debuglink, and C++ (names
 * demangled or not); source lines; what a sweep forgets. Needs cc, c++, objcopy and strip, and libc6-dbg for
 * libc's own functions.
 * TEST_VERBOSE=1 shows the symbolizer's log (which debug files it used).
 */
#include "harness.h"

#include <elf.h>
#include <errno.h>
#include <execinfo.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "symbolize/symbolize.h"

enum { KNOWN_FUNCTION_LINE = __LINE__ + 1 };
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

/* the file offset of addr in process pid, from its maps; 0 when unmapped */
static uint64_t file_offset(pid_t pid, uint64_t addr)
{
	uint64_t start, end, pgoff, off = 0;
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64, &start, &end, &pgoff) == 3 &&
		    addr >= start && addr < end)
			off = addr - start + pgoff;
	if (f)
		fclose(f);
	return off;
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
	check(f.module_offset == file_offset(getpid(), ip));
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

TEST(symbolize__lines_from_the_line_table_when_asked)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t ip = (uint64_t)(uintptr_t)&symbolize_known_function;
	const char *suffix = "tests/unit/test-symbolize.c";
	struct sym_frame f;

	check(symbolizer_learn(s, (uint32_t)getpid()) == 0);
	symbolizer_user(s, (uint32_t)getpid(), ip, 0, &f);
	check_str(f.symbol, "symbolize_known_function");
	check(f.file == NULL && f.line == 0); /* off by default */
	symbolizer_set_lines(s, 1);
	symbolizer_user(s, (uint32_t)getpid(), ip, 0, &f);
	check(f.file != NULL);
	/* under the compilation directory, as addr2line prints it ("." here: -ffile-prefix-map) */
	check(strlen(f.file) > strlen(suffix));
	check_str(f.file + strlen(f.file) - strlen(suffix), suffix);
	check(f.line >= KNOWN_FUNCTION_LINE && f.line <= KNOWN_FUNCTION_LINE + 3);
	symbolizer_free(s);
}

TEST(symbolize__sweep_forgets_exited_processes_then_their_files)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t ip = (uint64_t)(uintptr_t)&symbolize_known_function + 1;
	struct symbolizer_stats st;
	struct sym_frame f;
	int pipefd[2];
	pid_t child;
	char c;

	check(pipe(pipefd) == 0);
	child = fork();
	if (child == 0) {
		close(pipefd[1]);
		(void)!read(pipefd[0], &c, 1);
		_exit(0);
	}
	check(child > 0);
	close(pipefd[0]);
	check(symbolizer_learn(s, (uint32_t)child) == 0);
	symbolizer_user(s, (uint32_t)child, ip, 0, &f);
	check_str(f.symbol, "symbolize_known_function");
	/* running: kept, its files too */
	symbolizer_sweep(s);
	symbolizer_sweep(s);
	symbolizer_sweep(s);
	symbolizer_read_stats(s, &st);
	check(st.processes == 1 && st.forgotten == 0 && st.files_loaded == 1 && st.unloaded == 0);
	close(pipefd[1]);
	check(waitpid(child, NULL, 0) == child);
	/* the first sweep after it exited keeps it: its last samples may be undrained */
	symbolizer_sweep(s);
	symbolizer_read_stats(s, &st);
	check(st.processes == 1 && st.forgotten == 0);
	symbolizer_user(s, (uint32_t)child, ip, 0, &f);
	check_str(f.symbol, "symbolize_known_function");
	/* the second forgets it; its addresses stay raw now */
	symbolizer_sweep(s);
	symbolizer_read_stats(s, &st);
	check(st.processes == 0 && st.forgotten == 1 && st.files_loaded == 1);
	symbolizer_user(s, (uint32_t)child, ip, 0, &f);
	check(!f.mapped && f.symbol == NULL);
	/* a file no kept process mapped at two sweeps (that one, and the next) is unloaded */
	symbolizer_sweep(s);
	symbolizer_read_stats(s, &st);
	check(st.files_loaded == 0 && st.unloaded == 1);
	/* and read again when a process maps it */
	check(symbolizer_learn(s, (uint32_t)getpid()) == 0);
	symbolizer_set_lines(s, 1);
	symbolizer_user(s, (uint32_t)getpid(), ip, 0, &f);
	check_str(f.symbol, "symbolize_known_function");
	check(f.line >= KNOWN_FUNCTION_LINE);
	symbolizer_read_stats(s, &st);
	check(st.processes == 1 && st.files_loaded == 1);
	symbolizer_free(s);
}

/* programs built in a scratch directory, shared by the cases below */
static char work[64];

static const char program_source[] =
	"#include <stdio.h>\n"
	"#include <unistd.h>\n"
	"static __attribute__((noinline)) int hidden_function(int x) { return x * 7 + 1; }\n"
	"int main(void)\n"
	"{\n"
	"	char c;\n"
	"	printf(\"%lx\\n\", (unsigned long)&hidden_function);\n"
	"	fflush(stdout);\n"
	"	if (read(0, &c, 1) < 0)\n"
	"		return 1;\n"
	"	return hidden_function(c);\n"
	"}\n";

/* run a shell command in the scratch directory (made on first use); 0 when it succeeded */
static int sh(const char *cmd)
{
	char line[2048];
	FILE *f;

	if (!work[0]) {
		snprintf(work, sizeof(work), "/tmp/test-symbolize.XXXXXX");
		if (!mkdtemp(work))
			return -1;
		snprintf(line, sizeof(line), "%s/program.c", work);
		f = fopen(line, "w");
		if (!f)
			return -1;
		fputs(program_source, f);
		fclose(f);
	}
	snprintf(line, sizeof(line), "cd '%s' && { %s; }", work, cmd);
	return system(line) == 0 ? 0 : -1;
}

struct program {
	pid_t pid;
	int in;             /* its stdin: closing it ends it */
	uint64_t function;  /* where it has hidden_function */
};

/* start work/name, which prints the address of its hidden_function and waits */
static int program_start(const char *name, struct program *p)
{
	int in[2], out[2];
	char path[128], line[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", work, name);
	if (pipe(in) < 0 || pipe(out) < 0)
		return -1;
	p->pid = fork();
	if (p->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->in = in[1];
	f = fdopen(out[0], "r");
	if (p->pid < 0 || !f || !fgets(line, sizeof(line), f) || sscanf(line, "%" SCNx64, &p->function) != 1) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static void program_stop(struct program *p)
{
	close(p->in);
	waitpid(p->pid, NULL, 0);
}

/* the name of the program's hidden_function + 3 through s, or NULL; *f filled */
static const char *resolve_hidden(struct symbolizer *s, const struct program *p, struct sym_frame *f)
{
	if (symbolizer_learn(s, (uint32_t)p->pid) < 0)
		return NULL;
	symbolizer_user(s, (uint32_t)p->pid, p->function + 3, 0, f);
	return f->symbol;
}

TEST(symbolize__non_pie_offsets_are_file_offsets)
{
	struct symbolizer *s = new_symbolizer();
	struct program p;
	struct sym_frame f;
	uint64_t want;

	check(sh("cc -O0 -g -no-pie -o nopie program.c") == 0);
	check(program_start("nopie", &p) == 0);
	check(p.function < 0x1000000); /* linked at its ELF address, as non-PIE */
	want = file_offset(p.pid, p.function + 3);
	check_str(resolve_hidden(s, &p, &f), "hidden_function");
	program_stop(&p);
	check(f.symbol_offset == 3);
	check(want != 0 && want != p.function + 3);
	check(f.module_offset == want);
	symbolizer_free(s);
}

TEST(symbolize__cxx_demangled_unless_asked_not)
{
	struct symbolizer *s = new_symbolizer(), *raw = new_symbolizer();
	struct program p;
	struct sym_frame f;

	/* the same program as C++: its static function is _ZL15hidden_functioni */
	check(sh("c++ -x c++ -O0 -g -o cxx program.c") == 0);
	check(program_start("cxx", &p) == 0);
	check_str(resolve_hidden(s, &p, &f), "hidden_function(int)");
	check(f.symbol_offset == 3);
	symbolizer_set_demangle(raw, 0);
	check_str(resolve_hidden(raw, &p, &f), "_ZL15hidden_functioni");
	program_stop(&p);
	symbolizer_free(s);
	symbolizer_free(raw);
}

/* a build-id, and where its debug file goes under a debug root */
#define BUILD_ID "0123456789abcdef0123456789abcdef01234567"
#define BUILD_ID_PATH ".build-id/01/23456789abcdef0123456789abcdef01234567.debug"

TEST(symbolize__stripped_with_debug_file_by_build_id)
{
	struct symbolizer *s = new_symbolizer(), *none = new_symbolizer(), *wrong = new_symbolizer();
	struct program p;
	struct sym_frame f;
	char root[128], name[256];

	check(sh("cc -O0 -g -Wl,--build-id=0x" BUILD_ID " -o stripped program.c && "
		 "objcopy --only-keep-debug stripped stripped.debug && strip --strip-all stripped && "
		 "mkdir -p root/.build-id/01 empty wrong/.build-id/01 && "
		 "mv stripped.debug root/" BUILD_ID_PATH " && "
		 "cc -O0 -g -Wl,--build-id=0xfedcba9876543210fedcba9876543210fedcba98 -o other program.c && "
		 "objcopy --only-keep-debug other wrong/" BUILD_ID_PATH) == 0);
	check(program_start("stripped", &p) == 0);
	snprintf(root, sizeof(root), "%s/root", work);
	check(symbolizer_set_debug_root(s, root) == 0);
	snprintf(root, sizeof(root), "%s/empty", work);
	check(symbolizer_set_debug_root(none, root) == 0);
	snprintf(root, sizeof(root), "%s/wrong", work);
	check(symbolizer_set_debug_root(wrong, root) == 0);
	check_str(resolve_hidden(s, &p, &f), "hidden_function");
	check(f.symbol_offset == 3);
	check_str(symbolizer_module(s, f.module).build_id, BUILD_ID);
	/* no debug file, or one of another build: the file and offset only */
	check(resolve_hidden(none, &p, &f) == NULL);
	snprintf(name, sizeof(name), "stripped+0x%" PRIx64, file_offset(p.pid, p.function + 3));
	check_str(name_of(none, &f, p.function + 3), name);
	check(resolve_hidden(wrong, &p, &f) == NULL);
	program_stop(&p);
	symbolizer_free(s);
	symbolizer_free(none);
	symbolizer_free(wrong);
}

TEST(symbolize__stripped_with_debug_file_by_debuglink)
{
	struct symbolizer *s = new_symbolizer();
	struct program p;
	struct sym_frame f;
	char root[128];

	/* no build-id: the CRC in .gnu_debuglink tells the right file */
	check(sh("cc -O0 -g -Wl,--build-id=none -o linked program.c && "
		 "objcopy --only-keep-debug linked linked.debug && strip --strip-all linked && "
		 "objcopy --add-gnu-debuglink=linked.debug linked && "
		 "mkdir -p .debug && mv linked.debug .debug/ && "
		 "cc -O0 -g -no-pie -Wl,--build-id=none -o linked-other program.c && "
		 "objcopy --only-keep-debug linked-other linked.debug") == 0);
	snprintf(root, sizeof(root), "%s/empty-root", work);
	check(symbolizer_set_debug_root(s, root) == 0);
	check(program_start("linked", &p) == 0);
	/* beside it, the debug file of another build (ignored), in .debug/ its own */
	check_str(resolve_hidden(s, &p, &f), "hidden_function");
	check(f.symbol_offset == 3);
	program_stop(&p);
	symbolizer_free(s);
}

/* a frame of this thread's stack that s names want; 1 when there is one */
static int stack_has(struct symbolizer *s, const char *want)
{
	void *frames[64];
	uint64_t ips[64];
	struct sym_frame f;
	int n = backtrace(frames, 64), i;

	for (i = 0; i < n; i++)
		ips[i] = (uint64_t)(uintptr_t)frames[i];
	if (symbolizer_learn(s, (uint32_t)getpid()) < 0)
		return 0;
	for (i = 1; i < n; i++) {
		symbolizer_user(s, (uint32_t)getpid(), ips[i], 1, &f);
		if (f.symbol && !strcmp(f.symbol, want))
			return 1;
	}
	return 0;
}

static void *thread_stack_has_start_thread(void *arg)
{
	return stack_has(arg, "start_thread") ? arg : NULL;
}

TEST(symbolize__libc_debug_file)
{
	struct symbolizer *s = new_symbolizer();
	pthread_t t;
	void *found = NULL;

	/* libc is stripped: these two are only in libc6-dbg's debug file */
	check(stack_has(s, "__libc_start_call_main"));
	check(pthread_create(&t, NULL, thread_stack_has_start_thread, s) == 0);
	check(pthread_join(t, &found) == 0);
	check(found == s);
	symbolizer_free(s);
}

TEST(symbolize__loader_entry_label)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t base = getauxval(AT_BASE), ip;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)(uintptr_t)base;
	struct sym_frame f;

	/* ld.so's entry, _start, and _dl_start_user after it: labels without type or size in its debug file */
	check(base != 0 && eh->e_entry != 0);
	ip = base + eh->e_entry + 2;
	check(symbolizer_track(s, (uint32_t)getpid(), &ip, 1) == 0);
	symbolizer_user(s, (uint32_t)getpid(), ip, 0, &f);
	check_str(f.symbol, "_start");
	check(f.symbol_offset == 2);
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
	log_set_verbose(getenv("TEST_VERBOSE") != NULL);
	static const struct test_case cases[] = {
		CASE(symbolize__own_function),
		CASE(symbolize__return_address_looks_one_byte_back),
		CASE(symbolize__shared_library_dynsym),
		CASE(symbolize__vdso_and_anonymous_code),
		CASE(symbolize__process_gone_keeps_raw_addresses),
		CASE(symbolize__learned_process_resolves_after_it_exits),
		CASE(symbolize__lines_from_the_line_table_when_asked),
		CASE(symbolize__sweep_forgets_exited_processes_then_their_files),
		CASE(symbolize__non_pie_offsets_are_file_offsets),
		CASE(symbolize__cxx_demangled_unless_asked_not),
		CASE(symbolize__stripped_with_debug_file_by_build_id),
		CASE(symbolize__stripped_with_debug_file_by_debuglink),
		CASE(symbolize__libc_debug_file),
		CASE(symbolize__loader_entry_label),
		CASE(symbolize__kernel),
		CASE(symbolize__missing_kallsyms),
	};
	int r = test_main(cases, sizeof(cases) / sizeof(cases[0]));

	if (kallsyms_path[0])
		unlink(kallsyms_path);
	if (work[0] && strncmp(work, "/tmp/test-symbolize.", 20) == 0) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
		if (system(cmd) != 0)
			r = 1;
	}
	return r;
}
