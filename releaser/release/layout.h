/*
 * What goes into each arch's tarball, straight from the build directory
 * and the work tree (nothing is copied first; each file is read once, when
 * the tarball is written). Under the top directory
 * <project>-<version>-linux-<arch>/:
 *
 *   bin/profiling-agent           build/bin/profiling-agent     (agent arch only)
 *   lib/libanalyzer.a             build/lib/libanalyzer.a       (agent arch only)
 *   lib/libanalyzer.so            build/lib/libanalyzer.so      (agent arch only)
 *   lib/libanalyzer.so.1          -> libanalyzer.so             (agent arch only)
 *   include/analyzer.h            agent/analyzer.h
 *   include/frametypes.h          support/ebpf/frametypes.h
 *   share/analyzer/analyzer.ebpf.release.<arch>   build/ebpf/   (every channel)
 *   share/analyzer/analyzer.ebpf.debug.<arch>     build/ebpf/   (release channel)
 *   frametypes.json               support/frametypes.json
 *   <each package.file>           the work tree (LICENSE, README.md by default)
 *   BUILDINFO                     version, commit, ref, channel, arch, flavors, plan
 *
 * Programs 0755, everything else 0644, directories 0755.
 */
#ifndef RELEASER_STAGE_H
#define RELEASER_STAGE_H

#include "release/tarball.h"
#include "git/settings.h"
#include "release/state.h"

/* stage_top returns "<project>-<version>-linux-<arch>" (caller frees). */
char *stage_top(const struct settings *s, const char *version, const char *arch);

/*
 * stage_buildinfo returns the BUILDINFO text of arch a (caller frees):
 * key=value lines.
 */
char *stage_buildinfo(const struct release_state *st, const struct settings *s, const struct arch_plan *a);

/*
 * stage_list fills out with arch a's entries; build_dir is relative to the
 * work tree. Files are only named here, read when the tarball is written.
 */
void stage_list(const struct release_state *st, const struct settings *s, const char *build_dir,
		const struct arch_plan *a, struct tar_list *out);

#endif /* RELEASER_STAGE_H */
