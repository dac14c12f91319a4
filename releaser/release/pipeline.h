/*
 * The release pipeline the build, package, release and finalize commands
 * share: building and checking, loading the signing key, packaging a build
 * into the output directory, and reporting what was written.
 */
#ifndef RELEASER_RELEASE_H
#define RELEASER_RELEASE_H

#include "cmd/cmd.h"
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
};

/* release_opts_init sets the defaults (jobs: the number of CPUs). */
void release_opts_init(struct release_opts *ro);

/* release_parse_jobs parses --jobs N (1..1024). Returns 0 or -1 after a message. */
int release_parse_jobs(const char *arg, int *jobs);

/*
 * release_build runs make for st into build_dir (relative to the work
 * tree), checks the analyzer flavors against the plan and records the
 * build. Returns 0 or -1 after a message.
 */
int release_build(const struct release_state *st, const struct release_opts *ro, const char *build_dir);

/*
 * release_load_key loads the signing key: --key, else $RELEASER_SIGNING_KEY,
 * else the development key at --dev-key PREFIX (made when missing, with a
 * warning). *key is NULL with --no-sign. Returns 0, or -1 after a message
 * (no key, unreadable, corrupt, wrong password).
 */
int release_load_key(const struct release_opts *ro, struct sign_key **key);

/*
 * release_prepare is what build, package and release do after their
 * options (cmd names the command in messages): no operands left (argv from
 * optind), the release state loaded and preflighted, and, when key is not
 * NULL, the signing key loaded. Returns EXIT_OK with *st loaded (free it
 * with release_state_release) and *key set; otherwise an exit code after
 * one message, with nothing to free.
 */
int release_prepare(const char *cmd, int argc, char **argv, struct context *ctx, const struct release_opts *ro,
		    struct release_state *st, struct sign_key **key);

/*
 * release_package packages the build in build_dir for st into the output
 * directory: tarballs, then (signed) provenance, manifest, SHA256SUMS and
 * signatures, or (--no-sign) partial manifests; with --check-reproducible
 * it first builds again from scratch and compares the tarballs. Prints what
 * it wrote. Returns an exit code (EXIT_OK, EXIT_FAIL, EXIT_USAGE) after
 * one message on failure.
 */
int release_package(const struct release_state *st, const struct settings *s, const struct release_opts *ro,
		    const char *build_dir, const struct sign_key *key);

/*
 * release_report prints what o holds: one line per file (its path), or
 * with json a JSON object (out, version, channel, signed, files). Returns
 * 0 or -1 after a message.
 */
int release_report(const struct outdir *o, const struct release_meta *m, int json, int signed_);

#endif /* RELEASER_RELEASE_H */
