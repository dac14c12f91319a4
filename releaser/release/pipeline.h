/*
 * The release pipeline the build, package, release and finalize commands
 * share. `releaser release` is one pass in memory, each step taking the
 * previous one's value:
 *
 *   state -> plan -> build -> flavor check -> [second build, compared after
 *   the tarballs] -> tarballs -> metadata -> signatures -> output directory
 *
 * The identity is made once from the state (release/ident.h); the build is
 * handed to packaging as a struct build, the tarballs as the artifact list
 * of a struct release_meta, and the output directory is written once, at
 * the end (release/outdir.h). `releaser package` starts from the build
 * record a `releaser build` left instead.
 */
#ifndef RELEASER_PIPELINE_H
#define RELEASER_PIPELINE_H

#include "release/deps.h"
#include "release/ident.h"
#include "release/manifest.h"
#include "release/outdir.h"
#include "git/settings.h"
#include "sign/sign.h"
#include "release/state.h"

/* the output directory, relative to the work tree */
#define DIST_DIR "dist"

struct release_opts {
	struct state_opts state;
	int jobs;                 /* make -j */
	const char *out;          /* --out; NULL: the work tree's dist/ */
	const char *key;          /* --key FILE */
	const char *dev_key;      /* --dev-key PREFIX: fallback when no key is given */
	int no_sign;              /* --no-sign: per-arch partial manifests, no signatures */
	int force;                /* --force: replace artifacts with other bytes */
	int json;                 /* --json */
	int check_reproducible;   /* --check-reproducible */
	int builds;               /* the command builds (build, release): the tools are checked first */
};

/* release_opts_init sets the defaults (jobs: the number of CPUs). */
void release_opts_init(struct release_opts *ro);

/* release_parse_jobs parses --jobs N (1..1024). Returns 0 or -1 after a message. */
int release_parse_jobs(const char *arg, int *jobs);

/* a finished build whose analyzer objects match the plan: what packaging takes */
struct build {
	char *dir;  /* WORKDIR/build_dir/: the build directory, with a trailing '/' */
	struct build_deps deps; /* the libraries its agents link statically (release/deps.h) */
};

/* build_release frees what b holds; safe on a zeroed struct. */
void build_release(struct build *b);

/*
 * release_build runs make for st into build_dir (relative to the work
 * tree), checks the analyzer flavors against the plan (once), asks
 * dpkg-query the versions of the libraries the agents link (b->deps) and
 * records the build of id there for a later `releaser package`. Fills *b (free
 * with build_release). Returns 0 or -1 after a message.
 */
int release_build(const struct release_state *st, const struct release_ident *id, const struct release_opts *ro,
		  const char *build_dir, struct build *b);

/*
 * release_load_key loads the signing key: --key, else $RELEASER_SIGNING_KEY,
 * else the development key at --dev-key PREFIX (made when missing, with a
 * warning). *key is NULL with --no-sign. Returns 0, or -1 after a message
 * (no key, unreadable, corrupt, wrong password).
 */
int release_load_key(const struct release_opts *ro, struct sign_key **key);

/*
 * release_prepare is what build, package and release do after their
 * options, the progress phase "preflight": the release state of repo with
 * settings s loaded and preflighted, with ro->builds the programs a build
 * runs (release/tools.h), and, when key is not NULL (package, release),
 * the output directory checked (release_out_problem), the signing key
 * loaded and the release notes rendered into st->changelog. Everything it
 * refuses is refused before anything is built. Returns EXIT_OK with *st
 * loaded (free it with release_state_release) and *key set; otherwise an
 * exit code after one message, with nothing to free.
 */
int release_prepare(git_repository *repo, const struct settings *s, const struct release_opts *ro,
		    struct release_state *st, struct sign_key **key);

/*
 * release_out_problem is the output directory's preflight for the release
 * st with ro: the directory is usable (outdir_problem), and the release
 * it holds (outdir_held), when another than st's, may be replaced: with
 * --force, or by a snapshot into the default dist/ when it is a snapshot
 * too (`make release` after a new commit). A tagged release there is
 * never replaced by a snapshot without --force. Changes nothing. Returns
 * NULL when fine, else one line naming the release found and --force
 * (caller frees).
 */
char *release_out_problem(const struct release_state *st, const struct release_opts *ro);

/*
 * release_run is `releaser release` after preflight: the build, with
 * --check-reproducible a second build from scratch, the tarballs (then
 * the comparison with the second build's), then (signed) provenance,
 * manifest, SHA256SUMS and signatures, or (--no-sign) partial manifests,
 * committed into the output directory at once. Prints what it wrote.
 * Returns an exit code after one message on failure: EXIT_USAGE, before
 * anything is built, when a tarball or package would have a name GitHub
 * changes (lib/asset.h).
 */
int release_run(const struct release_state *st, const struct settings *s, const struct release_opts *ro,
		const struct sign_key *key);

/*
 * release_package is `releaser package` after preflight: what release_run
 * does after the build, for the build a `releaser build` recorded in
 * build_dir (it must be the build of st; its flavors are checked again, as
 * the objects may have changed since). Returns an exit code (EXIT_OK,
 * EXIT_FAIL, EXIT_USAGE) after one message on failure.
 */
int release_package(const struct release_state *st, const struct settings *s, const struct release_opts *ro,
		    const char *build_dir, const struct sign_key *key);

/*
 * release_report prints what o holds: one line per file (its path), or
 * with json a JSON object (out, version, channel, signed, files,
 * releaser_version). Returns 0 or -1 after a message.
 */
int release_report(const struct outdir *o, const struct release_meta *m, int json, int signed_);

#endif /* RELEASER_PIPELINE_H */
