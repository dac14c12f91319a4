/*
 * analyzer-run: load an analyzer object into the kernel through libanalyzer,
 * attach it to CPU-clock perf events, burn CPU in this process, then print
 * what the analyzer saw as "key=value" lines for the shell tests:
 *
 *   analyzer-run [--seconds S] [--frequency HZ] [--self] [--other-pid] OBJECT
 *
 * --self        filter on this process (and its descendants)
 * --other-pid   filter on a pid that does not exist: every sample is dropped
 *
 * Exit codes: 0 ran, 1 failed, 77 the kernel refused (the reason is printed).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "analyzer.h"

struct tally {
	unsigned long records, by_event[8];
	unsigned long samples_self, stacks, user_frames, kernel_frames;
	pid_t self;
};

static void on_debug(const struct analyzer_debug_event *ev, void *ctx)
{
	struct tally *t = ctx;

	t->records++;
	if (ev->event > 0 && ev->event < 8)
		t->by_event[ev->event]++;
}

static int on_sample(const struct analyzer_sample *s, void *ctx)
{
	struct tally *t = ctx;

	t->stacks++;
	if ((pid_t)s->tgid == t->self) {
		t->samples_self += s->count;
		t->user_frames += s->user_depth;
	}
	t->kernel_frames += s->kernel_depth;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile unsigned long sink;

static void burn(double seconds, struct analyzer *a)
{
	double end = now() + seconds;
	unsigned long i;

	while (now() < end) {
		for (i = 0; i < 200000; i++)
			sink += i * i;
		getppid(); /* a syscall, for kernel stacks */
		analyzer_poll(a, 0);
	}
}

static int refused(const char *err)
{
	return strstr(err, "Operation not permitted") || strstr(err, "Permission denied") ||
	       strstr(err, "Function not implemented") || strstr(err, "No such file or directory");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "frequency", required_argument, NULL, 'f' },
		{ "self", no_argument, NULL, 'S' },
		{ "other-pid", no_argument, NULL, 'O' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct analyzer_opts o = { .sz = sizeof(o), .debug_level = 2 };
	struct analyzer_stats st;
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	struct tally t = { .self = getpid() };
	struct analyzer *a = NULL;
	double seconds = 1.0;
	char err[512];
	int ch, ret = 1;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's': seconds = atof(optarg); break;
		case 'f': o.frequency_hz = (unsigned int)atoi(optarg); break;
		case 'S': o.pid = getpid(); break;
		case 'O': o.pid = 0x3fffffff; break;
		case 'v': o.verbose = 1; break;
		default: return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: analyzer-run [--seconds S] [--frequency HZ] [--self|--other-pid] OBJECT\n");
		return 2;
	}
	if (!o.frequency_hz)
		o.frequency_hz = 997;
	o.object_path = argv[optind];
	o.debug_cb = on_debug;
	o.debug_ctx = &t;
	a = analyzer_open(&o, err, sizeof(err));
	if (!a || analyzer_start(a, err, sizeof(err)) < 0) {
		fprintf(stderr, "analyzer-run: %s\n", err);
		ret = refused(err) ? 77 : 1;
		goto cleanup;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(analyzer_prog_fd(a), &info, &info_len) == 0)
		printf("xlated_insns=%u\njited_bytes=%u\n", info.xlated_prog_len / 8, info.jited_prog_len);
	burn(seconds, a);
	while (analyzer_poll(a, 0) > 0)
		;
	if (analyzer_drain(a, on_sample, &t) < 0 || analyzer_read_stats(a, &st) < 0) {
		fprintf(stderr, "analyzer-run: cannot read the analyzer's maps\n");
		goto cleanup;
	}
	printf("flavor=%s\narch=%s\n", analyzer_info(a)->flavor, analyzer_info(a)->arch);
	printf("samples=%llu\nrecorded=%llu\nfiltered=%llu\nkstack_err=%llu\nustack_err=%llu\n",
	       (unsigned long long)st.samples, (unsigned long long)st.recorded,
	       (unsigned long long)st.filtered, (unsigned long long)st.kstack_err,
	       (unsigned long long)st.ustack_err);
	printf("stacks=%lu\nsamples_self=%lu\nuser_frames_self=%lu\nkernel_frames=%lu\n",
	       t.stacks, t.samples_self, t.user_frames, t.kernel_frames);
	printf("debug_records=%lu\ndebug_sample=%lu\ndebug_filtered=%lu\n", t.records,
	       t.by_event[ANALYZER_EVENT_SAMPLE], t.by_event[ANALYZER_EVENT_FILTERED]);
	ret = 0;
cleanup:
	analyzer_close(a);
	return ret;
}
