/*
 * Unit tests of the unwind loader (agent/unwind/loader.c) against real
 * parts: this process's own mappings and CFI, and a stack copied here in
 * a chain of functions c <- b <- a (built -O2, without frame pointers:
 * only CFI unwinds them), whose unwind must give the return addresses
 * glibc's backtrace() gives. The loader writes into a sink in memory laid
 * out as the analyzer's `unwind_rules` and `unwind_procs` (the BPF tests
 * load the real ones).
 */
#include "harness.h"

#include <errno.h>
#include <execinfo.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "analyzer_shared.h"
#include "proc/maps.h"
#include "proc/table.h"
#include "unwind/loader-internal.h"
#include "unwind/loader.h"

#define RULES_ENTRIES (256 * 1024)
#define COPY_MAX 16384 /* as the analyzer copies, from sp up */
#define BT_MAX 64

/* check() for a case holding resources: on failure, goto its cleanup label */
#define expect(cond)                                                                 \
	do {                                                                         \
		if (!(cond)) {                                                       \
			printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			test_failed_now = 1;                                         \
			goto cleanup;                                                \
		}                                                                    \
	} while (0)

#define PROCS_MAX 64

/* what each case works on: the two maps, in memory, and a loader writing them */
struct fixture {
	struct analyzer_unwind_rule *rules;
	size_t max_rules;
	struct { uint32_t tgid; struct analyzer_unwind_proc v; } *procs;
	size_t nprocs;
	struct proc_table *t;
	struct unwind_loader *l;
};

static int sink_write_rules(void *ctx, uint32_t start, const struct analyzer_unwind_rule *r, uint32_t n)
{
	struct fixture *f = ctx;

	if ((size_t)start + n > f->max_rules)
		return -ERANGE;
	memcpy(&f->rules[start], r, (size_t)n * sizeof(*r));
	return 0;
}

/* the index of tgid in f->procs, or f->nprocs */
static size_t proc_slot(const struct fixture *f, uint32_t tgid)
{
	size_t i;

	for (i = 0; i < f->nprocs && f->procs[i].tgid != tgid; i++)
		;
	return i;
}

static int sink_set_proc(void *ctx, uint32_t tgid, const struct analyzer_unwind_proc *p)
{
	struct fixture *f = ctx;
	size_t i = proc_slot(f, tgid);

	if (i == PROCS_MAX)
		return -E2BIG;
	if (i == f->nprocs)
		f->nprocs++;
	f->procs[i].tgid = tgid;
	f->procs[i].v = *p;
	return 0;
}

static int sink_delete_proc(void *ctx, uint32_t tgid)
{
	struct fixture *f = ctx;
	size_t i = proc_slot(f, tgid);

	if (i == f->nprocs)
		return -ENOENT;
	f->procs[i] = f->procs[--f->nprocs];
	return 0;
}

/* proc_lookup copies process tgid's entry into *v: 0, or -1 when it has none */
static int proc_lookup(const struct fixture *f, uint32_t tgid, struct analyzer_unwind_proc *v)
{
	size_t i = proc_slot(f, tgid);

	if (i == f->nprocs)
		return -1;
	*v = f->procs[i].v;
	return 0;
}

/*
 * fixture_init makes the two maps (max_rules rules) and a loader that has
 * loaded this process. Returns 0, or -1 on an error. Release with
 * fixture_release, also after a failure.
 */
static int fixture_init(struct fixture *f, uint32_t max_rules)
{
	struct unwind_sink sink = {
		.ctx = f, .max_rules = max_rules, .write_rules = sink_write_rules,
		.set_proc = sink_set_proc, .delete_proc = sink_delete_proc,
	};

	memset(f, 0, sizeof(*f));
	f->max_rules = max_rules;
	f->rules = calloc(max_rules, sizeof(*f->rules));
	f->procs = calloc(PROCS_MAX, sizeof(*f->procs));
	if (!f->rules || !f->procs)
		return -1;
	sink.rules = f->rules;
	f->t = proc_table_new();
	if (!f->t)
		return -1;
	f->l = unwind_loader_new(&sink, f->t);
	if (!f->l || unwind_loader_reload(f->l, (uint32_t)getpid()) < 0) {
		printf("#   cannot load this process\n");
		return -1;
	}
	return 0;
}

