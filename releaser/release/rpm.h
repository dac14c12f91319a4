/*
 * The RPM package of each arch that has the agent, built by the real
 * rpmbuild (Debian's rpm package) from a spec the releaser writes; the
 * spec compiles nothing, it only copies the build's files and the work
 * tree's into the package:
 *
 *   <package>-<filever>-1.<rpmarch>.rpm   (rpm_file_name: no '~' in it)
 *
 * rpmarch is x86_64 (amd64) or aarch64 (arm64). The package and its
 * version are the Debian package's (release/deb.h): <project> or
 * <project>-debug (which Conflicts with and Provides the release package),
 * Version 1.1.0, 1.1.0~rc.1 or 1.0.2~SNAPSHOT.<sha12> ('~' sorts before
 * the release in rpm too), Release 1. Like the .deb, one package carries
 * the agent, libanalyzer and its SDK:
 *
 *   /usr/bin/profiling-agent                   deb/profiling-agent (stripped)
 *   /usr/lib64/libanalyzer.so.1, libanalyzer.so -> libanalyzer.so.1, libanalyzer.a
 *   /usr/lib64/pkgconfig/analyzer.pc           rpm/analyzer.pc (the tarball's, for /usr)
 *   /usr/include/analyzer.h, /usr/include/analyzer/frametypes.h
 *   /usr/share/analyzer/frametypes.json
 *   /usr/lib/systemd/system/profiling-agent.service   support/packaging/ (installed disabled)
 *   /etc/sysconfig/profiling-agent             %config(noreplace): the service's options
 *   /usr/share/man/man1/profiling-agent.1.gz   man/ (help2man)
 *   /usr/share/licenses/<package>/LICENSE      %license
 *
 * Scriptlets as systemd's RPM macros write them: %post presets the unit
 * on a first install (distribution policy: disabled unless a preset
 * enables it), %preun disables and stops it on erase, %postun restarts it
 * on an upgrade when it runs; ldconfig after the library comes or goes.
 *
 * Reproducible: SOURCE_DATE_EPOCH is the release epoch, the build time
 * and every mtime are clamped to it, the build host is "reproducible",
 * no build-id links; the payload is gzip level 6.
 */
#ifndef RELEASER_RPM_H
#define RELEASER_RPM_H

#include <sys/types.h>

#include "git/settings.h"
#include "release/ident.h"
#include "release/tarball.h"

/* rpm_arch returns the RPM arch of a Debian arch ("x86_64", "aarch64"), NULL for another. */
const char *rpm_arch(const char *arch);

/*
 * rpm_file_name returns "<package>-<filever>-1.<rpmarch>.rpm" (caller
 * frees), filever written as deb_file_name writes it ('-' for '~': GitHub
 * renames '~', lib/asset.h; rpm reads the version from the header).
 */
char *rpm_file_name(const struct release_ident *id, const char *arch);

/*
 * rpm_write_package writes the RPM package of arch a (which has the agent)
 * of release id into path (messages name display): a spec and rpmbuild's
 * tree under build (the arch's build directory, with a trailing '/'),
 * from the build's files there and the sources in workdir, with settings
 * s's maintainer (Packager) and homepage (URL); out gets its digest and
 * size. Returns 0 or -1 after a message (rpmbuild's log is kept then).
 * rpm_start and rpm_finish are its two halves.
 */
int rpm_write_package(const struct release_ident *id, const struct settings *s, const char *workdir,
		      const char *build, const struct arch_plan *a, const char *path, const char *display,
		      struct tar_result *out);

/* an rpmbuild running in the background (rpm_start) */
struct rpm_job {
	pid_t pid;     /* rpmbuild's; 0 once waited for */
	char *rpm;     /* the package it writes */
	char *log;     /* its output */
};

/*
 * rpm_start starts what rpm_write_package does for arch a (the same
 * arguments but the output) and returns while rpmbuild runs: 0 with *j
 * filled, or -1 after a message (*j empty). Call from the thread that
 * waits for it (rpmbuild dies with that thread, PR_SET_PDEATHSIG), then
 * rpm_finish and rpm_job_release.
 */
int rpm_start(const struct release_ident *id, const struct settings *s, const char *workdir, const char *build,
	      const struct arch_plan *a, struct rpm_job *j);

/*
 * rpm_finish waits for j's rpmbuild and writes its package into path
 * (messages name display), its digest and size into out. Returns 0 or -1
 * after a message.
 */
int rpm_finish(struct rpm_job *j, const char *path, const char *display, struct tar_result *out);

/* rpm_job_release waits for j's rpmbuild when rpm_finish did not, and frees j; safe on a zeroed job. */
void rpm_job_release(struct rpm_job *j);

#endif /* RELEASER_RPM_H */
