/*
 * libanalyzer: attach the loaded analyzer (the process tracepoints, the
 * pid filter's first members from /proc, a perf event per CPU) and detach.
 */
#include "internal.h"

#include <bpf/bpf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int perf_open(int cpu, unsigned int hz)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.freq = 1;
	attr.sample_freq = hz;
	return (int)syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* put pid in the filter; 1 when it was not there yet, 0 when it was, -errno */
static int track(struct analyzer *a, __u32 pid)
{
	__u32 one = 1;

	if (bpf_map_update_elem(a->tracked_fd, &pid, &one, BPF_NOEXIST) == 0)
		return 1;
	return errno == EEXIST ? 0 : -errno;
}

/* the parent of process pid, from /proc/PID/stat; 0 when it is gone */
static __u32 parent_of(const char *pid)
{
	char path[64], line[512], *end;
	unsigned int ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	/* "pid (comm) S ppid ...": the comm may hold spaces and parentheses */
	if (fgets(line, sizeof(line), f) && (end = strrchr(line, ')')) && sscanf(end + 1, " %*c %u", &ppid) != 1)
		ppid = 0;
	fclose(f);
	return ppid;
}

/*
 * one pass over /proc: track every process whose parent is tracked.
 * Returns how many were added, or -errno.
 */
static int track_children_pass(struct analyzer *a)
{
	struct dirent *d;
	__u32 ppid, pid, v;
	int added = 0, r;
	DIR *dir = opendir("/proc");

	if (!dir)
		return -errno;
	while ((d = readdir(dir)) != NULL) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		ppid = parent_of(d->d_name);
		if (!ppid || bpf_map_lookup_elem(a->tracked_fd, &ppid, &v) != 0)
			continue;
		pid = (__u32)strtoul(d->d_name, NULL, 10);
		r = track(a, pid);
		if (r < 0) {
			added = r;
			break;
		}
		added += r;
	}
	closedir(dir);
	return added;
}

/*
 * the filter's first members: the chosen processes, then their running
 * descendants. The fork tracepoint is attached already, so a process a
 * tracked one forks from now on is added by the analyzer; passes repeat
 * until one adds nothing, for those forked by a process added meanwhile.
 */
static int start_filter(struct analyzer *a, char *err, size_t errlen)
{
	size_t i;
	int r = 0;

	for (i = 0; i < a->npids && r >= 0; i++)
		r = track(a, (__u32)a->pids[i]);
	if (r >= 0)
		r = 1;
	while (r > 0)
		r = track_children_pass(a);
	if (r < 0)
		return analyzer_fail(err, errlen, "cannot fill the analyzer's pid filter: %s", strerror(-r));
	return 0;
}

/*
 * the process tracepoints: fork (the pid filter's new members, a child's
 * unwind mappings), free (a reaped process leaves both) and exec (its
 * unwind mappings go; it is reported again)
 */
static int attach_tracepoints(struct analyzer *a, char *err, size_t errlen)
{
	static const char *const progs[] = { "analyzer_fork", "analyzer_free", "analyzer_exec" };
	static const char *const tps[] = { "sched_process_fork", "sched_process_free", "sched_process_exec" };
	struct bpf_link **links[] = { &a->fork_link, &a->free_link, &a->exec_link };
	struct bpf_program *p;
	size_t i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		p = bpf_object__find_program_by_name(a->obj, progs[i]);
		if (!p)
			return analyzer_fail(err, errlen, "analyzer object has no '%s' program", progs[i]);
		*links[i] = bpf_program__attach(p);
		if (!*links[i])
			return analyzer_fail(err, errlen, "cannot attach to the %s tracepoint: %s%s", tps[i],
				    strerror(errno), analyzer_perm_hint(errno));
	}
	return 0;
}

int analyzer_start(struct analyzer *a, char *err, size_t errlen)
{
	int cpu, attached = 0, e;

	if (a->links)
		return analyzer_fail(err, errlen, "analyzer already started");
	if (attach_tracepoints(a, err, errlen) < 0 || (a->pids && start_filter(a, err, errlen) < 0))
		return -1;
	a->nr_cpus = libbpf_num_possible_cpus();
	if (a->nr_cpus <= 0)
		return analyzer_fail(err, errlen, "cannot count CPUs: %s", strerror(-a->nr_cpus));
	a->links = calloc((size_t)a->nr_cpus, sizeof(*a->links));
	a->perf_fds = malloc((size_t)a->nr_cpus * sizeof(*a->perf_fds));
	if (!a->links || !a->perf_fds)
		return analyzer_fail(err, errlen, "out of memory");
	for (cpu = 0; cpu < a->nr_cpus; cpu++)
		a->perf_fds[cpu] = -1;
	for (cpu = 0; cpu < a->nr_cpus; cpu++) {
		a->perf_fds[cpu] = perf_open(cpu, a->frequency_hz);
		if (a->perf_fds[cpu] < 0) {
			e = errno;
			if (e == ENODEV) /* offline CPU */
				continue;
			return analyzer_fail(err, errlen, "cannot open a perf event on cpu %d: %s%s", cpu,
				    strerror(e), analyzer_perm_hint(e));
		}
		a->links[cpu] = bpf_program__attach_perf_event(a->prog, a->perf_fds[cpu]);
		if (!a->links[cpu]) {
			e = errno;
			return analyzer_fail(err, errlen, "cannot attach the analyzer to cpu %d: %s%s", cpu,
				    strerror(e), analyzer_perm_hint(e));
		}
		attached++;
	}
	if (!attached)
		return analyzer_fail(err, errlen, "no online CPU to attach the analyzer to");
	return 0;
}

void analyzer_stop(struct analyzer *a)
{
	int cpu;

	bpf_link__destroy(a->fork_link);
	bpf_link__destroy(a->free_link);
	bpf_link__destroy(a->exec_link);
	a->fork_link = a->free_link = a->exec_link = NULL;
	for (cpu = 0; a->links && a->perf_fds && cpu < a->nr_cpus; cpu++) {
		bpf_link__destroy(a->links[cpu]);
		a->links[cpu] = NULL;
		if (a->perf_fds[cpu] >= 0)
			close(a->perf_fds[cpu]);
		a->perf_fds[cpu] = -1;
	}
}