/* fixture_release frees the loader and the maps. */
static void fixture_release(struct fixture *f)
{
	unwind_loader_free(f->l);
	proc_table_free(f->t);
	free(f->rules);
	free(f->procs);
}

/* the registers and the top of the stack in c(), and glibc's backtrace there */
static struct {
	struct analyzer_user_copy copy; /* its stack: stack[] */
	uint8_t stack[COPY_MAX];
	void *bt[BT_MAX];
	int nbt;
} snap;

static volatile unsigned long sink;

/* stack_end returns the end of this process's [stack] mapping, or 0. */
static uint64_t stack_end(void)
{
	char *line = NULL;
	size_t cap = 0;
	struct procmap m;
	uint64_t end = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0)
		if (procmap_parse_line(line, &m) == 0 && !strcmp(m.path, "[stack]"))
			end = m.end;
	free(line);
	fclose(f);
	return end;
}

/*
 * copy_stack copies [sp, end), at most COPY_MAX bytes, into snap.stack and
 * returns their count. It reads other functions' frames, which ASan must
 * not check; volatile keeps it a byte loop (memcpy is ASan's, and checks).
 */
static __attribute__((noinline, no_sanitize("address"))) size_t copy_stack(uint64_t sp, uint64_t end)
{
	const volatile uint8_t *src = (const volatile uint8_t *)(uintptr_t)sp;
	size_t i, n = end > sp ? (end - sp < COPY_MAX ? end - sp : COPY_MAX) : 0;

	for (i = 0; i < n; i++)
		snap.stack[i] = src[i];
	return n;
}

/* the leaf: fills snap with its registers, the stack above them and backtrace() */
static __attribute__((noinline)) unsigned long c(unsigned long n)
{
	uint64_t pc, sp, fp, lr = 0, end = stack_end();
	unsigned long i;

	/* frame registers first: an output may take their register */
#if defined(__x86_64__)
	__asm__ volatile("mov %%rbp, %2\n\tmov %%rsp, %1\n\tlea 0(%%rip), %0" : "=r"(pc), "=r"(sp), "=r"(fp));
#elif defined(__aarch64__)
	__asm__ volatile("mov %2, x29\n\tmov %3, x30\n\tmov %1, sp\n\tadr %0, ."
			 : "=r"(pc), "=r"(sp), "=r"(fp), "=r"(lr));
#else
#error "no register capture for this architecture"
#endif
	snap.copy = (struct analyzer_user_copy){ .pc = pc, .sp = sp, .fp = fp, .lr = lr, .stack = snap.stack };
	snap.copy.size = copy_stack(sp, end);
	snap.nbt = backtrace(snap.bt, BT_MAX);
	for (i = 0; i < n; i++)
		sink += i * i;
	return sink + n;
}

static __attribute__((noinline)) unsigned long b(unsigned long n)
{
	char buf[32];
	unsigned long r;

	snprintf(buf, sizeof(buf), "%lu", n);
	r = c(strtoul(buf, NULL, 10));
	sink += r + (unsigned char)buf[0];
	return r * 3;
}

static __attribute__((noinline)) unsigned long a(unsigned long n)
{
	unsigned long r = b(n + 1);

	sink += r;
	return r ^ n;
}

/* child returns a child process that pauses until killed, or exited already; -1 when fork fails */
static pid_t child(int exited)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		while (!exited)
			pause();
		_exit(0);
	}
	if (pid > 0 && exited && waitpid(pid, NULL, 0) != pid)
		return -1;
	return pid;
}

