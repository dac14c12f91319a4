/*
 * rusage-run: runs a command and prints what it cost, from wait4() and,
 * with --window, from the command's CPU clock while it runs:
 *
 *   rusage-run [--window A B] COMMAND [ARG...]
 *
 * Output on stderr: "key=value" lines: exit, wall_s, user_s, sys_s,
 * cpu_pct (of one core, over the wall time) and maxrss_kb. With --window,
 * the command's own CPU time (every thread, user and system; not that of
 * its children) is read A and B seconds after the start, and three more
 * lines follow: window_cpu_pct (of one core, from A to B), start_cpu_s (CPU
 * seconds until A) and end_cpu_s (CPU seconds after B); each is "n/a" when
 * the command ended before B.
 * SIGINT and SIGTERM are passed on to the command.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void pass_on(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/* SIGCHLD only interrupts the sleeps below */
static void on_child(int sig)
{
	(void)sig;
}

/*
 * SIGINT and SIGTERM go to the child, SIGCHLD wakes the sleeps; installed
 * while the three are blocked (main unblocks them once child is set)
 */
static int catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = pass_on;
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	return sigaction(SIGCHLD, &sa, NULL);
}

/* the child exited (not reaped yet) */
static int child_ended(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == pid;
}

/*
 * sleeps until CLOCK_MONOTONIC reaches at, then reads the CPU time of pid
 * into *cpu and the time into *t; -1 when pid ended first
 */
static int cpu_at(pid_t pid, clockid_t clock, double at, double *cpu, double *t)
{
	struct timespec ts = { .tv_sec = (time_t)at, .tv_nsec = (long)((at - (double)(time_t)at) * 1e9) };

	while (!child_ended(pid) && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	if (child_ended(pid) || clock_gettime(clock, &ts) < 0)
		return -1;
	*t = now();
	*cpu = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return (!*s || *end || errno || *out < 0) ? -1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: rusage-run [--window A B] COMMAND [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	double start, wall, a = 0, b = 0, cpu_a = 0, cpu_b = 0, t_a = 0, t_b = 0, total;
	int status, window = 0, have_window = 0, first = 1;
	sigset_t block, old;
	clockid_t clock;
	struct rusage ru;
	pid_t pid, r;

	if (argc > 1 && strcmp(argv[1], "--window") == 0) {
		if (argc < 5 || parse_seconds(argv[2], &a) < 0 || parse_seconds(argv[3], &b) < 0 || b <= a)
			return usage();
		window = 1;
		first = 4;
	}
	if (argc <= first)
		return usage();
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &block, &old) < 0 || catch_signals() < 0) {
		perror("rusage-run: cannot catch signals");
		return 1;
	}
	start = now();
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[first], argv + first);
		perror("rusage-run: cannot run the command");
		_exit(127);
	}
	if (pid < 0) {
		perror("rusage-run: cannot fork");
		return 1;
	}
	child = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (window && clock_getcpuclockid(pid, &clock) == 0)
		have_window = cpu_at(pid, clock, start + a, &cpu_a, &t_a) == 0 &&
			      cpu_at(pid, clock, start + b, &cpu_b, &t_b) == 0;
	while ((r = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
		;
	if (r != pid) {
		perror("rusage-run: cannot wait for the command");
		return 1;
	}
	wall = now() - start;
	total = seconds(ru.ru_utime) + seconds(ru.ru_stime);
	fprintf(stderr, "exit=%d\nwall_s=%.2f\nuser_s=%.3f\nsys_s=%.3f\ncpu_pct=%.3f\nmaxrss_kb=%ld\n",
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), wall, seconds(ru.ru_utime),
		seconds(ru.ru_stime), 100.0 * total / wall, ru.ru_maxrss);
	if (window && have_window)
		fprintf(stderr, "window_cpu_pct=%.3f\nstart_cpu_s=%.3f\nend_cpu_s=%.3f\n",
			100.0 * (cpu_b - cpu_a) / (t_b - t_a), cpu_a, total - cpu_b);
	else if (window)
		fprintf(stderr, "window_cpu_pct=n/a\nstart_cpu_s=n/a\nend_cpu_s=n/a\n");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
