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
	"bytes under the same name stop it (see --force).\n"
	"\n"
	"options:\n" OUTPUT_USAGE STATE_USAGE
	"  --help          this text\n"
	"\n"
	"exit codes: 0 packaged, 1 packaging failed (unreadable build file, full\n"
	"disk, artifacts with other bytes in DIR), 2 bad usage, preflight refused,\n"
	"no build of this release, or no usable signing key\n";

int cmd_package(int argc, char **argv, struct context *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		OUTPUT_LONG_OPTIONS,
		STATE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct release_opts ro;
	struct release_state st;
	struct strlist arches = { 0 };
	struct sign_key *key = NULL;
	int loaded = 0, ret;

	release_opts_init(&ro);
	ret = release_parse_options(argc, argv, ":", longopts, usage_text, &ro, &arches);
	if (ret >= 0)
		goto cleanup;
	ret = cmd_no_operands(argc, argv);
	if (ret == EXIT_OK)
		ret = release_prepare(ctx->repo, &ctx->settings, &ro, &st, &key);
	if (ret != EXIT_OK)
		goto cleanup;
	loaded = 1;
	ret = release_package(&st, &ctx->settings, &ro, BUILD_DIR, key);
cleanup:
	sign_key_free(key);
	if (loaded)
		release_state_release(&st);
	strlist_clear(&arches);
	return ret;
}
