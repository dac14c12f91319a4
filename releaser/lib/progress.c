/* The phases of a long command on stderr (see progress.h). */
#include "lib/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int quiet, total, current, open_phase;
static const char *phase_name;
static struct timespec phase_start;

void progress_quiet(int q)
{
	quiet = q;
}

void progress_plan(int n)
{
	total = n;
	current = 0;
	open_phase = 0;
}

void progress_begin(const char *name)
{
	progress_end();
	if (!total)
		return;
	current++;
	phase_name = name;
	open_phase = 1;
	clock_gettime(CLOCK_MONOTONIC, &phase_start);
	if (!quiet && isatty(STDERR_FILENO))
		fprintf(stderr, "releaser: [%d/%d] %s...\n", current, total, name);
}

void progress_end(void)
{
	struct timespec now;
	double s;

	if (!open_phase)
		return;
	open_phase = 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s = (double)(now.tv_sec - phase_start.tv_sec) + (double)(now.tv_nsec - phase_start.tv_nsec) / 1e9;
	if (!quiet)
		fprintf(stderr, "releaser: [%d/%d] %s: %.1f s\n", current, total, phase_name, s);
}
