/*
 * map-all: maps every ELF executable and shared object of the system once,
 * in processes that burn CPU, so that a profiler sampling every process
 * reads the unwind table of each (for bench/accuracy).
 *
 *   map-all [--per-worker N] [--jobs J] [--burn SECONDS]
 *           [--unwind-procs ID [--wait SECONDS]]
 *
 * Finds the regular files under /usr/bin, /usr/sbin, /usr/lib*,
 * /usr/libexec, and /bin, /sbin, /lib* when they are directories rather
 * than links into /usr (not /usr/lib/debug), that start with an ELF header
 * of type ET_EXEC or ET_DYN, any machine, once per device and inode. Then
 * forks workers, J (2) at a time, each named "map-all-K": a worker maps N
 * of them as the dynamic loader maps their code (the first executable
 * PT_LOAD segment, from its page to its end, PROT_READ | PROT_EXEC,
 * MAP_PRIVATE; the whole file when it has none), then forks a burner,
 * which the agent thus first sees with them all mapped, that burns CPU for
 * SECONDS (0.5); the worker waits for it and exits. The agent reads at
 * most ANALYZER_UNWIND_MAX_MAPS executable mappings per process: N
 * defaults to that less map-all's own executable mappings (itself, its
 * libraries, vdso, vsyscall) and 2.
 *
 * With --unwind-procs, the id of the agent's BPF map `unwind_procs`, the
 * burner also reads its own entry in that map every 50 ms, and burns on
 * until the entry holds every file (--wait SECONDS, 20, at most): so each
 * file is known to have been loaded by the agent (with its rules, without
 * CFI, or without room), or is counted as missing.
 *
 * Only reads and maps: files are opened read-only, without following
 * links and without updating their access times where allowed; nothing is
 * written. Prints "key=value" lines on stdout: files, file_bytes and bytes
 * (the files mapped, their sizes, the sizes of their mappings), workers,
 * per_worker, failed (files found but not mapped, each named on stderr),
 * other_machine (files mapped of another machine than map-all's), seconds
 * (the wall time of the workers); with --unwind-procs also agent_rules,
 * agent_no_cfi, agent_no_room, agent_missing (the files by what the
 * agent's entries said of them), agent_workers (workers whose entry came
 * to hold all their files), agent_mean_s and agent_max_s (how long after
 * the burner started that took, over those workers). Exits 1 when a file
 * could not be mapped.
 */
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <gelf.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyzer_shared.h"

struct file {
	dev_t dev;
	ino_t ino;
	off_t size;
	char *path;
	int other;                /* of another machine */
	uint64_t map_off, map_len; /* what to map of it */
};

struct files {
	struct file *v;
	size_t n, cap;
};

static volatile unsigned long sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* read-only, no links followed, the access time left alone when allowed */
static int open_quietly(const char *path)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	int fd = open(path, flags | O_NOATIME);

	if (fd < 0 && errno == EPERM)
		fd = open(path, flags);
	return fd;
}

static int files_add(struct files *fs, const char *path, const struct stat *st)
{
	struct file *tmp;

	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? 2 * fs->cap : 4096;
		tmp = realloc(fs->v, fs->cap * sizeof(*tmp));
		if (!tmp)
			return -1;
		fs->v = tmp;
	}
	fs->v[fs->n].path = strdup(path);
	if (!fs->v[fs->n].path)
		return -1;
	fs->v[fs->n].dev = st->st_dev;
	fs->v[fs->n].ino = st->st_ino;
	fs->v[fs->n].size = st->st_size;
	fs->v[fs->n].other = 0;
	fs->n++;
	return 0;
}

