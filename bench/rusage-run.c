/*
 * rusage-run: runs a command and prints what it cost, from wait4():
 *
 *   rusage-run COMMAND [ARG...]
 *
 * Output on stderr: "key=value" lines: exit, wall_s, user_s, sys_s,
 * cpu_pct (of one core, over the wall time) and maxrss_kb.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
	struct rusage ru;
	double start, wall;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: rusage-run COMMAND [ARG...]\n");
		return 2;
	}
	start = now();
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("rusage-run: cannot run the command");
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) {
		perror("rusage-run");
		return 1;
	}
	wall = now() - start;
	fprintf(stderr, "exit=%d\nwall_s=%.2f\nuser_s=%.3f\nsys_s=%.3f\ncpu_pct=%.3f\nmaxrss_kb=%ld\n",
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), wall, seconds(ru.ru_utime),
		seconds(ru.ru_stime), 100.0 * (seconds(ru.ru_utime) + seconds(ru.ru_stime)) / wall, ru.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
