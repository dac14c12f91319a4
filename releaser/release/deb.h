/*
 * The Debian package of each arch that has the agent, straight from the
 * build directory and the work tree like the tarballs (release/layout.h),
 * written by release/tarball.c:
 *
 *   <package>_<filever>_<arch>.deb      (deb_file_name: no '~' in it)
 *
 * The package is the project (profiling-agent); a debug release is
 * <project>-debug, which Conflicts with, Replaces and Provides the
 * release package: both install the same paths, and apt never trades one
 * flavor for the other on an upgrade. One package per arch carries the
 * agent, the runtime library and the SDK alike: they are built together,
 * from one version, and libanalyzer is only meant for the analyzer of the
 * same release. data.tar.gz:
 *
 *   usr/bin/profiling-agent                  deb/profiling-agent (static, stripped)
 *   usr/lib/<triplet>/libanalyzer.so.1       deb/libanalyzer.so (SONAME libanalyzer.so.1, stripped)
 *   usr/lib/<triplet>/libanalyzer.so         -> libanalyzer.so.1
 *   usr/lib/<triplet>/libanalyzer.a          lib/libanalyzer.a
 *   usr/lib/<triplet>/pkgconfig/analyzer.pc  deb/analyzer.pc (the tarball's, for /usr)
 *   usr/include/analyzer.h                   libanalyzer/include/analyzer.h
 *   usr/include/analyzer/frametypes.h        support/ebpf/frametypes.h
 *   usr/share/analyzer/frametypes.json       support/frametypes.json
 *   lib/systemd/system/profiling-agent.service  support/packaging/ (installed disabled)
 *   etc/default/profiling-agent              support/packaging/profiling-agent.default
 *                                            (a conffile: the service's options)
 *   usr/share/man/man1/profiling-agent.1.gz  man/ (help2man, gzip -9n)
 *   usr/share/doc/<package>/copyright        machine-readable (DEP-5), the
 *                                            license text from LICENSE, the
 *                                            notice dated with the release's year
 *   usr/share/doc/<package>/changelog.gz     one entry: the release
 *   usr/share/lintian/overrides/<package>    each with its reason:
 *                                            statically-linked-binary and
 *                                            embedded-library zlib and bzip2 (the
 *                                            agent is static on purpose);
 *                                            package-name-doesnt-match-sonames and
 *                                            link-to-shared-library-in-wrong-package
 *                                            (one package, see above)
 *
 * The analyzer objects are not shipped as files: the agent and
 * libanalyzer embed them. control.tar.gz: control (Package, Version,
 * Architecture, Maintainer, Installed-Size, Depends, Section, Priority,
 * Homepage, Description), conffiles, md5sums (not of the conffile),
 * shlibs, triggers (ldconfig), and postinst, prerm and postrm from
 * support/packaging/deb/ (what dh_installsystemd --no-enable writes).
 *
 * Versions (deb_version): v1.1.0 -> 1.1.0, v1.1.0-rc.1 -> 1.1.0~rc.1,
 * v1.1.0-debug -> 1.1.0 (of <project>-debug), a snapshot
 * v1.0.2-SNAPSHOT-<sha12> -> 1.0.2~SNAPSHOT.<sha12>: '~' sorts a
 * pre-release and a snapshot before the release.
 */
#ifndef RELEASER_DEB_H
#define RELEASER_DEB_H

#include "git/settings.h"
#include "release/ident.h"
#include "release/tarball.h"

/*
 * deb_version returns the Debian version of the release version version
 * (a tag or snapshot version, see above; caller frees), or NULL when it is
 * not one.
 */
char *deb_version(const char *version);

/* deb_package returns the package name of id: "<project>" or "<project>-debug" (caller frees). */
char *deb_package(const struct release_ident *id);

/*
 * deb_file_name returns "<package>_<filever>_<arch>.deb" (caller frees),
 * where filever is the Debian version with '~' written '-': GitHub renames
 * a release asset holding '~' (lib/asset.h), and dpkg reads the version
 * from the package, not from its file name. The Debian version has no '-'
 * of its own, so the '-' marks where the '~' is: v1.1.0-rc.1 ->
 * <package>_1.1.0-rc.1_amd64.deb (Version 1.1.0~rc.1 inside), the
 * snapshot of 1.0.2 -> <package>_1.0.2-SNAPSHOT.<sha12>_amd64.deb.
 */
char *deb_file_name(const struct release_ident *id, const char *arch);

/*
 * deb_write_package writes the package of arch a (which has the agent)
 * of release id into path (messages name display), from the build's files
 * in build and the sources in workdir (directories with a trailing '/'),
 * with settings s's Maintainer, Homepage and Depends; every mtime is id's
 * epoch. out gets its digest and size. Returns 0 or -1 after a message.
 */
int deb_write_package(const struct release_ident *id, const struct settings *s, const char *workdir,
		      const char *build, const struct arch_plan *a, const char *path, const char *display,
		      struct tar_result *out);

/*
 * deb_check_sources tells, before anything is built, whether the work
 * tree workdir (with a trailing '/') holds what the packages take from it
 * besides the build's files (LICENSE, support/packaging/'s unit, default
 * file and maintainer scripts). Returns 0, or -1 with why[len] set.
 */
int deb_check_sources(const char *workdir, char *why, size_t len);

#endif /* RELEASER_DEB_H */