static void files_release(struct files *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		free(fs->v[i].path);
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

/* every regular file under root that could hold an ELF header; -1 when out of memory */
static int walk(struct files *fs, const char *root)
{
	char *roots[] = { (char *)root, NULL };
	FTSENT *e;
	FTS *fts;
	int ret = 0;

	fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	if (!fts) {
		fprintf(stderr, "map-all: cannot walk '%s': %s\n", root, strerror(errno));
		return 0;
	}
	while (ret == 0 && (e = fts_read(fts))) {
		if (e->fts_info == FTS_D && strcmp(e->fts_path, "/usr/lib/debug") == 0)
			fts_set(fts, e, FTS_SKIP);
		else if (e->fts_info == FTS_F && e->fts_statp->st_size >= (off_t)sizeof(Elf64_Ehdr))
			ret = files_add(fs, e->fts_path, e->fts_statp);
	}
	fts_close(fts);
	return ret;
}

/* the roots: /usr's, and the top-level ones that are directories, not links */
static int walk_all(struct files *fs)
{
	static const char *const usr[] = { "/usr/bin", "/usr/sbin", "/usr/libexec" };
	static const char *const top[] = { "/bin", "/sbin" };
	const char *const dirs[] = { "/usr", "/" };
	char path[512];
	struct dirent *d;
	struct stat st;
	size_t i;
	DIR *dir;
	int ret = 0;

	for (i = 0; i < sizeof(usr) / sizeof(usr[0]) && ret == 0; i++)
		ret = walk(fs, usr[i]);
	for (i = 0; i < sizeof(top) / sizeof(top[0]) && ret == 0; i++)
		if (lstat(top[i], &st) == 0 && S_ISDIR(st.st_mode))
			ret = walk(fs, top[i]);
	/* /usr/lib, /usr/lib32, /usr/lib64...; /lib* only as directories */
	for (i = 0; i < 2 && ret == 0; i++) {
		dir = opendir(dirs[i]);
		if (!dir)
			continue;
		while (ret == 0 && (d = readdir(dir))) {
			if (strncmp(d->d_name, "lib", 3) != 0 || strcmp(d->d_name, "libexec") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", i == 0 ? "/usr" : "", d->d_name);
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
				ret = walk(fs, path);
		}
		closedir(dir);
	}
	return ret;
}

static int by_inode(const void *a, const void *b)
{
	const struct file *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->path, y->path);
}

/*
 * whether f is an ELF executable or shared object; if so, sets what to map
 * of it, as the dynamic loader would (from the page of its first
 * executable PT_LOAD segment to that segment's end; the whole file when it
 * has none), and whether it is of another machine
 */
static int read_elf(struct file *f)
{
	int fd = open_quietly(f->path), ret = 0;
	Elf *elf = NULL;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t nph, i;

	if (fd < 0)
		return 0;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) || elf_getphdrnum(elf, &nph) != 0)
		goto cleanup;
#if defined(__x86_64__)
	f->other = eh.e_machine != EM_X86_64;
#elif defined(__aarch64__)
	f->other = eh.e_machine != EM_AARCH64;
#endif
	f->map_off = 0;
	f->map_len = (uint64_t)f->size;
	for (i = 0; i < nph; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X) ||
		    !ph.p_filesz || ph.p_offset + ph.p_filesz > (uint64_t)f->size)
			continue;
		f->map_off = ph.p_offset & ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);
		f->map_len = ph.p_offset + ph.p_filesz - f->map_off;
		break;
	}
	ret = 1;
cleanup:
	elf_end(elf);
	close(fd);
	return ret;
}

/* keeps one file per device and inode, of those an ELF executable or shared object */
static void keep_elf(struct files *fs)
{
	size_t i, kept = 0;

	qsort(fs->v, fs->n, sizeof(*fs->v), by_inode);
	for (i = 0; i < fs->n; i++) {
		if ((i > 0 && fs->v[i - 1].dev == fs->v[i].dev && fs->v[i - 1].ino == fs->v[i].ino) ||
		    !read_elf(&fs->v[i])) {
			free(fs->v[i].path);
			fs->v[i].path = NULL;
			continue;
		}
		fs->v[kept++] = fs->v[i];
	}
	fs->n = kept;
}

