/*
 * releaser finalize: the last step of a release built on several runners.
 * Each runner leaves its tarball and manifest-<arch>.json (releaser release
 * --arch ARCH --no-sign); once they are gathered in one directory, this
 * checks every part's fields by the rules the releaser wrote them with
 * (release/fields.h) and every tarball against its manifest, then writes the provenance,
 * the release notes they carry (CHANGELOG.md), manifest.json, SHA256SUMS
 * and the signatures beside them.
 */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "cmd/options.h"
#include "release/builder.h"
#include "release/metadata.h"
#include "release/pipeline.h"

static const char usage_text[] =
	"usage: releaser finalize [--out DIR] [--key FILE | --no-sign] [--force] [--json]\n"
	"\n"
	"Merges the per-arch packages gathered in DIR (default: dist): checks each\n"
	"tarball and Debian package against its manifest-<arch>.json (all of one\n"
	"release), then writes provenance.intoto.json (SLSA provenance) and, when\n"
	"signing, provenance.intoto.jsonl (its signed DSSE envelope),\n"
	"sbom.spdx.json (SPDX SBOM: the static libraries the manifests name),\n"
	"CHANGELOG.md (the notes the manifests carry), manifest.json, SHA256SUMS\n"
	"and its signatures SHA256SUMS.minisig and SHA256SUMS.sig, and removes\n"
	"the per-arch manifests that manifest.json now holds. The tarballs and\n"
	"the .deb packages themselves are the runners'.\n"
	"Needs no repository.\n"
	"\n"
	"options:\n" OUTPUT_USAGE
	"  --help          this text\n"
	"\n"
	"exit codes: 0 finalized, 1 a tarball does not match its manifest, the\n"
	"manifests disagree, a manifest names a file GitHub would rename, or\n"
	"writing failed, 2 bad usage, no manifest-<arch>.json in DIR, a part whose\n"
	"project, version, ref, source_uri, arch or file name the releaser would\n"
	"not have written, or no usable signing key\n";

/* the parts are merged into manifest.json: their manifests are not part of the release */
static void drop_partials(const struct release_meta *m, struct outdir *o)
{
	char *name;
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->tarballs[i].deb)
			continue;
		name = meta_partial_name(m->tarballs[i].arch);
		outdir_drop(o, name);
		free(name);
	}
}

/* every tarball and package is in dir with the size and digest its manifest says */
static int check_tarballs(const struct release_meta *m, const char *dir)
{
	char hex[SHA256_HEX_LEN + 1];
	uint64_t size;
	size_t i;
	char *path;
	int rc;

	for (i = 0; i < m->n; i++) {
		path = xasprintf("%s/%s", dir, m->tarballs[i].name);
		rc = sha256_file(path, hex, &size);
		if (rc == 0 && (size != m->tarballs[i].size || strcmp(hex, m->tarballs[i].sha256)))
			rc = error("'%s' does not match manifest-%s.json (sha256 %.12s, expected %.12s): copy it again",
				   path, m->tarballs[i].arch, hex, m->tarballs[i].sha256);
		free(path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int cmd_finalize(int argc, char **argv, struct context *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		OUTPUT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct release_opts ro;
	struct release_meta m = { 0 };
	struct builder builder = { 0 };
	struct outdir o = { 0 };
	struct sign_key *key = NULL;
	const char *dir;
	struct stat sb;
	size_t i, debs;
	char why[512];
	int rc, ret;

	(void)ctx;
	release_opts_init(&ro);
	ret = release_parse_options(argc, argv, ":", longopts, usage_text, &ro, NULL);
	if (ret >= 0)
		goto cleanup;
	ret = EXIT_USAGE;
	if (optind < argc) {
		error("finalize takes no arguments, got '%s' (use --out DIR)", argv[optind]);
		goto cleanup;
	}
	dir = ro.out ? ro.out : DIST_DIR;
	if (builder_load(&builder, why, sizeof(why)) < 0) {
		error("%s", why);
		goto cleanup;
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		error("'%s' is not a directory holding the per-arch parts: gather every runner's "
		      "tarball and manifest-<arch>.json there first", dir);
		goto cleanup;
	}
	if (outdir_check(dir) < 0 || release_load_key(&ro, &key) < 0)
		goto cleanup;
	rc = meta_read_partials(&m, dir);
	if (rc < 0) {
		ret = rc == -2 ? EXIT_USAGE : EXIT_FAIL;
		goto cleanup;
	}
	m.builder = &builder; /* the runners' manifests name the source; this job builds the provenance */
	ret = EXIT_FAIL;
	if (check_tarballs(&m, dir) < 0 || outdir_open(&o, dir, ro.force ? OUTDIR_FORCE : 0) < 0 ||
	    metadata_write(&o, &m, key) < 0)
		goto cleanup;
	drop_partials(&m, &o);
	if (outdir_commit(&o) < 0)
		goto cleanup;
	for (i = 0, debs = 0; i < m.n; i++)
		debs += m.tarballs[i].deb;
	note("finalized %s (%s channel, %zu tarball%s, %zu package%s) in '%s'%s", m.id.version,
	     channel_name(m.id.channel), m.n - debs, m.n - debs == 1 ? "" : "s", debs, debs == 1 ? "" : "s", dir,
	     key ? "" : ": unsigned");
	ret = release_report(&o, &m, ro.json, key != NULL) < 0 ? EXIT_FAIL : EXIT_OK;
cleanup:
	outdir_close(&o);
	meta_release(&m);
	builder_release(&builder);
	sign_key_free(key);
	return ret;
}
