/*
 * Options shared by the commands that read the release state (info, build,
 * package, release): which branch, tag and arches, and whether to force a
 * snapshot. Each command puts STATE_LONG_OPTIONS in its getopt_long table,
 * STATE_USAGE in its usage text, and hands unknown option codes to
 * state_option().
 */
#ifndef RELEASER_OPTIONS_H
#define RELEASER_OPTIONS_H

#include <getopt.h>

#include "cmd/cmd.h"
#include "release/pipeline.h"
#include "release/state.h"

enum {
	OPT_BRANCH = 0x100,
	OPT_TAG,
	OPT_SNAPSHOT,
	OPT_ARCH,
	OPT_OUT,
	OPT_KEY,
	OPT_DEV_KEY,
	OPT_NO_SIGN,
	OPT_FORCE,
	OPT_JSON,
	OPT_HELP,
	OPT_JOBS,
	OPT_CHECK_REPRODUCIBLE,
	OPT_REMOTE,
	OPT_REQUIRE_TAG,
	OPT_FIRST_FREE, /* commands number their own options from here */
};

#define STATE_LONG_OPTIONS                                  \
	{ "branch", required_argument, NULL, OPT_BRANCH },  \
	{ "tag", required_argument, NULL, OPT_TAG },        \
	{ "snapshot", no_argument, NULL, OPT_SNAPSHOT },    \
	{ "remote", required_argument, NULL, OPT_REMOTE },  \
	{ "require-tag", no_argument, NULL, OPT_REQUIRE_TAG }, \
	{ "arch", required_argument, NULL, OPT_ARCH }

#define STATE_USAGE                                                                            \
	"  --tag TAG       release TAG, which must point at HEAD (default: $GITHUB_REF_NAME\n"     \
	"                  when $GITHUB_REF_TYPE is tag, else the release tag at HEAD)\n"          \
	"  --branch NAME   the branch of a snapshot when HEAD is detached (or $RELEASER_BRANCH);\n" \
	"                  a tag's branch is branch.main, or branch.debug for vX.Y.Z-debug\n"     \
	"  --remote NAME   whose branches count when a local one is missing (default: origin)\n"  \
	"  --snapshot      a snapshot version even when HEAD is tagged (skips the tag checks)\n"   \
	"  --require-tag   refuse a snapshot: there must be a tag to release (CI's release job)\n" \
	"  --arch LIST     arches, comma separated: amd64,arm64 (default: build.arch)\n"

/* the options of the commands that write artifacts (package, release, finalize) */
#define OUTPUT_LONG_OPTIONS                                  \
	{ "out", required_argument, NULL, OPT_OUT },         \
	{ "key", required_argument, NULL, OPT_KEY },         \
	{ "dev-key", required_argument, NULL, OPT_DEV_KEY }, \
	{ "no-sign", no_argument, NULL, OPT_NO_SIGN },       \
	{ "force", no_argument, NULL, OPT_FORCE },           \
	{ "json", no_argument, NULL, OPT_JSON }

#define OUTPUT_USAGE                                                                          \
	"  --out DIR       write the artifacts into DIR (default: dist/ in the work tree)\n"      \
	"  --key FILE      sign with this minisign secret key (else $RELEASER_SIGNING_KEY)\n"    \
	"  --dev-key PRE   without a key, sign with PRE.key, made when missing (with a warning)\n" \
	"  --no-sign       leave manifest-<arch>.json for 'releaser finalize' instead of signing\n" \
	"  --force         replace artifacts in DIR that have other bytes\n"                    \
	"  --json          print what was written as one JSON object (for CI)\n"

/*
 * output_option handles one of OUTPUT_LONG_OPTIONS into ro. Returns 1 when
 * it handled opt, 0 when opt is not one of them.
 */
int output_option(int opt, const char *arg, struct release_opts *ro);

/*
 * state_option handles one of the shared options: fills o (arches go into
 * *arches, which o->arches then points at). Returns 1 when it handled opt,
 * 0 when opt is not one of them, -1 after a message on a bad value.
 */
int state_option(int opt, const char *arg, struct state_opts *o, struct strlist *arches);

/*
 * release_parse_options runs getopt_long over argv with the command's own
 * shortopts and longopts (any of the options above), filling ro and
 * *arches. Returns -1 when the command goes on (operands from optind), or
 * the exit code to return: EXIT_OK after --help (usage on stdout),
 * EXIT_USAGE after a message or the usage on stderr.
 */
int release_parse_options(int argc, char **argv, const char *shortopts, const struct option *longopts,
			  const char *usage, struct release_opts *ro, struct strlist *arches);

/* the step build, package or release takes once preflight has passed; returns an exit code */
typedef int (*release_step_fn)(const struct release_state *st, const struct settings *s,
			       const struct release_opts *ro, const struct sign_key *key);

/* what cmd_release_step's command does besides preflight */
enum {
	STEP_KEY = 1 << 0,    /* writes artifacts: the output directory and the signing key first */
	STEP_BUILDS = 1 << 1, /* builds: the tools a build runs first */
};

/*
 * cmd_release_step is build, package and release: their options (shortopts,
 * longopts and usage as release_parse_options takes them), no operands,
 * preflight (with flags, a set of STEP_*: the tools, the output directory
 * and the signing key), then step, with phases progress phases in all
 * (lib/progress.h; preflight is the first). Returns the exit code.
 */
int cmd_release_step(int argc, char **argv, struct context *ctx, const char *shortopts,
		     const struct option *longopts, const char *usage, int flags, int phases, release_step_fn step);

#endif /* RELEASER_OPTIONS_H */