/* maps f's text, read and exec (left mapped); its address, or NULL with a message */
static void *map_file(const struct file *f)
{
	const char *why = NULL;
	void *p = MAP_FAILED;
	struct stat st;
	int fd = open_quietly(f->path);

	if (fd < 0)
		why = strerror(errno);
	else if (fstat(fd, &st) < 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode) || st.st_dev != f->dev || st.st_ino != f->ino || st.st_size != f->size)
		why = "changed since the walk";
	else if ((p = mmap(NULL, (size_t)f->map_len, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, (off_t)f->map_off)) ==
		 MAP_FAILED)
		why = strerror(errno);
	if (fd >= 0)
		close(fd);
	if (why)
		fprintf(stderr, "map-all: cannot map '%s': %s\n", f->path, why);
	return why ? NULL : p;
}

/* executable mappings of this process, from /proc/self/maps; -1 when unreadable */
static int own_exec_mappings(void)
{
	char line[4096], perms[8];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %7s", perms) == 1 && strchr(perms, 'x'))
			n++;
	fclose(f);
	return n;
}

/*
 * the agent's map `unwind_procs` by id, checked against what this build
 * knows of it; its descriptor, or -1 with a message
 */
static int open_unwind_procs(unsigned int id)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int fd = bpf_map_get_fd_by_id(id);

	if (fd < 0) {
		fprintf(stderr, "map-all: no BPF map with id %u: %s\n", id, strerror(errno));
		return -1;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0 || strcmp(info.name, "unwind_procs") != 0 ||
	    info.key_size != sizeof(__u32) || info.value_size != sizeof(struct analyzer_unwind_proc)) {
		fprintf(stderr, "map-all: BPF map %u is no unwind_procs of this build's analyzer_shared.h\n", id);
		close(fd);
		return -1;
	}
	return fd;
}

__attribute__((noinline)) static void burn(double seconds)
{
	double end = now() + seconds;
	unsigned long i;

	while (now() < end)
		for (i = 0; i < 20000; i++)
			sink += i * i + (sink >> 3);
}

/* what became of a file (shared between the workers and the parent) */
enum file_state {
	FILE_NOT_MAPPED = 0,
	FILE_MAPPED,      /* mapped, the agent's unwind_procs entry lacks it */
	FILE_RULES,       /* the agent loaded its rules */
	FILE_NO_CFI,      /* the agent found no CFI */
	FILE_NO_ROOM,     /* the agent had no room for its rules */
	FILE_STATES
};

struct run {
	const struct files *fs;
	size_t per_worker;
	unsigned int jobs;
	double burn_s, wait_s;
	pid_t parent;           /* map-all */
	int procs_fd;           /* `unwind_procs`, or -1: no check */
	unsigned char *state;   /* per file, enum file_state; shared */
	double *loaded_after;   /* per worker, seconds until the agent had all its files, -1: never; shared */
};

/*
 * whether this process's entry in `unwind_procs` holds every mapping of
 * addr[0..n) (NULL: not mapped), noting in state[] what the agent made of
 * each file
 */
static int agent_has(const struct run *r, void *const *addr, unsigned char *state, size_t n)
{
	struct analyzer_unwind_proc v;
	__u32 tgid = (__u32)getpid(), j;
	size_t i, found = 0, mapped = 0;

	if (bpf_map_lookup_elem(r->procs_fd, &tgid, &v) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (!addr[i])
			continue;
		mapped++;
		for (j = 0; j < v.n && j < ANALYZER_UNWIND_MAX_MAPS; j++)
			if (v.maps[j].start == (__u64)(uintptr_t)addr[i])
				break;
		if (j == v.n || j == ANALYZER_UNWIND_MAX_MAPS)
			continue;
		found++;
		state[i] = v.maps[j].rules_len ? FILE_RULES
			   : (v.maps[j].flags & ANALYZER_MAP_NO_ROOM) ? FILE_NO_ROOM : FILE_NO_CFI;
	}
	return found == mapped;
}

/* this process gets SIGTERM when parent dies; -1 when it is dead already */
static int die_with(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0)
		return -1;
	return getppid() == parent ? 0 : -1;
}

