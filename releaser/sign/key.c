/* minisign's key formats: encoding, decoding, decryption (see key.h). */
#include "sign/key.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sign/hash.h"
#include "lib/common.h"
#include "sign/kdf.h"
#include "lib/le64.h"

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
