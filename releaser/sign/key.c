/*
 * Keys (see key.h): minisign's key formats (encoding, decoding,
 * decryption), then key files and key variables (loading a secret key from
 * a file or $RELEASER_SIGNING_KEY, generating a pair, public key files).
 */
#include "sign/key.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "lib/common.h"
#include "lib/le64.h"
#include "sign/hash.h"
#include "sign/kdf.h"
#include "sign/ossl.h"

/* offsets in a decoded secret key */
#define SK_ALG 0
#define SK_KDF 2
#define SK_CHK 4
#define SK_SALT 6
#define SK_OPSLIMIT 38
#define SK_MEMLIMIT 46
#define SK_KEYNUM 54                       /* the encrypted part starts here */
#define SK_SEED (SK_KEYNUM + SIGN_KEYNUM_LEN)
#define SK_PK (SK_SEED + ED25519_SEED_LEN)
#define SK_CHECKSUM (SK_PK + ED25519_PK_LEN)
#define SK_ENCRYPTED_LEN (KEY_SECRET_LEN - SK_KEYNUM)

#define COMMENT_PREFIX "untrusted comment:"
#define KEY_FILE_MAX 8192

static int all_zero(const unsigned char *p, size_t len)
{
	unsigned char acc = 0;

	while (len--)
		acc |= *p++;
	return acc == 0;
}

/* the key's BLAKE2b-256("Ed" | keynum | seed | pk) */
static void key_checksum(const struct sign_key *k, unsigned char out[KEY_CHECKSUM_LEN])
{
	unsigned char buf[2 + SIGN_KEYNUM_LEN + ED25519_SEED_LEN + ED25519_PK_LEN];

	memcpy(buf, "Ed", 2);
	memcpy(buf + 2, k->keynum, SIGN_KEYNUM_LEN);
	memcpy(buf + 2 + SIGN_KEYNUM_LEN, k->seed, ED25519_SEED_LEN);
	memcpy(buf + 2 + SIGN_KEYNUM_LEN + ED25519_SEED_LEN, k->pk, ED25519_PK_LEN);
	blake2b(out, KEY_CHECKSUM_LEN, buf, sizeof(buf));
	OPENSSL_cleanse(buf, sizeof(buf));
}

/*
 * The base64 line of a key text: the line after an "untrusted comment:"
 * line, or the first line when there is no comment; only white space may
 * follow it.
 */
static int key_line(const char *text, size_t len, const char **line, size_t *line_len)
{
	const char *p = text, *end = text + len, *nl;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if ((size_t)(end - p) >= strlen(COMMENT_PREFIX) && !memcmp(p, COMMENT_PREFIX, strlen(COMMENT_PREFIX))) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return -1;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		nl = end;
	*line = p;
	*line_len = (size_t)(nl - p);
	if (*line_len && p[*line_len - 1] == '\r')
		(*line_len)--;
	for (p = nl; p < end; p++)
		if (!isspace((unsigned char)*p))
			return -1;
	return *line_len ? 0 : -1;
}

static void xor_bytes(unsigned char *dst, const unsigned char *src, size_t len)
{
	while (len--)
		*dst++ ^= *src++;
}

struct sign_key *key_new(void)
{
	struct sign_key *k = xcalloc(1, sizeof(*k));

	if (ossl_random(k->keynum, sizeof(k->keynum), 0) < 0 || ossl_random(k->seed, sizeof(k->seed), 1) < 0 ||
	    ed25519_public(k->seed, k->pk) < 0) {
		sign_key_free(k);
		return NULL;
	}
	return k;
}