/*
 * the burner of worker k, born with its files [at, at + n) mapped at addr:
 * burns for burn_s and, with a check, until the agent's entry for it holds
 * them all (wait_s at most)
 */
static void burner(const struct run *r, unsigned int k, size_t at, size_t n, void *const *addr)
{
	double start = now(), t;
	int loaded = 0;

	r->loaded_after[k] = -1;
	for (;;) {
		burn(0.05);
		t = now() - start;
		if (r->procs_fd >= 0 && !loaded && agent_has(r, addr, &r->state[at], n)) {
			loaded = 1;
			r->loaded_after[k] = t;
		}
		if (t >= r->burn_s && (r->procs_fd < 0 || loaded || t >= r->wait_s))
			break;
	}
}

/*
 * worker k: maps files [at, at + n), then forks its burner, which the
 * agent first sees with every file mapped already (a process sampled
 * while it maps would be read with some of them, and not read again while
 * its samples fall in mappings read), waits for it and exits
 */
static void worker(const struct run *r, unsigned int k, size_t at, size_t n)
{
	void **addr = calloc(n, sizeof(*addr));
	char name[16];
	pid_t pid, self;
	int status;
	size_t i;

	if (!addr || die_with(r->parent) < 0)
		_exit(1);
	snprintf(name, sizeof(name), "map-all-%u", k);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	for (i = 0; i < n; i++) {
		addr[i] = map_file(&r->fs->v[at + i]);
		r->state[at + i] = addr[i] ? FILE_MAPPED : FILE_NOT_MAPPED;
	}
	self = getpid();
	pid = fork();
	if (pid == 0) {
		if (die_with(self) < 0)
			_exit(1);
		burner(r, k, at, n, addr);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		_exit(1);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/* one worker exited; -1 when none is left */
static int reap(void)
{
	int status;

	if (wait(&status) < 0)
		return -1;
	if (WIFSIGNALED(status))
		fprintf(stderr, "map-all: a worker died of signal %d\n", WTERMSIG(status));
	else if (WEXITSTATUS(status))
		fprintf(stderr, "map-all: a worker ran out of memory or processes\n");
	return 0;
}

/* the workers, jobs at a time; how many, or -1 when fork failed */
static long run_workers(const struct run *r)
{
	unsigned int running = 0, k = 0;
	size_t at, n;
	pid_t pid;

	for (at = 0; at < r->fs->n; at += n) {
		n = r->fs->n - at < r->per_worker ? r->fs->n - at : r->per_worker;
		if (running == r->jobs && reap() == 0)
			running--;
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "map-all: cannot fork: %s\n", strerror(errno));
			while (reap() == 0)
				;
			return -1;
		}
		if (pid == 0)
			worker(r, k, at, n);
		running++;
		k++;
	}
	while (reap() == 0)
		;
	return k;
}

/* what the workers did, as "key=value" lines; how many files were not mapped */
static size_t report(const struct run *r, long workers, double seconds)
{
	size_t i, count[FILE_STATES] = { 0 }, other = 0, loaded = 0;
	unsigned long long bytes = 0, file_bytes = 0;
	double sum = 0, max = 0;

	for (i = 0; i < r->fs->n; i++) {
		count[r->state[i]]++;
		if (r->state[i] == FILE_NOT_MAPPED)
			continue;
		bytes += r->fs->v[i].map_len;
		file_bytes += (unsigned long long)r->fs->v[i].size;
		other += (size_t)r->fs->v[i].other;
	}
	printf("files=%zu\nfile_bytes=%llu\nbytes=%llu\nworkers=%ld\nper_worker=%zu\nfailed=%zu\nother_machine=%zu\n"
	       "seconds=%.1f\n",
	       r->fs->n - count[FILE_NOT_MAPPED], file_bytes, bytes, workers, r->per_worker, count[FILE_NOT_MAPPED], other,
	       seconds);
	if (r->procs_fd < 0)
		return count[FILE_NOT_MAPPED];
	for (i = 0; i < (size_t)workers; i++) {
		if (r->loaded_after[i] < 0)
			continue;
		loaded++;
		sum += r->loaded_after[i];
		max = r->loaded_after[i] > max ? r->loaded_after[i] : max;
	}
	printf("agent_rules=%zu\nagent_no_cfi=%zu\nagent_no_room=%zu\nagent_missing=%zu\n"
	       "agent_workers=%zu\nagent_mean_s=%.2f\nagent_max_s=%.2f\n",
	       count[FILE_RULES], count[FILE_NO_CFI], count[FILE_NO_ROOM], count[FILE_MAPPED], loaded,
	       loaded ? sum / (double)loaded : 0, max);
	return count[FILE_NOT_MAPPED];
}

