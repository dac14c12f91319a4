/* Running the Makefile and the build record (see build.h). */
#include "release/build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/common.h"

int make_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

static void exec_make(char **argv, long long epoch)
{
	char buf[32];

	/* our -j and variables, not those of a make that runs us */
	unsetenv("MAKEFLAGS");
	unsetenv("MFLAGS");
	unsetenv("GNUMAKEFLAGS");
	unsetenv("MAKELEVEL");
	snprintf(buf, sizeof(buf), "%lld", epoch);
	setenv("SOURCE_DATE_EPOCH", buf, 1);
	if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(127);
	execvp(argv[0], argv);
	fprintf(stderr, "releaser: cannot run 'make': %s (install it: ci/install-deps.sh)\n", strerror(errno));
	_exit(127);
}

int make_run(const struct release_state *st, const char *build_dir, int jobs)
{
	char arches[64];
	char *vars[8];
	char *argv[16];
	int i, status, ret = -1;
	pid_t pid;

	/* the releaser's decision, not the Makefile's guess from the branch name */
	vars[0] = xasprintf("EBPF_FLAGS=%s", plan_ebpf_flags(&st->plan));
	vars[7] = xasprintf("AGENT_FEATURES=%s", plan_agent_features(&st->plan));
	vars[1] = xasprintf("ARCHES=%s", plan_arch_list(&st->plan, arches, sizeof(arches)));
	vars[2] = xasprintf("VERSION=%s", st->version);
	vars[3] = xasprintf("COMMIT=%s", st->head.sha);
	vars[4] = xasprintf("BUILD=%s", build_dir);
	vars[5] = xasprintf("-j%d", jobs);
	vars[6] = xstrdup("SANITIZE=");
	argv[0] = "make";
	argv[1] = "-C";
	argv[2] = (char *)st->workdir;
	for (i = 0; i < 8; i++)
		argv[3 + i] = vars[i];
	argv[11] = MAKE_GOAL;
	argv[12] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		error("cannot run 'make': %s", strerror(errno));
		goto cleanup;
	}
	if (pid == 0)
		exec_make(argv, st->epoch);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			error("cannot wait for 'make': %s", strerror(errno));
			goto cleanup;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		goto cleanup; /* the child said why */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		error("the build failed ('make' %s %d): see its messages above",
		      WIFEXITED(status) ? "exited with" : "was killed by signal",
		      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		goto cleanup;
	}
	ret = 0;
cleanup:
	for (i = 0; i < 8; i++)
		free(vars[i]);
	return ret;
}

static char *record_text(const struct release_state *st)
{
	char arches[64];

	return xasprintf("commit=%s\nversion=%s\nbranch=%s\nchannel=%s\narches=%s\n", st->head.sha, st->version,
			 st->branch, channel_name(st->channel), plan_arch_list(&st->plan, arches, sizeof(arches)));
}

int build_record_write(const struct release_state *st, const char *build_dir)
{
	char *path = xasprintf("%s%s/%s", st->workdir, build_dir, BUILD_RECORD);
	char *text = record_text(st);
	int ret = write_file_atomic(path, text, strlen(text), 0644);

	free(text);
	free(path);
	return ret;
}

/* the value of "key=" in a record, or "?" */
static const char *record_value(const char *text, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p;

	for (p = text; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n')) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(buf, len, "%.*s", (int)strcspn(p + klen + 1, "\n"), p + klen + 1);
			return buf;
		}
	}
	snprintf(buf, len, "?");
	return buf;
}

/* whether every arch of the plan is in the space-separated list */
static int has_arches(const struct build_plan *p, const char *list)
{
	size_t i, n;
	const char *q;

	for (i = 0; i < p->n; i++) {
		n = strlen(p->arches[i].arch);
		for (q = list; *q; q += strcspn(q, " ") + (q[strcspn(q, " ")] == ' '))
			if (!strncmp(q, p->arches[i].arch, n) && (q[n] == ' ' || q[n] == '\0'))
				break;
		if (!*q)
			return 0;
	}
	return 1;
}

int build_record_check(const struct release_state *st, const char *build_dir)
{
	char *path = xasprintf("%s%s/%s", st->workdir, build_dir, BUILD_RECORD);
	char version[160], arches[64], want_arches[64], channel[16], commit[64], branch[256];
	char *have = NULL;
	struct stat sb;
	int ret = -1;

	if (lstat(path, &sb) != 0) {
		error("'%s%s' holds no build of this release: run 'releaser build' first", st->workdir, build_dir);
		goto cleanup;
	}
	have = read_file(path, 4096, NULL);
	if (!have)
		goto cleanup;
	record_value(have, "version", version, sizeof(version));
	record_value(have, "arches", arches, sizeof(arches));
	record_value(have, "channel", channel, sizeof(channel));
	record_value(have, "commit", commit, sizeof(commit));
	record_value(have, "branch", branch, sizeof(branch));
	if (strcmp(version, st->version) || strcmp(commit, st->head.sha) || strcmp(branch, st->branch) ||
	    strcmp(channel, channel_name(st->channel)) || !has_arches(&st->plan, arches)) {
		error("'%s%s' holds the %s build of %s for %s, not the %s build of %s for %s: "
		      "run 'releaser build' first", st->workdir, build_dir, channel, version, arches,
		      channel_name(st->channel), st->version,
		      plan_arch_list(&st->plan, want_arches, sizeof(want_arches)));
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(have);
	free(path);
	return ret;
}
