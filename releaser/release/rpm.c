/* The RPM packages of a release (see rpm.h). */
#include "release/rpm.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/common.h"
#include "release/deb.h"
#include "release/plan.h"
#include "sign/hash.h"

/* rpmbuild's tree, under the arch's build directory: removed before each package */
#define RPM_TOP "rpmbuild"
#define RPM_LOG "rpmbuild.log"
#define RPM_MAX (1u << 30)
#define COPY_BLOCK (1 << 16)

const char *rpm_arch(const char *arch)
{
	return !strcmp(arch, "amd64") ? "x86_64" : !strcmp(arch, "arm64") ? "aarch64" : NULL;
}

char *rpm_file_name(const struct release_ident *id, const char *arch)
{
	char *package = deb_package(id), *version = deb_version(id->version), *name, *p;
	const char *ra = rpm_arch(arch);

	name = xasprintf("%s-%s-1.%s.rpm", package, version ? version : id->version, ra ? ra : arch);
	for (p = name; *p; p++)
		if (*p == '~')
			*p = '-';
	free(package);
	free(version);
	return name;
}

/*
 * the one escape for text in the spec: rpm expands macros in every line,
 * so '%' is written '%%'; a value holds no newline (the settings are one
 * line each). Caller frees.
 */
static char *spec_escape(const char *s)
{
	char *out = xmalloc(2 * strlen(s) + 1), *p = out;

	for (; *s; s++) {
		if (*s == '%')
			*p++ = '%';
		*p++ = *s;
	}
	*p = '\0';
	return out;
}

/*
 * a path for the spec's shell script, inside double quotes: escaped for
 * rpm, and refused when the shell would read more than a name in it
 */
static char *spec_path(const char *root, const char *rel)
{
	char *path = xasprintf("%s%s", root, rel), *out = NULL;

	if (strpbrk(path, "\"$`\\\n"))
		error("the path '%s' holds a character the package's spec cannot quote ('\"', '$', '`', '\\' or "
		      "a newline): build from a directory without one", path);
	else
		out = spec_escape(path);
	free(path);
	return out;
}

/* one file into %{buildroot}: install -D -m MODE "SRC" "%{buildroot}DEST" */
static int add_install(struct text *t, const char *root, const char *rel, int mode, const char *dest)
{
	char *src = spec_path(root, rel);

	if (!src)
		return -1;
	text_add(t, "install -D -m %04o \"%s\" \"%%{buildroot}%s\"\n", mode, src, dest);
	free(src);
	return 0;
}

static const char description[] =
	"profiling-agent samples the stacks of running programs with an eBPF\n"
	"program, the analyzer, and aggregates them. The agent is statically\n"
	"linked and embeds the analyzer. It runs as a command, or as the\n"
	"service profiling-agent.service (installed disabled).\n"
	"\n"
	"The package also carries libanalyzer (shared and static), its headers\n"
	"and its pkg-config file, for programs that embed the analyzer.\n";

static const char scriptlets[] =
	"%post\n"
	"if [ -x /sbin/ldconfig ]; then /sbin/ldconfig; fi\n"
	"if [ $1 -eq 1 ] && [ -x /usr/bin/systemctl ]; then\n"
	"\t/usr/bin/systemctl --no-reload preset profiling-agent.service >/dev/null 2>&1 || :\n"
	"fi\n"
	"\n"
	"%preun\n"
	"if [ $1 -eq 0 ] && [ -x /usr/bin/systemctl ]; then\n"
	"\t/usr/bin/systemctl --no-reload disable --now profiling-agent.service >/dev/null 2>&1 || :\n"
	"fi\n"
	"\n"
	"%postun\n"
	"if [ -x /sbin/ldconfig ]; then /sbin/ldconfig; fi\n"
	"if [ $1 -ge 1 ] && [ -x /usr/bin/systemctl ]; then\n"
	"\t/usr/bin/systemctl try-restart profiling-agent.service >/dev/null 2>&1 || :\n"
	"fi\n"
	"\n";