/* n bytes of memory shared with the workers, or NULL */
static void *shared(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int usage(void)
{
	fprintf(stderr, "usage: map-all [--per-worker N] [--jobs J] [--burn SECONDS] [--unwind-procs ID "
			"[--wait SECONDS]]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "per-worker", required_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "burn", required_argument, NULL, 'b' },
		{ "unwind-procs", required_argument, NULL, 'u' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	long per_worker = 0, jobs = 2, id = -1, workers, nworkers = 0;
	struct run r = { .burn_s = 0.5, .wait_s = 20, .procs_fd = -1, .parent = getpid() };
	struct files fs = { 0 };
	double start;
	int ch, own, ret = 1;
	char *end;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		errno = 0;
		if (ch == 'n')
			per_worker = strtol(optarg, &end, 10);
		else if (ch == 'j')
			jobs = strtol(optarg, &end, 10);
		else if (ch == 'b')
			r.burn_s = strtod(optarg, &end);
		else if (ch == 'u')
			id = strtol(optarg, &end, 10);
		else if (ch == 'w')
			r.wait_s = strtod(optarg, &end);
		else
			return usage();
		if (!*optarg || *end || errno)
			return usage();
	}
	if (optind != argc || per_worker < 0 || jobs < 1 || jobs > 64 || r.burn_s < 0 || r.wait_s < 0 ||
	    id < -1 || id > UINT32_MAX)
		return usage();
	own = own_exec_mappings();
	if (per_worker == 0 && (own < 0 || own + 2 >= ANALYZER_UNWIND_MAX_MAPS)) {
		fprintf(stderr, "map-all: cannot count its own executable mappings: give --per-worker\n");
		return 1;
	}
	r.per_worker = per_worker ? (size_t)per_worker : (size_t)(ANALYZER_UNWIND_MAX_MAPS - own - 2);
	r.jobs = (unsigned int)jobs;
	if (id >= 0 && (r.procs_fd = open_unwind_procs((unsigned int)id)) < 0)
		return 1;
	elf_version(EV_CURRENT);
	if (walk_all(&fs) < 0) {
		fprintf(stderr, "map-all: out of memory\n");
		goto cleanup;
	}
	keep_elf(&fs);
	r.fs = &fs;
	nworkers = (long)((fs.n + r.per_worker - 1) / r.per_worker);
	if (fs.n == 0) {
		fprintf(stderr, "map-all: no ELF executable or shared object found\n");
		goto cleanup;
	}
	r.state = shared(fs.n);
	r.loaded_after = shared((size_t)nworkers * sizeof(double));
	if (!r.state || !r.loaded_after) {
		fprintf(stderr, "map-all: out of memory\n");
		goto cleanup;
	}
	start = now();
	workers = run_workers(&r);
	if (workers < 0)
		goto cleanup;
	ret = report(&r, workers, now() - start) ? 1 : 0;
cleanup:
	if (r.state)
		munmap(r.state, fs.n);
	if (r.loaded_after)
		munmap(r.loaded_after, (size_t)nworkers * sizeof(double));
	if (r.procs_fd >= 0)
		close(r.procs_fd);
	files_release(&fs);
	return ret;
}
