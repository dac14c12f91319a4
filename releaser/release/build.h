/*
 * Running the project's top-level Makefile for a release, and the record a
 * finished build leaves so that a later `releaser package` can tell it is
 * packaging the build of this very release. The record is the release
 * identity as JSON (ident_to_json with IDENT_BUILD) and the statically
 * linked libraries the build machine had (release/deps.h, as
 * "static_libraries"); `releaser release` writes it too but hands its
 * build to packaging in memory.
 */
#ifndef RELEASER_BUILD_H
#define RELEASER_BUILD_H

#include "release/deps.h"
#include "release/ident.h"
#include "release/state.h"

/* the build directory, relative to the work tree */
#define BUILD_DIR "build"

/* the Makefile's goal that builds what a release ships */
#define MAKE_GOAL "release-outputs"

/* the record `releaser build` writes into the build directory */
#define BUILD_RECORD "releaser-build"
#define BUILD_RECORD_SCHEMA "releaser-build/v2"

/*
 * make_run runs, for each arch of st's plan, `make -C WORKDIR EBPF_FLAGS=
 * AGENT_FEATURES= AGENT_ARCH=ARCH ARCHES=ARCH VERSION= COMMIT= BUILD=
 * SANITIZE= -j JOBS release-outputs`: the plan's decision, whatever the
 * Makefile would guess from the branch; a cross arch builds into its own
 * subdirectory of build_dir (plan_arch_subdir). SOURCE_DATE_EPOCH is set,
 * the caller's MAKEFLAGS are not passed on, and make's output goes to
 * stderr. build_dir is relative to the work tree. Returns 0, or -1 after a
 * message when make cannot run or fails.
 */
int make_run(const struct release_state *st, const char *build_dir, int jobs);

/* make_default_jobs returns the number of online CPUs (at least 1). */
int make_default_jobs(void);

/*
 * build_record_remove removes the record from WORKDIR/build_dir (before a
 * build changes what the directory holds). Returns 0 or -1 after a message.
 */
int build_record_remove(const char *workdir, const char *build_dir);

/*
 * build_record_text returns the record of id's build, which linked the
 * libraries deps: a JSON document (caller frees), or NULL after a message.
 */
char *build_record_text(const struct release_ident *id, const struct build_deps *deps);

/*
 * build_record_write records in WORKDIR/build_dir that it holds the build
 * of id, which linked deps. Returns 0 or -1 after a message.
 */
int build_record_write(const struct release_ident *id, const struct build_deps *deps, const char *workdir,
		       const char *build_dir);

/*
 * build_record_check returns 0 when WORKDIR/build_dir holds the build of
 * id (same version, commit, branch and channel; every arch of id built),
 * with the libraries it linked in *deps, or -1 after a message saying
 * what it holds and to run releaser build.
 */
int build_record_check(const struct release_ident *id, const char *workdir, const char *build_dir,
		       struct build_deps *deps);

/*
 * build_record_keep returns the text of the record in WORKDIR/build_dir
 * when it records the build of id (as build_record_check would find, no
 * message), else NULL; the caller frees it. What a run that finds nothing
 * to do puts back with build_record_restore after make.
 */
char *build_record_keep(const struct release_ident *id, const char *workdir, const char *build_dir);

/*
 * build_record_restore writes text (from build_record_keep) as the record
 * in WORKDIR/build_dir. Returns 0 or -1 after a message.
 */
int build_record_restore(const char *text, const char *workdir, const char *build_dir);

#endif /* RELEASER_BUILD_H */
