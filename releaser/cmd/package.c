/*
 * releaser package: the tarballs of an existing `releaser build`, then the
 * provenance, manifest, SHA256SUMS and signatures (or, with --no-sign, the
 * partial manifests that `releaser finalize` merges and signs).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "release/build.h"
#include "cmd/options.h"
#include "release/pipeline.h"
#include "release/state.h"

static const char usage_text[] =
	"usage: releaser package [--out DIR] [--key FILE | --no-sign] [--force] [--json]\n"
	"                        [--arch LIST] [--branch NAME] [--tag TAG] [--snapshot]\n"
	"\n"
	"Packages what `releaser build` left in build/ (it must be the build of the\n"
	"same release) into DIR: profiling-agent-<version>-linux-<arch>.tar.gz per\n"
	"arch, provenance.intoto.json, CHANGELOG.md (the release notes),\n"
	"manifest.json, SHA256SUMS and its signatures SHA256SUMS.minisig and\n"
	"SHA256SUMS.sig. Files already in DIR with the same bytes are kept; other\n"
	"bytes under the same name stop it (see --force), except that a snapshot\n"
	"into the default dist/ (no --out) replaces the previous release there.\n"
	"\n"
	"options:\n" OUTPUT_USAGE STATE_USAGE
	"  --help          this text\n"
	"\n"
	"exit codes: 0 packaged, 1 packaging failed (unreadable build file, full\n"
	"disk, artifacts with other bytes in DIR), 2 bad usage, preflight refused,\n"
	"a file name GitHub would change, no build of this release, or no usable\n"
	"signing key\n";

static int package(const struct release_state *st, const struct settings *s, const struct release_opts *ro,
		   const struct sign_key *key)
{
	return release_package(st, s, ro, BUILD_DIR, key);
}

int cmd_package(int argc, char **argv, struct context *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		OUTPUT_LONG_OPTIONS,
		STATE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};

	return cmd_release_step(argc, argv, ctx, ":", longopts, usage_text, STEP_KEY, 4, package);
}