TEST(unwind_loader__loads_own_process)
{
	struct analyzer_unwind_proc v;
	struct unwind_loader_stats st;
	struct fixture f;
	const char *path, *build_id;
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	uint32_t i, own = 0, vdso = 0, key = (uint32_t)getpid();
	uint64_t vdso_at = getauxval(AT_SYSINFO_EHDR);
	int r = fixture_init(&f, RULES_ENTRIES);

	expect(r == 0 && len > 0);
	exe[len] = '\0';
	unwind_loader_read_stats(f.l, &st);
	expect(st.processes == 1 && st.files >= 2 && st.rules > 0 && st.no_room == 0);
	expect(proc_lookup(&f, key, &v) == 0);
	expect(v.n >= 2 && v.n <= ANALYZER_UNWIND_MAX_MAPS);
	for (i = 0; i < v.n; i++) {
		expect(v.maps[i].start < v.maps[i].end);
		expect(i == 0 || v.maps[i - 1].start < v.maps[i].start);
		if (v.maps[i].file_id == UINT32_MAX)
			continue; /* anonymous code */
		expect(unwind_loader_file(f.l, v.maps[i].file_id, &path, &build_id) == 0);
		if (!strcmp(path, "[vdso]")) {
			/* the vDSO's rules, from its image in memory */
			expect(vdso_at >= v.maps[i].start && vdso_at < v.maps[i].end);
			expect(v.maps[i].rules_len > 0 && build_id[0]);
			vdso++;
			continue;
		}
		expect(path[0] == '/');
		own += !strcmp(path, exe);
	}
	expect(own >= 1);
	expect(vdso == (vdso_at != 0));
	expect(unwind_loader_file(f.l, UINT32_MAX - 1, &path, &build_id) < 0);
cleanup:
	fixture_release(&f);
}

TEST(unwind_loader__unwinds_like_glibc)
{
	uint64_t ips[ANALYZER_MAX_STACK_DEPTH];
	struct unwind_result res;
	struct fixture f;
	size_t i, k;
	int r = fixture_init(&f, RULES_ENTRIES);

	expect(r == 0);
	sink += a(100);
	expect(snap.copy.size > 0 && snap.nbt > 4);
	unwind_loader_unwind(f.l, (uint32_t)getpid(), &snap.copy, ips, ANALYZER_MAX_STACK_DEPTH, &res);
	printf("# depth %zu, reason %d, how %d, backtrace %d frames\n", res.depth, res.reason, res.how, snap.nbt);
	expect(res.reason == ANALYZER_UNWIND_OK && res.depth >= 4);
	expect(!(res.how & ANALYZER_UNWIND_FP_USED));
	expect(ips[0] == snap.copy.pc);
	/* backtrace's frames: in c (after an interceptor's, under ASan), then b, a, ... */
	for (k = 0; k < 3 && k < (size_t)snap.nbt && (uintptr_t)snap.bt[k] != ips[1]; k++)
		;
	expect(k < 3 && k < (size_t)snap.nbt);
	/* b, a, this case, main (and test_main), __libc_start_call_main at least */
	expect(res.depth - 1 >= 5 && k + res.depth - 1 <= (size_t)snap.nbt);
	for (i = 1; i < res.depth; i++) {
		if (ips[i] != (uintptr_t)snap.bt[k + i - 1])
			printf("#   frame %zu: %#llx, backtrace %p\n", i, (unsigned long long)ips[i], snap.bt[k + i - 1]);
		expect(ips[i] == (uintptr_t)snap.bt[k + i - 1]);
	}
cleanup:
	fixture_release(&f);
}

TEST(unwind_loader__copy_ending_early_is_a_read_fault)
{
	uint64_t ips[ANALYZER_MAX_STACK_DEPTH];
	struct analyzer_user_copy cp;
	struct unwind_result res;
	struct fixture f;
	int r = fixture_init(&f, RULES_ENTRIES);

	expect(r == 0);
	sink += a(100);
	cp = snap.copy;
	cp.size = 64;
	unwind_loader_unwind(f.l, (uint32_t)getpid(), &cp, ips, ANALYZER_MAX_STACK_DEPTH, &res);
	expect(res.reason == ANALYZER_UNWIND_READ_FAULT);
	expect(res.depth >= 1 && ips[0] == snap.copy.pc);
cleanup:
	fixture_release(&f);
}

