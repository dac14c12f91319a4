/* Whether an output directory already holds a release (see current.h). */
#include "release/current.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/common.h"
#include "lib/json.h"
#include "lib/sums.h"
#include "lib/text.h"
#include "release/deb.h"
#include "release/layout.h"
#include "release/manifest.h"
#include "release/rpm.h"
#include "sign/hash.h"
#include "sign/sign.h"

/* the largest manifest, checksum list or signature read */
#define CURRENT_MAX (1024 * 1024)

/*
 * dir/name read whole when it is a regular file of at most CURRENT_MAX
 * bytes (NUL-terminated, caller frees); NULL when it is not (no message)
 */
static char *slurp(const char *dir, const char *name, size_t *len)
{
	char *path = xasprintf("%s/%s", dir, name), *text = NULL;
	struct stat sb;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	free(path);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size <= CURRENT_MAX) {
		text = xmalloc((size_t)sb.st_size + 1);
		if (read_all(fd, text, (size_t)sb.st_size) == 0) {
			text[sb.st_size] = '\0';
			*len = (size_t)sb.st_size;
		} else {
			free(text);
			text = NULL;
		}
	}
	close(fd);
	return text;
}

static int miss(char *why, size_t why_len, const char *fmt, const char *arg)
{
	char *shown = term_escape(arg);

	snprintf(why, why_len, fmt, shown);
	free(shown);
	return 0;
}

/* the manifest's artifact named name, or NULL */
static json_t *artifact_named(json_t *arts, const char *name)
{
	json_t *a;
	size_t i;

	json_array_foreach(arts, i, a) {
		const char *n = json_string_value(json_object_get(a, "name"));

		if (n && !strcmp(n, name))
			return a;
	}
	return NULL;
}

/* 1 when arts lists every tarball and package of id, else 0 with why */
static int lists_all(const struct release_ident *id, json_t *arts, char *why, size_t why_len)
{
	size_t i, k;
	char *name;
	int ok = 1;

	for (i = 0; ok && i < id->n_arches; i++) {
		for (k = 0; ok && k < (id->arches[i].agent ? 3u : 1u); k++) {
			name = k == 2 ? rpm_file_name(id, id->arches[i].arch)
			     : k == 1 ? deb_file_name(id, id->arches[i].arch)
				      : layout_tarball_name(id, id->arches[i].arch);
			if (!artifact_named(arts, name))
				ok = miss(why, why_len, "its manifest does not list '%s'", name);
			free(name);
		}
	}
	return ok;
}

/* the lower-case hex SHA-256 of text[len] into hex ("" when OpenSSL fails) */
static void hash_text(const char *text, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256 h;

	hex[0] = '\0';
	if (sha256_init(&h) == 0 && (sha256_update(&h, text, len) < 0 || sha256_final(&h, hex) < 0))
		hex[0] = '\0';
}

/*
 * 1 when SHA256SUMS lists exactly the artifacts arts and the manifest
 * (manifest_hex) with their digests, else 0 with why
 */
static int sums_match(json_t *arts, const char *manifest_hex, const struct sums *sums, char *why, size_t why_len)
{
	const struct sums_entry *e;
	json_t *a;
	size_t i;

	e = sums_find(sums, MANIFEST_FILE);
	if (json_array_size(arts) + 1 != sums->n || !e || strcmp(e->hex, manifest_hex))
		return miss(why, why_len, "%s does not list what its manifest lists", SUMS_FILE);
	json_array_foreach(arts, i, a) {
		const char *name = json_string_value(json_object_get(a, "name"));
		const char *hex = json_string_value(json_object_get(a, "sha256"));

		if (!name || !hex || !json_is_integer(json_object_get(a, "size")))
			return miss(why, why_len, "its %s lists a damaged artifact", MANIFEST_FILE);
		e = sums_find(sums, name);
		if (!e || strcmp(e->hex, hex))
			return miss(why, why_len, "'%s' has another digest in SHA256SUMS than in its manifest", name);
	}
	return 1;
}

/* 1 when each artifact is a regular file of its size and digest (added to o), 0 with why, -1 after a message */
static int files_match(const char *dir, json_t *arts, struct outdir *o, char *why, size_t why_len)
{
	char hex[SHA256_HEX_LEN + 1], *path;
	struct stat sb;
	uint64_t size;
	json_t *a;
	size_t i;
	int rc;

	json_array_foreach(arts, i, a) {
		const char *name = json_string_value(json_object_get(a, "name"));

		path = xasprintf("%s/%s", dir, name);
		rc = lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ? 0
		     : (json_int_t)sb.st_size != json_integer_value(json_object_get(a, "size")) ? 0
		     : sha256_file(path, hex, &size) < 0 ? -1
		     : strcmp(hex, json_string_value(json_object_get(a, "sha256"))) ? 0 : 1;
		free(path);
		if (rc <= 0)
			return rc < 0 ? -1 : miss(why, why_len, "'%s' is missing or has other bytes", name);
		outdir_add(o, name, hex, size);
	}
	return 1;
}

