/* Running the Makefile and the build record (see build.h). */
#include "release/build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/common.h"
#include "lib/json.h"
#include "lib/version.h"

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

/* analyzer.pc's Version for the release's version (lib/version.h) */
static char *pc_version(const struct release_state *st)
{
	struct version v;
	char buf[sizeof(st->version) + 8];

	if (version_parse(st->version, &v) != 0)
		return xstrdup(st->version[0] == 'v' ? st->version + 1 : st->version);
	return xstrdup(version_pkgconfig(&v, buf, sizeof(buf)));
}

/* one make: arch a into build_dir (its own subdirectory for a cross arch) */
static int make_arch(const struct release_state *st, const struct arch_plan *a, const char *build_dir, int jobs)
{
	const char *sub = plan_arch_subdir(&st->plan, a);
	char *vars[10], *pcv = pc_version(st);
	char *argv[17];
	int i, status, ret = -1;
	pid_t pid;

	/* the releaser's decision, not the Makefile's guess from the branch name */
	vars[0] = xasprintf("EBPF_FLAGS=%s", plan_ebpf_flags(&st->plan));
	vars[1] = xasprintf("AGENT_FEATURES=%s", plan_agent_features(&st->plan));
	vars[2] = xasprintf("AGENT_ARCH=%s", a->arch);
	vars[3] = xasprintf("ARCHES=%s", a->arch);
	vars[4] = xasprintf("VERSION=%s", st->version);
	vars[5] = xasprintf("COMMIT=%s", st->head.sha);
	vars[6] = xasprintf("BUILD=%s%s%s", build_dir, *sub ? "/" : "", sub);
	vars[7] = xasprintf("-j%d", jobs);
	vars[8] = xstrdup("SANITIZE=");
	vars[9] = xasprintf("PC_VERSION=%s", pcv);
	argv[0] = "make";
	argv[1] = "-C";
	argv[2] = (char *)st->workdir;
	for (i = 0; i < 10; i++)
		argv[3 + i] = vars[i];
	argv[13] = MAKE_GOAL;
	argv[14] = NULL;
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
		error("the %s build failed ('make' %s %d): see its messages above", a->arch,
		      WIFEXITED(status) ? "exited with" : "was killed by signal",
		      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		goto cleanup;
	}
	ret = 0;
cleanup:
	for (i = 0; i < 10; i++)
		free(vars[i]);
	free(pcv);
	return ret;
}

int make_run(const struct release_state *st, const char *build_dir, int jobs)
{
	size_t i;

	for (i = 0; i < st->plan.n; i++)
		if (make_arch(st, &st->plan.arches[i], build_dir, jobs) < 0)
			return -1;
	return 0;
}

static char *record_path(const char *workdir, const char *build_dir)
{
	return xasprintf("%s%s/%s", workdir, build_dir, BUILD_RECORD);
}

int build_record_remove(const char *workdir, const char *build_dir)
{
	char *path = record_path(workdir, build_dir);
	int ret = 0;

	if (unlink(path) != 0 && errno != ENOENT)
		ret = error("cannot remove '%s': %s", path, strerror(errno));
	free(path);
	return ret;
}

char *build_record_text(const struct release_ident *id, const struct build_deps *deps)
{
	json_t *doc = json_object();
	char *text;

	if (!doc)
		die(EXIT_FAIL, "out of memory");
	jset(doc, "schema", jstr(BUILD_RECORD_SCHEMA));
	ident_to_json(id, doc, IDENT_BUILD);
	jset(doc, "static_libraries", deps_to_json(deps, NULL));
	text = json_text(doc);
	json_decref(doc);
	return text;
}

int build_record_write(const struct release_ident *id, const struct build_deps *deps, const char *workdir,
		       const char *build_dir)
{
	char *path = record_path(workdir, build_dir);
	char *text = build_record_text(id, deps);
	int ret = text ? write_file_atomic(path, text, strlen(text), 0644) : -1;

	free(text);
	free(path);
	return ret;
}