char *key_encode(const struct sign_key *k, const char *password, uint64_t opslimit, uint64_t memlimit)
{
	unsigned char raw[KEY_SECRET_LEN], stream[SK_ENCRYPTED_LEN];
	int encrypt = password && *password;
	char *b64 = NULL, *text = NULL;

	memset(raw, 0, sizeof(raw));
	memcpy(raw + SK_ALG, "Ed", 2);
	memcpy(raw + SK_KDF, encrypt ? "Sc" : "\0\0", 2);
	memcpy(raw + SK_CHK, "B2", 2);
	memcpy(raw + SK_KEYNUM, k->keynum, SIGN_KEYNUM_LEN);
	memcpy(raw + SK_SEED, k->seed, ED25519_SEED_LEN);
	memcpy(raw + SK_PK, k->pk, ED25519_PK_LEN);
	key_checksum(k, raw + SK_CHECKSUM);
	if (encrypt) {
		if (ossl_random(raw + SK_SALT, KEY_SALT_LEN, 0) < 0)
			goto cleanup;
		store64_le(raw + SK_OPSLIMIT, opslimit);
		store64_le(raw + SK_MEMLIMIT, memlimit);
		if (kdf_derive(password, raw + SK_SALT, KEY_SALT_LEN, opslimit, memlimit, stream, sizeof(stream),
			       "the new secret key") < 0)
			goto cleanup;
		xor_bytes(raw + SK_KEYNUM, stream, sizeof(stream));
	}
	b64 = b64_encode(raw, sizeof(raw));
	text = xasprintf("%s releaser %ssecret key\n%s\n", COMMENT_PREFIX, encrypt ? "encrypted " : "", b64);
cleanup:
	key_text_free(b64);
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(stream, sizeof(stream));
	return text;
}

/* checks the decrypted raw key and copies it out; NULL after a message */
static struct sign_key *key_from_raw(const unsigned char *raw, int encrypted, const char *what)
{
	unsigned char chk[KEY_CHECKSUM_LEN], pk[ED25519_PK_LEN];
	struct sign_key *k = xcalloc(1, sizeof(*k));
	int ok = 0;

	memcpy(k->keynum, raw + SK_KEYNUM, SIGN_KEYNUM_LEN);
	memcpy(k->seed, raw + SK_SEED, ED25519_SEED_LEN);
	memcpy(k->pk, raw + SK_PK, ED25519_PK_LEN);
	key_checksum(k, chk);
	/* `minisign -G -W` leaves the checksum of an unencrypted key zero */
	if ((encrypted || !all_zero(raw + SK_CHECKSUM, KEY_CHECKSUM_LEN)) &&
	    CRYPTO_memcmp(chk, raw + SK_CHECKSUM, KEY_CHECKSUM_LEN) != 0) {
		if (encrypted)
			error("wrong password for %s: check RELEASER_KEY_PASSWORD (or the key is corrupt)", what);
		else
			error("%s is corrupt: its checksum does not match", what);
		goto cleanup;
	}
	if (ed25519_public(k->seed, pk) < 0)
		goto cleanup;
	if (memcmp(pk, k->pk, ED25519_PK_LEN) != 0) {
		error("%s is corrupt: its public half does not match its secret half", what);
		goto cleanup;
	}
	ok = 1;
cleanup:
	OPENSSL_cleanse(chk, sizeof(chk));
	if (!ok) {
		sign_key_free(k);
		k = NULL;
	}
	return k;
}

/* scrypt work (N * r * p) a second takes on a 2-core machine, about: minisign's defaults take ~10 s */
#define KDF_WORK_PER_SECOND (1ULL << 20)

/* a line before a derivation that takes a second or more, unless quiet: the run is not stuck */
static void announce_kdf(uint64_t opslimit, uint64_t memlimit, const char *what)
{
	struct scrypt_params sp;
	uint64_t work;

	scrypt_pick_params(opslimit, memlimit, &sp);
	work = sp.n * sp.r * sp.p;
	if (work >= KDF_WORK_PER_SECOND && work <= KDF_WORK_MAX)
		note("decrypting %s (scrypt, %llu MiB, takes ~%llu s)...", what,
		     (unsigned long long)(scrypt_memory(&sp) >> 20), (unsigned long long)(work / KDF_WORK_PER_SECOND));
}

