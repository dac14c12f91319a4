/*
 * What goes into each arch's tarball, straight from the build directory
 * and the work tree (nothing is copied first; each file is read once, when
 * the tarball is written). The tree under the top directory
 * <project>-<version>-linux-<arch>/ is an SDK prefix: exactly what
 * `make install PREFIX=/` lays out (agent/build.mk), plus BUILDINFO:
 *
 *   bin/profiling-agent              build/bin/profiling-agent
 *   lib/libanalyzer.a                build/lib/libanalyzer.a
 *   lib/libanalyzer.so.1             build/lib/libanalyzer.so (its SONAME)
 *   lib/libanalyzer.so               -> libanalyzer.so.1 (as Debian does)
 *   lib/pkgconfig/analyzer.pc        build/lib/pkgconfig/analyzer.pc
 *                                    (prefix=${pcfiledir}/../.., the
 *                                    release's version: lib/version.h)
 *   include/analyzer.h               libanalyzer/include/analyzer.h
 *   include/analyzer/frametypes.h    support/ebpf/frametypes.h
 *   share/analyzer/analyzer.ebpf.release.<arch>   build/ebpf/ (every channel)
 *   share/analyzer/analyzer.ebpf.debug.<arch>     build/ebpf/ (release channel)
 *   share/analyzer/frametypes.json   support/frametypes.json
 *   share/doc/<project>/<package.file>   the work tree (LICENSE, README.md)
 *   share/doc/<project>/BUILDINFO    ident_buildinfo: version, commit, ref,
 *                                    channel, arch, flavors, plan
 *
 * The agent and libanalyzer (bin/, lib/) only for an arch with an agent,
 * which every planned arch has. For a cross arch, build is its
 * subdirectory of the build. Programs and the shared library 0755,
 * everything else 0644, directories 0755.
 */
#ifndef RELEASER_LAYOUT_H
#define RELEASER_LAYOUT_H

#include "git/settings.h"
#include "release/ident.h"
#include "release/tarball.h"

/* layout_top returns "<project>-<version>-linux-<arch>" (caller frees). */
char *layout_top(const struct release_ident *id, const char *arch);

/* layout_tarball_name returns the tarball's file name, layout_top's ".tar.gz" (caller frees). */
char *layout_tarball_name(const struct release_ident *id, const char *arch);

/*
 * layout_list fills out with arch a's entries for release id: the build's
 * files from build (a directory, with a trailing '/'), the sources from
 * workdir (likewise), settings s's package files, and BUILDINFO. Files
 * are only named here, read when the tarball is written.
 */
void layout_list(const struct release_ident *id, const struct settings *s, const char *workdir, const char *build,
		 const struct arch_plan *a, struct tar_list *out);

#endif /* RELEASER_LAYOUT_H */
