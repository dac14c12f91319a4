/*
 * accuracy-work: CPU-burning workloads with known call trees, for
 * bench/accuracy. Built at -O2 twice (bench/build.mk): without frame
 * pointers (gcc's default) and with -fno-omit-frame-pointer, where gcc
 * still leaves the leaf hot_leaf() frameless.
 *
 *   accuracy-work split SECONDS   main -> func_a (60%) / func_b (30%) /
 *                                 func_c (10%), each calling hot_leaf()
 *   accuracy-work fork SECONDS    main -> run_fork: forks two children at
 *                                 a time, each burning 0.5 s in
 *                                 child_burn -> hot_leaf; the parent waits
 *   accuracy-work short SECONDS   main -> run_short: runs itself as
 *                                 "burn 0.1" (fork + exec) one after the
 *                                 other, each a process of 0.1 s
 *   accuracy-work burn SECONDS    main -> short_burn -> hot_leaf
 *   accuracy-work dlfind SECONDS  main -> run_dlfind -> _dl_find_object
 *                                 (code in ld.so, mapped after [vdso])
 *   accuracy-work vdso SECONDS    main -> run_vdso -> clock_gettime ->
 *                                 __vdso_clock_gettime (the vDSO)
 *
 * Prints "ready" on stdout once started, and exits after SECONDS.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile unsigned long sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* the same amount of work per call, whoever calls it */
__attribute__((noinline)) void hot_leaf(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		sink += i * i + (sink >> 3);
}

/* the work after each call keeps gcc from turning it into a tail call */
__attribute__((noinline)) void func_a(unsigned long n)
{
	hot_leaf(n);
	sink++;
}

__attribute__((noinline)) void func_b(unsigned long n)
{
	hot_leaf(n);
	sink++;
}

__attribute__((noinline)) void func_c(unsigned long n)
{
	hot_leaf(n);
	sink++;
}

/*
 * calls of equal work, 6 in 10 through func_a, 3 through func_b, 1 through
 * func_c, in a pseudo-random order: a fixed order would alias with the
 * sampling period and bias both profilers
 */
__attribute__((noinline)) static void run_split(double end)
{
	unsigned int x = 2463534242u, r;

	while (now() < end) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		r = x % 10;
		if (r < 6)
			func_a(20000);
		else if (r < 9)
			func_b(20000);
		else
			func_c(20000);
	}
}

__attribute__((noinline)) void child_burn(double seconds)
{
	double end = now() + seconds;

	while (now() < end)
		hot_leaf(20000);
	sink++;
}

__attribute__((noinline)) static void run_fork(double end)
{
	pid_t pid;
	int i;

	while (now() < end) {
		for (i = 0; i < 2; i++) {
			pid = fork();
			if (pid == 0) {
				child_burn(0.5);
				_exit(0);
			}
		}
		while (wait(NULL) > 0)
			;
	}
}

__attribute__((noinline)) static void run_short(const char *self, double end)
{
	pid_t pid;

	while (now() < end) {
		pid = fork();
		if (pid == 0) {
			execl(self, self, "burn", "0.1", (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}

__attribute__((noinline)) void short_burn(double seconds)
{
	double end = now() + seconds;

	while (now() < end)
		hot_leaf(20000);
	sink++;
}

/* ld.so's _dl_find_object, the lookup C++ throws make, in a loop */
__attribute__((noinline)) static void run_dlfind(double end)
{
	struct dl_find_object found;
	int i;

	while (now() < end)
		for (i = 0; i < 1000; i++)
			if (_dl_find_object((void *)run_dlfind, &found) == 0)
				sink += (unsigned long)found.dlfo_map_start;
}

/* clock_gettime, which the vDSO answers, in a loop */
__attribute__((noinline)) static void run_vdso(double end)
{
	struct timespec ts;
	int i;

	while (now() < end)
		for (i = 0; i < 1000; i++) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			sink += (unsigned long)ts.tv_nsec;
		}
}

int main(int argc, char **argv)
{
	double secs, end;

	if (argc != 3) {
		fprintf(stderr, "usage: accuracy-work split|fork|short|burn|dlfind|vdso SECONDS\n");
		return 2;
	}
	secs = atof(argv[2]);
	end = now() + secs;
	if (strcmp(argv[1], "burn") == 0) {
		short_burn(secs);
		return 0;
	}
	printf("ready\n");
	fflush(stdout);
	if (strcmp(argv[1], "split") == 0)
		run_split(end);
	else if (strcmp(argv[1], "fork") == 0)
		run_fork(end);
	else if (strcmp(argv[1], "dlfind") == 0)
		run_dlfind(end);
	else if (strcmp(argv[1], "vdso") == 0)
		run_vdso(end);
	else if (strcmp(argv[1], "short") == 0) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0)
			return 1;
		self[n] = '\0';
		run_short(self, end);
	} else
		return 2;
	return 0;
}
