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
	"same release) into DIR:\n"
	"  profiling-agent-<version>-linux-<arch>.tar.gz   per arch\n"
	"  profiling-agent[-debug]_<version>_<arch>.deb    per arch with the agent\n"
	"                                                  (-debug on the debug channel)\n"
	"  provenance.intoto.json (SLSA provenance), provenance.intoto.jsonl (its\n"
	"  signed DSSE envelope), sbom.spdx.json (SPDX SBOM: the agent's statically\n"
	"  linked libraries), CHANGELOG.md (the release notes), manifest.json,\n"
	"  SHA256SUMS and its signatures SHA256SUMS.minisig and SHA256SUMS.sig\n"
	"With --no-sign: the tarballs, the packages and manifest-<arch>.json, which\n"
	"`releaser finalize` merges and signs. Files already in DIR with the same\n"
	"bytes are kept; other bytes under the same name stop it (see --force).\n"
	"Another release in DIR is refused before anything is packaged, except\n"
	"that a snapshot into the default dist/ (no --out) replaces a previous\n"
	"snapshot there (never a tagged release without --force). Its phases\n"
	"(preflight, package, sign, write) and their times go to stderr (not\n"
	"with -q).\n"
	"\n"
	"options:\n" OUTPUT_USAGE STATE_USAGE
	"  --help          this text\n"
	"\n"
	"exit codes: 0 packaged, 1 packaging failed (unreadable build file, full\n"
	"disk, artifacts with other bytes in DIR), 2 bad usage, preflight refused,\n"
	"another release in DIR, a file name GitHub would change, no build of\n"
	"this release, or no usable signing key\n";

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