TEST(unwind_loader__garbage_caller_is_no_complete_stack)
{
	uint64_t ips[ANALYZER_MAX_STACK_DEPTH], v, garbage = 0x1234;
	struct analyzer_user_copy cp;
	uint8_t *stack = NULL;
	struct unwind_result res;
	struct fixture f;
	uint32_t at;
	int r = fixture_init(&f, RULES_ENTRIES);

	expect(r == 0);
	sink += a(100);
	unwind_loader_unwind(f.l, (uint32_t)getpid(), &snap.copy, ips, ANALYZER_MAX_STACK_DEPTH, &res);
	expect(res.reason == ANALYZER_UNWIND_OK && res.depth >= 4);
	/* c's return address, the first copy of ips[1] above its sp, made one in no mapping */
	cp = snap.copy;
	stack = malloc(cp.size);
	expect(stack);
	memcpy(stack, snap.copy.stack, cp.size);
	cp.stack = stack;
	for (at = 0; at + sizeof(v) <= cp.size; at += sizeof(v)) {
		memcpy(&v, stack + at, sizeof(v));
		if (v == ips[1])
			break;
	}
	expect(at + sizeof(v) <= cp.size);
	memcpy(stack + at, &garbage, sizeof(garbage));
	unwind_loader_unwind(f.l, (uint32_t)getpid(), &cp, ips, ANALYZER_MAX_STACK_DEPTH, &res);
	/* recorded, and the unwind ends there: no frame pointers from garbage, a debug record says why */
	printf("# garbage caller: depth %zu, reason %d, how %d\n", res.depth, res.reason, res.how);
	expect(res.depth == 2 && ips[1] == garbage);
	expect(res.reason == ANALYZER_UNWIND_NO_MAPPING && res.pc == garbage && res.file_id == UINT32_MAX);
	expect(!(res.how & ANALYZER_UNWIND_FP_USED));
cleanup:
	free(stack);
	fixture_release(&f);
}

TEST(unwind_loader__frame_pointer_guess_outside_mappings_is_not_recorded)
{
	uint64_t ips[ANALYZER_MAX_STACK_DEPTH], stack[4] = { 0, 0, 0, 0x1234 };
	struct analyzer_user_copy cp;
	struct unwind_result res;
	struct fixture f;
	void *code = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int r;

	/* anonymous code (no CFI): its frame is unwound by frame pointers, to 0x1234, no code */
	memset(&f, 0, sizeof(f));
	expect(code != MAP_FAILED);
	r = fixture_init(&f, RULES_ENTRIES);
	expect(r == 0);
	memset(&cp, 0, sizeof(cp));
	cp.pc = (uint64_t)(uintptr_t)code + 16;
	cp.sp = (uint64_t)(uintptr_t)stack;
	cp.fp = cp.sp + 16; /* [fp] the caller's fp, [fp + 8] the guessed return address */
	cp.stack = (const uint8_t *)stack;
	cp.size = sizeof(stack);
	unwind_loader_unwind(f.l, (uint32_t)getpid(), &cp, ips, ANALYZER_MAX_STACK_DEPTH, &res);
	printf("# guess: depth %zu, reason %d, how %d\n", res.depth, res.reason, res.how);
	/* the unwind ends at the frame without CFI, which the record names; the guess is no frame */
	expect(res.depth == 1 && ips[0] == cp.pc);
	expect(res.reason == ANALYZER_UNWIND_NO_MAPPING && res.pc == cp.pc);
	expect((res.how & ANALYZER_UNWIND_FP_USED) && (res.how & ANALYZER_UNWIND_NO_CFI));
cleanup:
	if (code != MAP_FAILED)
		munmap(code, 4096);
	fixture_release(&f);
}

TEST(unwind_loader__unknown_process_is_not_loaded)
{
	uint64_t ips[ANALYZER_MAX_STACK_DEPTH];
	struct unwind_result res;
	struct fixture f;
	pid_t gone;
	int r = fixture_init(&f, RULES_ENTRIES);

	expect(r == 0);
	gone = child(1);
	expect(gone > 0);
	sink += a(100);
	unwind_loader_unwind(f.l, (uint32_t)gone, &snap.copy, ips, ANALYZER_MAX_STACK_DEPTH, &res);
	expect(res.how & ANALYZER_UNWIND_NOT_LOADED);
	expect(res.depth >= 1 && ips[0] == snap.copy.pc);
cleanup:
	fixture_release(&f);
}

TEST(unwind_loader__rules_without_room)
{
	unsigned char seen[ANALYZER_UNWIND_MAX_MAPS] = { 0 };
	struct analyzer_unwind_proc v;
	struct unwind_loader_stats st;
	struct fixture f;
	uint32_t i, id, key = (uint32_t)getpid();
	unsigned long files = 0;
	int r = fixture_init(&f, 16);

	expect(r == 0);
	unwind_loader_read_stats(f.l, &st);
	expect(st.no_room >= 1 && st.rules <= 16);
	expect(proc_lookup(&f, key, &v) == 0);
	for (i = 0; i < v.n; i++) {
		if (!(v.maps[i].flags & ANALYZER_MAP_NO_ROOM))
			continue;
		id = v.maps[i].file_id;
		expect(v.maps[i].rules_len == 0 && id < ANALYZER_UNWIND_MAX_MAPS);
		files += !seen[id];
		seen[id] = 1;
	}
	expect(files == st.no_room); /* each file without room, on its mappings */
cleanup:
	fixture_release(&f);
}

