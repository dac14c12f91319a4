/*
 * releaser release: preflight, build, package and sign in one run. This is
 * the CI step and what `make release` runs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "cmd/options.h"
#include "release/pipeline.h"
#include "release/state.h"

static const char usage_text[] =
	"usage: releaser release [--out DIR] [--key FILE | --no-sign] [--snapshot] [--check-reproducible]\n"
	"                        [--force] [--json] [--jobs N] [--arch LIST] [--branch NAME] [--tag TAG]\n"
	"\n"
	"Preflight (what `releaser check` lists: releaser.conf, the build tools,\n"
	"tag rules, clean tree, full clone, the output directory; then the signing\n"
	"key), then the build (both analyzer flavors in parallel, flavor markers\n"
	"checked against the plan), then the artifacts in DIR: a tarball per arch\n"
	"(profiling-agent-<version>-linux-<arch>.tar.gz), a Debian package per\n"
	"arch with the agent (profiling-agent[-debug]_<version>_<arch>.deb),\n"
	"provenance.intoto.json (SLSA provenance) and provenance.intoto.jsonl (its\n"
	"signed DSSE envelope), sbom.spdx.json (SPDX SBOM), CHANGELOG.md (the\n"
	"release notes, see releaser notes), manifest.json, SHA256SUMS and its\n"
	"signatures SHA256SUMS.minisig and SHA256SUMS.sig (--no-sign: the\n"
	"tarballs, packages and manifest-<arch>.json for releaser finalize).\n"
	"HEAD without a tag, or --snapshot, releases a snapshot\n"
	"vX.Y.Z-SNAPSHOT-<sha12>. Nothing under a final name is ever partial;\n"
	"files already in DIR with the same bytes are kept, other bytes refused.\n"
	"When, after make, DIR already holds this very release (same version and\n"
	"commit, every file with its digest, SHA256SUMS signed with this key),\n"
	"the run stops there with one line saying so: nothing is packaged again.\n"
	"Another release in DIR is refused before the build, except that a\n"
	"snapshot into the default dist/ (no --out) replaces a previous snapshot\n"
	"there, so `make release` runs again after a new commit; a snapshot never\n"
	"replaces a tagged release without --force. Its phases (preflight, build,\n"
	"package, sign, write) and their times go to stderr (not with -q).\n"
	"\n"
	"options:\n" OUTPUT_USAGE
	"  --check-reproducible  build a second time from scratch and compare the tarballs\n"
	"  --jobs N        parallel build jobs (default: the number of CPUs)\n" STATE_USAGE
	"  --help          this text\n"
	"\n"
	"exit codes: 0 released, 1 the build, the flavor check, the reproducibility\n"
	"check or packaging failed, 2 bad usage, preflight refused (also another\n"
	"release in DIR, a missing tool, a releaser.conf problem), a file name\n"
	"GitHub would change (RELEASING.md), or no usable signing key\n";

int cmd_release(int argc, char **argv, struct context *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		{ "jobs", required_argument, NULL, OPT_JOBS },
		{ "check-reproducible", no_argument, NULL, OPT_CHECK_REPRODUCIBLE },
		OUTPUT_LONG_OPTIONS,
		STATE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};

	return cmd_release_step(argc, argv, ctx, ":j:", longopts, usage_text, STEP_KEY | STEP_BUILDS, 5,
				release_run);
}
