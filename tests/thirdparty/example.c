/*
 * A program outside the project that embeds the profiler's analyzer
 * through libanalyzer, built with nothing but pkg-config (see Makefile):
 *
 *   analyzer-example [release|debug] [SECONDS]
 *   analyzer-example --version
 *
 * --version prints, without loading anything, one line per embedded slot:
 * "slot=release flavor=release arch=amd64 abi=1" (root and the kernel are
 * not needed).
 * It profiles itself while burning SECONDS of CPU time (not wall time: on
 * a loaded machine it gets as many samples), with the debug analyzer
 * reporting every sample, then prints "key=value" lines: flavor, debug_records,
 * own_sample_records (records of its own recorded samples), samples,
 * stacks and the frame types it saw.
 */
#include <analyzer.h>
#include <analyzer/frametypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct seen {
	unsigned long debug_records, own_samples, samples, stacks;
	int types[FRAME_MARKER_TYPE_LIMIT];
};

static void on_debug(const struct analyzer_debug_event *ev, void *ctx)
{
	struct seen *s = ctx;

	s->debug_records++;
	if (ev->event == ANALYZER_EVENT_SAMPLE && (pid_t)ev->tgid == getpid())
		s->own_samples++;
}

static int on_sample(const struct analyzer_sample *smp, void *ctx)
{
	struct seen *s = ctx;

	s->stacks++;
	s->samples += smp->count;
	if (smp->kernel_depth)
		s->types[smp->kernel_type & (FRAME_MARKER_TYPE_LIMIT - 1)] = 1;
	if (smp->user_depth)
		s->types[smp->user_type & (FRAME_MARKER_TYPE_LIMIT - 1)] = 1;
	return 0;
}

/* the CPU time this process has used, in seconds */
static double cpu_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile unsigned long sink;

/* --version: each embedded slot's identity; 0, or 1 when one is unreadable */
static int print_slots(void)
{
	static const enum analyzer_flavor flavors[] = { ANALYZER_RELEASE, ANALYZER_DEBUG };
	struct analyzer_object_info info;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(flavors) / sizeof(flavors[0]); i++) {
		if (!analyzer_has_slot(flavors[i]))
			continue;
		if (analyzer_slot_info(flavors[i], &info, err, sizeof(err)) < 0) {
			fprintf(stderr, "analyzer-example: %s\n", err);
			return 1;
		}
		printf("slot=%s flavor=%s arch=%s abi=%d\n", flavors[i] == ANALYZER_RELEASE ? "release" : "debug",
		       info.flavor, info.arch, info.abi);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct analyzer_opts opts = { .sz = sizeof(opts) };
	struct seen seen = { 0 };
	struct analyzer *a;
	double end;
	char err[512];
	unsigned int t;
	unsigned long i;

	if (argc > 1 && !strcmp(argv[1], "--version"))
		return print_slots();
	opts.flavor = argc > 1 && !strcmp(argv[1], "release") ? ANALYZER_RELEASE : ANALYZER_DEBUG;
	opts.frequency_hz = 199;
	opts.pid = getpid();
	opts.debug_level = ANALYZER_DEBUG_LEVEL_ALL;
	opts.debug_cb = on_debug;
	opts.debug_ctx = &seen;
	a = analyzer_open(&opts, err, sizeof(err));
	if (!a || analyzer_start(a, err, sizeof(err)) < 0) {
		fprintf(stderr, "analyzer-example: %s\n", err);
		analyzer_close(a);
		return 1;
	}
	end = cpu_time() + (argc > 2 ? atof(argv[2]) : 1.0);
	while (cpu_time() < end) {
		for (i = 0; i < 1000000; i++)
			sink += i;
		analyzer_poll(a, 0);
	}
	analyzer_stop(a);
	while (analyzer_poll(a, 0) > 0)
		;
	analyzer_drain(a, on_sample, &seen);
	printf("flavor=%s\ndebug_records=%lu\nown_sample_records=%lu\nsamples=%lu\nstacks=%lu\n",
	       analyzer_info(a)->flavor, seen.debug_records, seen.own_samples, seen.samples, seen.stacks);
	for (t = 0; t < FRAME_MARKER_TYPE_LIMIT; t++) {
		const char *name = frame_type_name(t);

		if (seen.types[t] && name)
			printf("frame_type=%s\n", name);
	}
	analyzer_close(a);
	return 0;
}