struct sign_key *key_decode(const char *text, size_t len, const char *password, const char *what)
{
	unsigned char raw[KEY_SECRET_LEN], stream[SK_ENCRYPTED_LEN], pub[KEY_PUBLIC_LEN];
	struct sign_key *k = NULL;
	const char *line;
	size_t line_len;
	int encrypted;

	if (key_line(text, len, &line, &line_len) < 0) {
		error("%s is not a minisign secret key: no single base64 line after the comment", what);
		goto cleanup;
	}
	if (b64_decode(line, line_len, pub, sizeof(pub)) == 0) {
		error("%s is a public key: pass the secret key", what);
		goto cleanup;
	}
	if (b64_decode(line, line_len, raw, sizeof(raw)) < 0) {
		error("%s is truncated or corrupt: not the base64 of a %d-byte minisign secret key", what,
		      KEY_SECRET_LEN);
		goto cleanup;
	}
	encrypted = !memcmp(raw + SK_KDF, "Sc", 2);
	if (memcmp(raw + SK_ALG, "Ed", 2) || memcmp(raw + SK_CHK, "B2", 2) ||
	    (!encrypted && memcmp(raw + SK_KDF, "\0\0", 2))) {
		error("%s is corrupt or not an ed25519 key: unknown algorithm bytes", what);
		goto cleanup;
	}
	if (encrypted) {
		if (!password || !*password) {
			error("%s is encrypted: set RELEASER_KEY_PASSWORD to its password", what);
			goto cleanup;
		}
		announce_kdf(load64_le(raw + SK_OPSLIMIT), load64_le(raw + SK_MEMLIMIT), what);
		if (kdf_derive(password, raw + SK_SALT, KEY_SALT_LEN, load64_le(raw + SK_OPSLIMIT),
			       load64_le(raw + SK_MEMLIMIT), stream, sizeof(stream), what) < 0)
			goto cleanup;
		xor_bytes(raw + SK_KEYNUM, stream, sizeof(stream));
	}
	k = key_from_raw(raw, encrypted, what);
cleanup:
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(stream, sizeof(stream));
	return k;
}

void key_text_free(char *text)
{
	if (text) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
}

char *pubkey_encode(const struct sign_pubkey *pk)
{
	unsigned char raw[KEY_PUBLIC_LEN];
	char id[SIGN_KEY_ID_LEN + 1], *b64, *text;

	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, pk->keynum, SIGN_KEYNUM_LEN);
	memcpy(raw + 2 + SIGN_KEYNUM_LEN, pk->pk, ED25519_PK_LEN);
	b64 = b64_encode(raw, sizeof(raw));
	sign_key_id(pk, id);
	text = xasprintf("%s releaser public key %s\n%s\n", COMMENT_PREFIX, id, b64);
	free(b64);
	return text;
}

int pubkey_decode(const char *text, size_t len, struct sign_pubkey *pk, const char *what)
{
	unsigned char raw[KEY_PUBLIC_LEN];
	const char *line;
	size_t line_len;

	if (key_line(text, len, &line, &line_len) < 0)
		return error("%s is not a public key: no single base64 line after the comment", what);
	if (line_len == 4 * ((KEY_SECRET_LEN + 2) / 3))
		return error("%s looks like a secret key: pass the public key (.pub)", what);
	if (b64_decode(line, line_len, raw, sizeof(raw)) < 0)
		return error("%s is truncated or corrupt: not the base64 of a %d-byte public key", what,
			     KEY_PUBLIC_LEN);
	if (memcmp(raw, "Ed", 2) != 0)
		return error("%s is corrupt or not an ed25519 key: unknown algorithm bytes", what);
	memcpy(pk->keynum, raw + 2, SIGN_KEYNUM_LEN);
	memcpy(pk->pk, raw + 2 + SIGN_KEYNUM_LEN, ED25519_PK_LEN);
	return 0;
}

void sign_key_id(const struct sign_pubkey *pk, char id[SIGN_KEY_ID_LEN + 1])
{
	snprintf(id, SIGN_KEY_ID_LEN + 1, "%" PRIX64, load64_le(pk->keynum));
}