TEST(unwind_loader__files_shared_then_process_forgotten)
{
	struct analyzer_unwind_proc v;
	struct unwind_loader_stats st;
	struct fixture f;
	size_t files;
	unsigned long reads;
	uint32_t key;
	pid_t pid = -1;
	int r = fixture_init(&f, RULES_ENTRIES);

	expect(r == 0);
	unwind_loader_read_stats(f.l, &st);
	files = st.files;
	reads = st.reads;
	expect(reads >= files && files >= 2);
	pid = child(0);
	expect(pid > 0);
	key = (uint32_t)pid;
	expect(unwind_loader_reload(f.l, key) == 0);
	unwind_loader_read_stats(f.l, &st);
	expect(st.processes == 2 && st.files == files);
	expect(st.reads == reads); /* a new process of known files: no CFI read again */
	expect(proc_lookup(&f, key, &v) == 0 && v.n >= 2);
	expect(kill(pid, SIGKILL) == 0 && waitpid(pid, NULL, 0) == pid);
	pid = -1;
	unwind_loader_forget_exited(f.l);
	unwind_loader_read_stats(f.l, &st);
	expect(st.processes == 1 && st.files == files); /* still mapped here; unmapped, kept 30 s */
	expect(proc_lookup(&f, key, &v) < 0);
cleanup:
	if (pid > 0 && kill(pid, SIGKILL) == 0)
		waitpid(pid, NULL, 0);
	fixture_release(&f);
}

/*
 * a file that cannot be opened (its process gone, here not there yet) is
 * not kept as one without CFI: once it can be, the same file at the same
 * path gets its rules
 */
TEST(unwind_loader__unreadable_file_not_kept)
{
	struct unwind_loader_stats st;
	struct procmap m;
	struct fixture f;
	struct stat sb;
	char dir[] = "/tmp/test-unwind-loader.XXXXXX", path[96], cmd[256];
	unsigned long files;
	int id, r = fixture_init(&f, RULES_ENTRIES);

	path[0] = '\0';
	expect(r == 0 && mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/lib.so", dir);
	snprintf(cmd, sizeof(cmd), "cp /bin/true %s.tmp", path); /* a file this process does not map */
	expect(system(cmd) == 0);
	snprintf(cmd, sizeof(cmd), "%s.tmp", path);
	expect(stat(cmd, &sb) == 0);
	memset(&m, 0, sizeof(m));
	m.start = 0x10000;
	m.end = 0x20000;
	m.dev_major = major(sb.st_dev);
	m.dev_minor = minor(sb.st_dev);
	m.inode = sb.st_ino;
	m.path = path;
	unwind_loader_read_stats(f.l, &st);
	files = st.files;
	expect(ul_file_of(f.l, (uint32_t)getpid(), &m) == -2); /* not there yet */
	unwind_loader_read_stats(f.l, &st);
	expect(st.files == files);
	expect(rename(cmd, path) == 0);
	id = ul_file_of(f.l, (uint32_t)getpid(), &m);
	expect(id >= 0);
	unwind_loader_read_stats(f.l, &st);
	expect(st.files == files + 1);
	expect(f.l->names[id].file->has_cfi && f.l->names[id].file->rules_len > 0);
cleanup:
	if (path[0]) {
		unlink(path);
		unlink(cmd);
		rmdir(dir);
	}
	fixture_release(&f);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(unwind_loader__loads_own_process),
		CASE(unwind_loader__unwinds_like_glibc),
		CASE(unwind_loader__copy_ending_early_is_a_read_fault),
		CASE(unwind_loader__garbage_caller_is_no_complete_stack),
		CASE(unwind_loader__frame_pointer_guess_outside_mappings_is_not_recorded),
		CASE(unwind_loader__unknown_process_is_not_loaded),
		CASE(unwind_loader__rules_without_room),
		CASE(unwind_loader__files_shared_then_process_forgotten),
		CASE(unwind_loader__unreadable_file_not_kept),
	};

	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