/* a file read whole, hashed into o */
static void add_text(struct outdir *o, const char *name, const char *text, size_t len)
{
	char hex[SHA256_HEX_LEN + 1];

	hash_text(text, len, hex);
	outdir_add(o, name, hex, len);
}

int release_current(const struct release_ident *id, const char *dir, const struct sign_key *key,
		    struct outdir *o, char *why, size_t why_len)
{
	char *manifest = NULL, *sums_text = NULL, *minisig = NULL, *sig = NULL, jwhy[128];
	char manifest_hex[SHA256_HEX_LEN + 1], *path = NULL;
	struct stat sb;
	size_t manifest_len = 0, sums_len = 0, minisig_len = 0, sig_len = 0;
	struct release_ident held = { 0 };
	struct sums sums = { 0 };
	struct sign_check check = { 0 };
	struct sign_pubkey pk;
	const char *schema;
	json_t *doc = NULL, *arts;
	int ret = 0, rc;

	memset(o, 0, sizeof(*o));
	o->dir = xstrdup(dir);
	o->wrap_fd = o->lock_fd = -1;
	path = xasprintf("%s/%s", dir, OUTDIR_JOURNAL_FILE);
	if (lstat(path, &sb) == 0) {
		miss(why, why_len, "it holds %s: a replacement was interrupted", OUTDIR_JOURNAL_FILE);
		goto cleanup;
	}
	manifest = slurp(dir, MANIFEST_FILE, &manifest_len);
	doc = manifest ? json_parse(manifest, manifest_len, jwhy, sizeof(jwhy)) : NULL;
	free(path);
	path = xasprintf("%s/%s", dir, MANIFEST_FILE);
	if (!manifest && lstat(path, &sb) != 0 && errno == ENOENT) {
		why[0] = '\0'; /* no release there at all: nothing to say */
		goto cleanup;
	}
	if (!doc) {
		miss(why, why_len, "it holds no readable %s", MANIFEST_FILE);
		goto cleanup;
	}
	schema = json_string_value(json_object_get(doc, "schema"));
	arts = json_object_get(doc, "artifacts");
	if (!schema || strcmp(schema, MANIFEST_SCHEMA) || !json_is_false(json_object_get(doc, "partial")) ||
	    !json_is_array(arts) || ident_from_json(&held, doc, 0, jwhy, sizeof(jwhy)) < 0) {
		miss(why, why_len, "its %s is not the complete manifest of a release", MANIFEST_FILE);
		goto cleanup;
	}
	if (!ident_same(&held, id)) {
		snprintf(why, why_len, "it holds another release or commit");
		goto cleanup;
	}
	if (!lists_all(id, arts, why, why_len))
		goto cleanup;
	sums_text = slurp(dir, SUMS_FILE, &sums_len);
	if (!sums_text || sums_parse(sums_text, sums_len, &sums, jwhy, sizeof(jwhy)) < 0) {
		miss(why, why_len, "it holds no readable %s", SUMS_FILE);
		goto cleanup;
	}
	hash_text(manifest, manifest_len, manifest_hex);
	if (!sums_match(arts, manifest_hex, &sums, why, why_len))
		goto cleanup;
	minisig = slurp(dir, SUMS_MINISIG_FILE, &minisig_len);
	sig = slurp(dir, SUMS_SIG_FILE, &sig_len);
	sign_key_public(key, &pk);
	rc = sign_check_sums(&pk, sums_text, sums_len, minisig, minisig_len, sig, sig_len, &check);
	if (rc < 0) {
		ret = -1;
		goto cleanup;
	}
	if (rc > 0) {
		miss(why, why_len, "the signatures of %s are missing or not made with this key", SUMS_FILE);
		goto cleanup;
	}
	rc = files_match(dir, arts, o, why, why_len);
	if (rc <= 0) {
		ret = rc;
		goto cleanup;
	}
	add_text(o, MANIFEST_FILE, manifest, manifest_len);
	add_text(o, SUMS_FILE, sums_text, sums_len);
	add_text(o, SUMS_MINISIG_FILE, minisig, minisig_len);
	add_text(o, SUMS_SIG_FILE, sig, sig_len);
	ret = 1;
cleanup:
	sign_check_release(&check);
	sums_release(&sums);
	ident_release(&held);
	json_decref(doc);
	free(sig);
	free(minisig);
	free(sums_text);
	free(manifest);
	free(path);
	return ret;
}
