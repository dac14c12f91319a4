/*
 * overhead-run: the kernel-side cost of one analyzer flavor. Loads it
 * through libanalyzer, attaches it to every CPU, loads the unwind rules of
 * each process it samples and unwinds its stack copies with the agent's
 * loader, keeps reading its debug records and draining its counts (as the
 * agent does) for a while, and prints the kernel's run-time statistics of
 * the program:
 *
 *   overhead-run [--flavor release|debug] [--debug-level -1|0|1|2]
 *                [--frequency HZ] [--seconds S]
 *
 * Output: "key=value" lines: flavor, debug_level, run_cnt, run_time_ns,
 * ns_per_sample, verified_insns (what the verifier walked), xlated_insns,
 * jited_bytes, debug_records, stack_copies. Needs root;
 * turns BPF run-time statistics on (BPF_STATS_RUN_TIME) while it runs.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "analyzer_shared.h"
#include "proc/table.h"
#include "unwind/loader.h"

static struct unwind_loader *loader;
static struct proc_table *ptab;
static unsigned long copies;

/* a new process: its rules, for its next samples (the agent's on_process) */
static void on_process(uint32_t tgid, void *ctx)
{
	(void)ctx;
	unwind_loader_reload(loader, tgid);
}

static int on_copy(const struct analyzer_sample *s, const struct analyzer_user_copy *c, void *ctx)
{
	uint64_t ips[ANALYZER_MAX_STACK_DEPTH];
	struct unwind_result res;

	(void)ctx;
	unwind_loader_unwind(loader, s->tgid, c, ips, ANALYZER_MAX_STACK_DEPTH, &res);
	copies++;
	return 0;
}

static void on_debug(const struct analyzer_debug_event *ev, void *ctx)
{
	(void)ev;
	(*(unsigned long *)ctx)++;
}

static int on_sample(const struct analyzer_sample *s, void *ctx)
{
	(void)s;
	(void)ctx;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "flavor", required_argument, NULL, 'f' },
		{ "debug-level", required_argument, NULL, 'l' },
		{ "frequency", required_argument, NULL, 'F' },
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct analyzer_opts o = { .sz = sizeof(o), .frequency_hz = 99 };
	struct bpf_prog_info info;
	struct unwind_sink sink;
	__u32 len = sizeof(info);
	unsigned long records = 0;
	struct analyzer *a = NULL;
	double seconds = 10, end, next_drain;
	int ch, stats_fd, ret = 1;
	char err[512];

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': o.flavor = strcmp(optarg, "debug") ? ANALYZER_RELEASE : ANALYZER_DEBUG; break;
		case 'l': o.debug_level = atoi(optarg); break;
		case 'F': o.frequency_hz = (unsigned int)atoi(optarg); break;
		case 's': seconds = atof(optarg); break;
		default: return 2;
		}
	}
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "overhead-run: cannot enable BPF run-time statistics: %s\n", strerror(-stats_fd));
		return 1;
	}
	o.debug_cb = on_debug;
	o.debug_ctx = &records;
	o.process_cb = on_process;
	o.copy_cb = on_copy;
	a = analyzer_open(&o, err, sizeof(err));
	if (!a) {
		fprintf(stderr, "overhead-run: %s\n", err);
		goto cleanup;
	}
	if (unwind_sink_analyzer(&sink, a) < 0) {
		fprintf(stderr, "overhead-run: the analyzer object has no unwind maps\n");
		goto cleanup;
	}
	ptab = proc_table_new();
	loader = ptab ? unwind_loader_new(&sink, ptab) : NULL;
	if (!loader) {
		fprintf(stderr, "overhead-run: out of memory\n");
		goto cleanup;
	}
	if (analyzer_start(a, err, sizeof(err)) < 0) {
		fprintf(stderr, "overhead-run: %s\n", err);
		goto cleanup;
	}
	end = now() + seconds;
	next_drain = now() + 1;
	while (now() < end) {
		analyzer_poll(a, 100);
		if (now() >= next_drain) {
			analyzer_drain(a, on_sample, NULL);
			next_drain += 1;
		}
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(analyzer_prog_fd(a), &info, &len) != 0) {
		fprintf(stderr, "overhead-run: cannot read the program's statistics: %s\n", strerror(errno));
		goto cleanup;
	}
	printf("flavor=%s\ndebug_level=%d\nrun_cnt=%llu\nrun_time_ns=%llu\nns_per_sample=%.1f\n"
	       "verified_insns=%u\nxlated_insns=%u\njited_bytes=%u\ndebug_records=%lu\nstack_copies=%lu\n",
	       analyzer_info(a)->flavor, o.debug_level, (unsigned long long)info.run_cnt,
	       (unsigned long long)info.run_time_ns,
	       info.run_cnt ? (double)info.run_time_ns / (double)info.run_cnt : 0.0,
	       info.verified_insns, info.xlated_prog_len / 8, info.jited_prog_len, records, copies);
	ret = 0;
cleanup:
	unwind_loader_free(loader);
	proc_table_free(ptab);
	analyzer_close(a);
	close(stats_fd);
	return ret;
}