/* whether every arch of want was built */
static int has_arches(const struct release_ident *have, const struct release_ident *want)
{
	size_t i, j;

	for (i = 0; i < want->n_arches; i++) {
		for (j = 0; j < have->n_arches; j++)
			if (!strcmp(want->arches[i].arch, have->arches[j].arch))
				break;
		if (j == have->n_arches)
			return 0;
	}
	return 1;
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* the record's identity and libraries; -1 after a message */
static int record_read(const char *path, const char *display, struct release_ident *have, struct build_deps *deps)
{
	const char *schema;
	char why[200], *text = read_file(path, 1 << 20, NULL);
	json_t *doc = NULL;
	int ret = -1;

	if (!text)
		return -1;
	doc = json_parse(text, strlen(text), why, sizeof(why));
	free(text);
	if (!doc) {
		error("the build record '%s' is %s: run 'releaser build' first", path, why);
		return -1;
	}
	schema = json_string_value(json_object_get(doc, "schema"));
	if (!schema || strcmp(schema, BUILD_RECORD_SCHEMA)) {
		error("'%s' holds a build of another releaser (its record is not %s): run 'releaser build' first",
		      display, BUILD_RECORD_SCHEMA);
		goto cleanup;
	}
	memset(deps, 0, sizeof(*deps));
	if (ident_from_json(have, doc, IDENT_BUILD, why, sizeof(why)) < 0 ||
	    deps_from_json(deps, json_object_get(doc, "static_libraries"), why, sizeof(why)) < 0) {
		error("the build record '%s' is damaged (%s): run 'releaser build' first", path, why);
		goto cleanup;
	}
	ret = 0;
cleanup:
	json_decref(doc);
	return ret;
}

/* the text of the record at path when it is the releaser's record of a build of id, else NULL (no message) */
static char *record_of(const char *path, const struct release_ident *id)
{
	struct release_ident have = { 0 };
	const char *schema;
	char why[200], *text = NULL;
	struct stat sb;
	json_t *doc = NULL;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), ok = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size < (1 << 20)) {
		text = xmalloc((size_t)sb.st_size + 1);
		if (read_all(fd, text, (size_t)sb.st_size) == 0) {
			text[sb.st_size] = '\0';
			doc = json_parse(text, (size_t)sb.st_size, why, sizeof(why));
		}
	}
	close(fd);
	schema = doc ? json_string_value(json_object_get(doc, "schema")) : NULL;
	if (schema && !strcmp(schema, BUILD_RECORD_SCHEMA) && ident_from_json(&have, doc, IDENT_BUILD, why, sizeof(why)) == 0)
		ok = !strcmp(have.version, id->version) && !strcmp(have.commit, id->commit) &&
		     same_str(have.branch, id->branch) && have.channel == id->channel && has_arches(&have, id);
	ident_release(&have);
	json_decref(doc);
	if (!ok) {
		free(text);
		text = NULL;
	}
	return text;
}

char *build_record_keep(const struct release_ident *id, const char *workdir, const char *build_dir)
{
	char *path = record_path(workdir, build_dir), *text = record_of(path, id);

	free(path);
	return text;
}

int build_record_restore(const char *text, const char *workdir, const char *build_dir)
{
	char *path = record_path(workdir, build_dir);
	int ret = write_file_atomic(path, text, strlen(text), 0644);

	free(path);
	return ret;
}

int build_record_check(const struct release_ident *id, const char *workdir, const char *build_dir,
		       struct build_deps *deps)
{
	char *path = record_path(workdir, build_dir), *display = xasprintf("%s%s", workdir, build_dir);
	struct release_ident have = { 0 };
	char arches[64], want_arches[64];
	struct stat sb;
	int ret = -1;

	if (lstat(path, &sb) != 0) {
		error("'%s' holds no build of this release: run 'releaser build' first", display);
		goto cleanup;
	}
	if (record_read(path, display, &have, deps) < 0)
		goto cleanup;
	if (strcmp(have.version, id->version) || strcmp(have.commit, id->commit) ||
	    !same_str(have.branch, id->branch) || have.channel != id->channel || !has_arches(&have, id)) {
		error("'%s' holds the %s build of %s for %s, not the %s build of %s for %s: "
		      "run 'releaser build' first", display, channel_name(have.channel), have.version,
		      ident_arch_list(&have, arches, sizeof(arches)), channel_name(id->channel), id->version,
		      ident_arch_list(id, want_arches, sizeof(want_arches)));
		goto cleanup;
	}
	ret = 0;
cleanup:
	ident_release(&have);
	free(display);
	free(path);
	return ret;
}