void sign_key_public(const struct sign_key *k, struct sign_pubkey *pk)
{
	memcpy(pk->keynum, k->keynum, SIGN_KEYNUM_LEN);
	memcpy(pk->pk, k->pk, ED25519_PK_LEN);
}

void sign_key_free(struct sign_key *k)
{
	if (k) {
		OPENSSL_cleanse(k, sizeof(*k));
		free(k);
	}
}

/* key files and key variables */


static const char *key_password(void)
{
	return getenv("RELEASER_KEY_PASSWORD");
}

/* whether text is a public key file: a comment, then one base64 line of a public key's length */
static int looks_public(const char *text)
{
	const char *line = strchr(text, '\n');
	size_t n;

	if (strncmp(text, COMMENT_PREFIX, strlen(COMMENT_PREFIX)) || !line)
		return 0;
	line++;
	n = strcspn(line, "\r\n");
	return n == 4 * ((KEY_PUBLIC_LEN + 2) / 3);
}

/* reads a secret key file that only its owner may read; NULL after a message */
static char *secret_file_read(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	int fd, ok = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			error("secret key '%s' does not exist: make one with 'releaser keygen' or pass another", path);
		else if (errno == ELOOP)
			error("secret key '%s' is a symbolic link: pass the file itself", path);
		else
			error("cannot read secret key '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		error("cannot read secret key '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		error("secret key '%s' is not a regular file", path);
		goto cleanup;
	}
	if (st.st_size > KEY_FILE_MAX) {
		error("secret key '%s' is too large to be a minisign key", path);
		goto cleanup;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	if (read_all(fd, buf, (size_t)st.st_size) < 0) {
		error("cannot read secret key '%s': %s", path,
		      errno == EIO ? "it shrank while reading" : strerror(errno));
		goto cleanup;
	}
	buf[st.st_size] = '\0';
	/* what the file is comes before how it is protected */
	if (looks_public(buf)) {
		error("'%s' is a public key: pass the secret key (the .key file)", path);
		goto cleanup;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		error("secret key '%s' is accessible by group or others: run chmod 600 '%s'", path, path);
		goto cleanup;
	}
	*len = (size_t)st.st_size;
	ok = 1;
cleanup:
	close(fd);
	if (!ok && buf) {
		OPENSSL_cleanse(buf, (size_t)st.st_size + 1);
		free(buf);
		buf = NULL;
	}
	return buf;
}

struct sign_key *sign_key_load(const char *path)
{
	struct sign_key *k = NULL;
	const char *env;
	char *text, *what;
	size_t len;

	if (!path) {
		env = getenv("RELEASER_SIGNING_KEY");
		if (!env || !*env) {
			error("no signing key: pass a secret key file or set RELEASER_SIGNING_KEY");
			return NULL;
		}
		return key_decode(env, strlen(env), key_password(), "the secret key in RELEASER_SIGNING_KEY");
	}
	text = secret_file_read(path, &len);
	if (!text)
		return NULL;
	what = xasprintf("secret key '%s'", path);
	k = key_decode(text, len, key_password(), what);
	OPENSSL_cleanse(text, len);
	free(text);
	free(what);
	return k;
}

/*
 * Like atomic_file_commit, but never replaces an existing file: the final
 * name is claimed with renameat2(RENAME_NOREPLACE), or link() where the
 * file system lacks it.
 */
static int commit_new(struct atomic_file *f)
{
	int ret = -1, rc;

	if (fsync(f->fd) != 0) {
		error("cannot write '%s': %s", f->path, strerror(errno));
		goto cleanup;
	}
	rc = close(f->fd);
	f->fd = -1;
	if (rc != 0) {
		error("cannot write '%s': %s", f->path, strerror(errno));
		goto cleanup;
	}
	rc = renameat2(AT_FDCWD, f->tmp, AT_FDCWD, f->path, RENAME_NOREPLACE);
	if (rc != 0 && (errno == EINVAL || errno == ENOSYS))
		rc = link(f->tmp, f->path); /* the temporary name goes in cleanup */
	else if (rc == 0) {
		free(f->tmp);
		f->tmp = NULL;
	}
	if (rc != 0) {
		if (errno == EEXIST)
			error("'%s' already exists: pass --force to replace the key pair", f->path);
		else
			error("cannot create '%s': %s", f->path, strerror(errno));
		goto cleanup;
	}
	fsync_parent(f->path);
	ret = 0;
cleanup:
	atomic_file_abort(f);
	return ret;
}

static int commit(struct atomic_file *f, int force)
{
	return force ? atomic_file_commit(f) : commit_new(f);
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 || errno != ENOENT;
}

int sign_key_generate(const char *prefix, int force)
{
	struct atomic_file kf = { .fd = -1 }, pf = { .fd = -1 };
	char *key_path = xasprintf("%s.key", prefix), *pub_path = xasprintf("%s.pub", prefix);
	char *key_text = NULL, *pub_text = NULL;
	struct sign_key *k = NULL;
	struct sign_pubkey pk;
	int ret = -1;

	if (!force && (exists(key_path) || exists(pub_path))) {
		error("'%s' already exists: pass --force to replace the key pair, or choose another prefix",
		      exists(key_path) ? key_path : pub_path);
		ret = -2;
		goto cleanup;
	}
	k = key_new();
	if (!k)
		goto cleanup;
	key_text = key_encode(k, key_password(), KDF_OPSLIMIT_DEFAULT, KDF_MEMLIMIT_DEFAULT);
	if (!key_text)
		goto cleanup;
	sign_key_public(k, &pk);
	pub_text = pubkey_encode(&pk);
	if (atomic_file_open(&kf, key_path, 0600) < 0 || atomic_file_write(&kf, key_text, strlen(key_text)) < 0 ||
	    atomic_file_open(&pf, pub_path, 0644) < 0 || atomic_file_write(&pf, pub_text, strlen(pub_text)) < 0)
		goto cleanup;
	if (commit(&kf, force) < 0)
		goto cleanup;
	if (commit(&pf, force) < 0) {
		if (!force)
			unlink(key_path); /* ours: commit_new made it; keep the pair whole */
		goto cleanup;
	}
	ret = 0;
cleanup:
	atomic_file_abort(&kf);
	atomic_file_abort(&pf);
	key_text_free(key_text);
	free(pub_text);
	sign_key_free(k);
	free(key_path);
	free(pub_path);
	return ret;
}

int sign_key_write_pubkey(const struct sign_key *k, const char *path)
{
	struct sign_pubkey pk;
	char *text;
	int ret;

	sign_key_public(k, &pk);
	text = pubkey_encode(&pk);
	ret = write_file_atomic(path, text, strlen(text), 0644);
	free(text);
	return ret;
}

/* $RELEASER_PUBKEY holds a key's text (the file's or its base64 line), not a path */
static int pubkey_env_is_text(const char *env)
{
	if (!strncmp(env, COMMENT_PREFIX, strlen(COMMENT_PREFIX)))
		return 1;
	return strlen(env) == 4 * ((KEY_PUBLIC_LEN + 2) / 3) && !strchr(env, '.');
}

int sign_pubkey_load(const char *path, struct sign_pubkey *pk)
{
	const char *env;
	char *text, *what;
	size_t len;
	int ret;

	if (!path) {
		env = getenv("RELEASER_PUBKEY");
		if (!env || !*env)
			return error("no public key: pass a public key file or set RELEASER_PUBKEY");
		if (pubkey_env_is_text(env))
			return pubkey_decode(env, strlen(env), pk, "the public key in RELEASER_PUBKEY");
		if (access(env, F_OK) != 0)
			return error("RELEASER_PUBKEY '%.40s' is neither a public key file nor a public key: "
				     "set it to the .pub file's path or to its contents", env);
		path = env;
	}
	text = read_file(path, KEY_FILE_MAX, &len);
	if (!text)
		return -1;
	what = xasprintf("public key '%s'", path);
	ret = pubkey_decode(text, len, pk, what);
	free(what);
	free(text);
	return ret;
}