static const char files[] =
	"%files\n"
	"%defattr(-,root,root,-)\n"
	"%license /usr/share/licenses/%{name}/LICENSE\n"
	"/usr/bin/profiling-agent\n"
	"/usr/lib64/libanalyzer.so.1\n"
	"/usr/lib64/libanalyzer.so\n"
	"/usr/lib64/libanalyzer.a\n"
	"/usr/lib64/pkgconfig/analyzer.pc\n"
	"/usr/include/analyzer.h\n"
	"%dir /usr/include/analyzer\n"
	"/usr/include/analyzer/frametypes.h\n"
	"%dir /usr/share/analyzer\n"
	"/usr/share/analyzer/frametypes.json\n"
	"/usr/lib/systemd/system/profiling-agent.service\n"
	"%config(noreplace) /etc/sysconfig/profiling-agent\n"
	"/usr/share/man/man1/profiling-agent.1.gz\n"
	"\n";

/* the spec: every value through spec_escape, every path through spec_path */
static int spec_text(const struct release_ident *id, const struct settings *s, const char *workdir,
		     const char *build, const char *package, const char *version, struct text *t)
{
	char *maintainer = spec_escape(s->deb_maintainer), *homepage = spec_escape(s->deb_homepage);
	char *release = spec_escape(id->version), date[32];
	time_t when = (time_t)id->epoch;
	struct tm tm;
	int ret = -1;

	if (!gmtime_r(&when, &tm) || !strftime(date, sizeof(date), "%a %b %d %Y", &tm)) {
		error("cannot format the release time %lld", id->epoch);
		goto cleanup;
	}
	text_add(t, "Name: %s\nVersion: %s\nRelease: 1\n", package, version);
	text_add(t, "Summary: Sampling CPU profiler for Linux, with an eBPF analyzer%s\n",
	    id->fake_release ? " (debug build)" : "");
	text_add(t, "License: BSD-2-Clause AND (GPL-2.0-only OR BSD-2-Clause)\nGroup: Development/Tools\n");
	if (*s->deb_homepage)
		text_add(t, "URL: %s\n", homepage);
	text_add(t, "Packager: %s\n", maintainer);
	if (id->fake_release)
		text_add(t, "Conflicts: %s\nProvides: %s = %%{version}-%%{release}\n", id->project, id->project);
	text_add(t, "\n%%description\n%s", description);
	if (id->fake_release)
		text_add(t, "\nThis is the debug build: the analyzer reports what it does and why\nit drops samples.\n");
	text_add(t, "\n%%install\n");
	if (add_install(t, build, "deb/profiling-agent", 0755, "/usr/bin/profiling-agent") < 0 ||
	    add_install(t, build, "deb/libanalyzer.so", 0755, "/usr/lib64/libanalyzer.so.1") < 0 ||
	    add_install(t, build, "lib/libanalyzer.a", 0644, "/usr/lib64/libanalyzer.a") < 0 ||
	    add_install(t, build, "rpm/analyzer.pc", 0644, "/usr/lib64/pkgconfig/analyzer.pc") < 0 ||
	    add_install(t, workdir, "libanalyzer/include/analyzer.h", 0644, "/usr/include/analyzer.h") < 0 ||
	    add_install(t, workdir, "support/ebpf/frametypes.h", 0644, "/usr/include/analyzer/frametypes.h") < 0 ||
	    add_install(t, workdir, "support/frametypes.json", 0644, "/usr/share/analyzer/frametypes.json") < 0 ||
	    add_install(t, workdir, "support/packaging/profiling-agent.service", 0644,
			"/usr/lib/systemd/system/profiling-agent.service") < 0 ||
	    add_install(t, workdir, "support/packaging/profiling-agent.default", 0644,
			"/etc/sysconfig/profiling-agent") < 0 ||
	    add_install(t, build, "man/profiling-agent.1.gz", 0644, "/usr/share/man/man1/profiling-agent.1.gz") < 0 ||
	    add_install(t, workdir, "LICENSE", 0644, "/usr/share/licenses/%{name}/LICENSE") < 0)
		goto cleanup;
	text_add(t, "ln -s libanalyzer.so.1 \"%%{buildroot}/usr/lib64/libanalyzer.so\"\n\n%s%s", scriptlets, files);
	text_add(t, "%%changelog\n* %s %s - %s-1\n- Release %s (%s channel), commit %s.\n", date, maintainer, version,
	    release, channel_name(id->channel), id->short_commit);
	ret = 0;
cleanup:
	free(maintainer);
	free(homepage);
	free(release);
	return ret;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/* the macros rpmbuild runs with: reproducible, gzip, and none of the helpers that change nothing in the package */
#define RPM_DEFINES 11

/* rpmbuild -bb on spec in top for rpmarch started, its output into log: its pid in *pid; 0, or -1 after a message */
static int spawn_rpmbuild(const char *top, const char *spec, const char *rpmarch, long long epoch, const char *log,
			  pid_t *pid)
{
	char *defs[RPM_DEFINES], *argv[8 + 2 * RPM_DEFINES], **envp = NULL, *sde = NULL, *missing = NULL;
	char *escaped = spec_escape(top);
	int i, k, n = 0, fd, ret = -1;
	size_t n_env;
	pid_t parent;

	defs[0] = xasprintf("_topdir %s", escaped);
	defs[1] = xstrdup("_buildhost reproducible");
	defs[2] = xstrdup("clamp_mtime_to_source_date_epoch 1");
	defs[3] = xstrdup("use_source_date_epoch_as_buildtime 1");
	defs[4] = xstrdup("__os_install_post %{nil}");
	defs[5] = xstrdup("debug_package %{nil}");
	defs[6] = xstrdup("_build_id_links none");
	defs[7] = xstrdup("_binary_payload w6.gzdio"); /* every rpm reads gzip; xz is 25 times the CPU */
	/* a shell each that changes nothing in the package: the CPU count (the
	 * spec runs no make), the home's database (rpmbuild -bb reads none),
	 * check-files (the spec lists every file its %install writes) */
	defs[8] = xstrdup("_smp_build_ncpus 1");
	defs[9] = xasprintf("_dbpath %s/db", escaped);
	defs[10] = xstrdup("__check_files %{nil}");
	free(escaped);
	argv[n++] = "rpmbuild";
	argv[n++] = "-bb";
	argv[n++] = "--noclean"; /* the next run removes the tree */
	argv[n++] = "--target";
	argv[n++] = (char *)rpmarch;
	for (i = 0; i < RPM_DEFINES; i++) {
		argv[n++] = "--define";
		argv[n++] = defs[i];
	}
	argv[n++] = (char *)spec;
	argv[n] = NULL;
	/* everything the child needs is made here: after fork it only calls
	 * what is async-signal-safe (another thread may hold malloc's lock) */
	for (n_env = 0; environ[n_env]; n_env++)
		;
	envp = xmalloc((n_env + 3) * sizeof(*envp));
	for (i = 0, k = 0; i < (int)n_env; i++)
		if (strncmp(environ[i], "SOURCE_DATE_EPOCH=", 18) && strncmp(environ[i], "TZ=", 3))
			envp[k++] = environ[i];
	envp[k++] = sde = xasprintf("SOURCE_DATE_EPOCH=%lld", epoch);
	envp[k++] = "TZ=UTC";
	envp[k] = NULL;
	missing = xasprintf("releaser: cannot run 'rpmbuild' (install Debian's 'rpm': ci/install-deps.sh)\n");
	fflush(NULL);
	parent = getpid();
	*pid = fork();
	if (*pid < 0) {
		error("cannot run 'rpmbuild': %s", strerror(errno));
		goto cleanup;
	}
	if (*pid == 0) {
		/* a releaser killed while it runs takes rpmbuild along: left running,
		 * it would write into the tree the next run removes and fills */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(126);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(126);
		execvpe(argv[0], argv, envp);
		if (write(STDERR_FILENO, missing, strlen(missing)) < 0)
			_exit(127);
		_exit(127);
	}
	ret = 0;
cleanup:
	for (i = 0; i < RPM_DEFINES; i++)
		free(defs[i]);
	free(envp);
	free(sde);
	free(missing);
	return ret;
}

/* waits for the rpmbuild pid, its output in log; 0, or -1 after a message */
static int wait_rpmbuild(pid_t pid, const char *log)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return error("cannot wait for 'rpmbuild': %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return error("'rpmbuild' failed (%s %d): see '%s'%s", WIFEXITED(status) ? "exit" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), log,
			     WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (install Debian's 'rpm': ci/install-deps.sh)"
									     : "");
	return 0;
}

/*
 * the package rpmbuild wrote, into path through an atomic file, with its
 * digest and size: copied in blocks, so memory does not grow with it
 */
static int copy_out(const char *src, const char *path, const char *display, struct tar_result *out)
{
	struct atomic_file f = { 0 };
	struct sha256 h;
	char *buf = xmalloc(COPY_BLOCK);
	uint64_t total = 0;
	ssize_t n;
	int fd, ret = -1, hashing = 0, opened = 0;

	fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		error("cannot open '%s': %s", src, strerror(errno));
		goto cleanup;
	}
	if (sha256_init(&h) < 0)
		goto cleanup;
	hashing = 1;
	if (atomic_file_open(&f, path, 0644) < 0)
		goto cleanup;
	opened = 1;
	while ((n = read(fd, buf, COPY_BLOCK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error("cannot read '%s': %s", src, strerror(errno));
			goto cleanup;
		}
		total += (uint64_t)n;
		if (total > RPM_MAX) {
			error("'%s' is over %u bytes: the package is too large", src, RPM_MAX);
			goto cleanup;
		}
		if (sha256_update(&h, buf, (size_t)n) < 0)
			goto cleanup;
		if (atomic_file_write(&f, buf, (size_t)n) < 0) {
			error("cannot write '%s'", display);
			goto cleanup;
		}
	}
	hashing = 0;
	if (sha256_final(&h, out->sha256) < 0)
		goto cleanup;
	out->size = total;
	opened = 0;
	ret = atomic_file_commit(&f);
cleanup:
	if (hashing)
		sha256_abort(&h);
	if (opened)
		atomic_file_abort(&f);
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

int rpm_start(const struct release_ident *id, const struct settings *s, const char *workdir, const char *build,
	      const struct arch_plan *a, struct rpm_job *j)
{
	char *package = deb_package(id), *version = deb_version(id->version), *top = NULL, *spec = NULL;
	const char *ra = rpm_arch(a->arch);
	struct text t = { 0 };
	int ret = -1;

	memset(j, 0, sizeof(*j));
	if (!version || !ra) {
		error("version '%s' of arch '%s' makes no RPM package: release a tag vX.Y.Z[-PRERELEASE] for amd64 "
		      "or arm64", id->version, a->arch);
		goto cleanup;
	}
	top = xasprintf("%s%s", build, RPM_TOP);
	if (nftw(top, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT) {
		error("cannot remove '%s': %s", top, strerror(errno));
		goto cleanup;
	}
	if (mkdir(top, 0755) != 0) {
		error("cannot create '%s': %s", top, strerror(errno));
		goto cleanup;
	}
	if (spec_text(id, s, workdir, build, package, version, &t) < 0)
		goto cleanup;
	spec = xasprintf("%s/%s.spec", top, package);
	j->log = xasprintf("%s%s", build, RPM_LOG);
	j->rpm = xasprintf("%s/RPMS/%s/%s-%s-1.%s.rpm", top, ra, package, version, ra);
	if (write_file_atomic(spec, t.s, t.len, 0644) < 0 || spawn_rpmbuild(top, spec, ra, id->epoch, j->log, &j->pid) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	if (ret)
		rpm_job_release(j);
	free(t.s);
	free(spec);
	free(top);
	free(version);
	free(package);
	return ret;
}

int rpm_finish(struct rpm_job *j, const char *path, const char *display, struct tar_result *out)
{
	pid_t pid = j->pid;

	j->pid = 0;
	return wait_rpmbuild(pid, j->log) < 0 ? -1 : copy_out(j->rpm, path, display, out);
}

void rpm_job_release(struct rpm_job *j)
{
	int status;

	while (j->pid > 0 && waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	free(j->rpm);
	free(j->log);
	memset(j, 0, sizeof(*j));
}

int rpm_write_package(const struct release_ident *id, const struct settings *s, const char *workdir,
		      const char *build, const struct arch_plan *a, const char *path, const char *display,
		      struct tar_result *out)
{
	struct rpm_job j;
	int ret = rpm_start(id, s, workdir, build, a, &j) < 0 ? -1 : rpm_finish(&j, path, display, out);

	rpm_job_release(&j);
	return ret;
}
