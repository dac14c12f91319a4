/*
 * Tag signatures with the release key, in OpenSSH's sshsig format (see
 * tagsign.h and OpenSSH's PROTOCOL.sshsig).
 */
#include "sign/tagsign.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "sign/key.h"
#include "sign/ossl.h"
#include "sign/sign.h"

#define SSHSIG_MAGIC "SSHSIG"
#define SSHSIG_VERSION 1
#define SSHSIG_HASH "sha512"
#define SSHSIG_KEY_TYPE "ssh-ed25519"
#define SSHSIG_LINE 70 /* base64 characters per armored line, as ssh-keygen writes */

/* a growing byte buffer in SSH wire encoding */
struct wire {
	unsigned char *p;
	size_t len;
};

static void put_raw(struct wire *w, const void *data, size_t n)
{
	w->p = xrealloc(w->p, w->len + n);
	memcpy(w->p + w->len, data, n);
	w->len += n;
}

static void put_u32(struct wire *w, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	put_raw(w, b, 4);
}

/* an SSH "string": a 32-bit big-endian length, then the bytes */
static void put_string(struct wire *w, const void *data, size_t n)
{
	put_u32(w, (uint32_t)n);
	put_raw(w, data, n);
}

static void put_cstring(struct wire *w, const char *s)
{
	put_string(w, s, strlen(s));
}

/* the key blob: string "ssh-ed25519", string pk */
static void put_key_blob(struct wire *w, const unsigned char pk[ED25519_PK_LEN])
{
	struct wire key = { NULL, 0 };

	put_cstring(&key, SSHSIG_KEY_TYPE);
	put_string(&key, pk, ED25519_PK_LEN);
	put_string(w, key.p, key.len);
	free(key.p);
}

/* "ssh-ed25519 <base64>" for pk (caller frees), the key as OpenSSH writes it */
static char *sshsig_pubkey(const unsigned char pk[ED25519_PK_LEN])
{
	struct wire key = { NULL, 0 };
	char *b64, *line;

	put_cstring(&key, SSHSIG_KEY_TYPE);
	put_string(&key, pk, ED25519_PK_LEN);
	b64 = b64_encode(key.p, key.len);
	line = xasprintf("%s %s", SSHSIG_KEY_TYPE, b64);
	free(b64);
	free(key.p);
	return line;
}

static char *armor(const struct wire *blob)
{
	char *b64 = b64_encode(blob->p, blob->len), *out, *o;
	size_t n = strlen(b64), i;

	out = xmalloc(n + n / SSHSIG_LINE + 80);
	o = out + sprintf(out, "-----BEGIN SSH SIGNATURE-----\n");
	for (i = 0; i < n; i += SSHSIG_LINE) {
		size_t chunk = n - i < SSHSIG_LINE ? n - i : SSHSIG_LINE;

		memcpy(o, b64 + i, chunk);
		o += chunk;
		*o++ = '\n';
	}
	strcpy(o, "-----END SSH SIGNATURE-----\n");
	free(b64);
	return out;
}

/*
 * signs msg for namespace ns with the key of seed (public half pk), hashing
 * it with SHA-512; 0 with *armored set to the armored block (caller frees),
 * or -1 after a message
 */
static int sshsig_sign(const unsigned char seed[ED25519_SEED_LEN], const unsigned char pk[ED25519_PK_LEN],
		       const char *ns, const void *msg, size_t len, char **armored)
{
	unsigned char hash[64], sig[ED25519_SIG_LEN];
	struct wire tosign = { NULL, 0 }, blob = { NULL, 0 }, sigwire = { NULL, 0 };
	int ret = -1;

	*armored = NULL;
	if (ossl_digest(EVP_sha512(), msg, len, hash) < 0)
		goto cleanup;
	put_raw(&tosign, SSHSIG_MAGIC, strlen(SSHSIG_MAGIC));
	put_cstring(&tosign, ns);
	put_cstring(&tosign, "");
	put_cstring(&tosign, SSHSIG_HASH);
	put_string(&tosign, hash, sizeof(hash));
	if (ed25519_sign(seed, tosign.p, tosign.len, sig) < 0)
		goto cleanup;
	put_cstring(&sigwire, SSHSIG_KEY_TYPE);
	put_string(&sigwire, sig, sizeof(sig));
	put_raw(&blob, SSHSIG_MAGIC, strlen(SSHSIG_MAGIC));
	put_u32(&blob, SSHSIG_VERSION);
	put_key_blob(&blob, pk);
	put_cstring(&blob, ns);
	put_cstring(&blob, "");
	put_cstring(&blob, SSHSIG_HASH);
	put_string(&blob, sigwire.p, sigwire.len);
	*armored = armor(&blob);
	ret = 0;
cleanup:
	free(tosign.p);
	free(blob.p);
	free(sigwire.p);
	return ret;
}

int tag_sign(const struct sign_key *k, const void *payload, size_t len, char **armored)
{
	return sshsig_sign(k->seed, k->pk, "git", payload, len, armored);
}

char *tag_allowed_signer(const char *pubkey_path, const char *principal)
{
	struct sign_pubkey pk;
	char *key, *line;

	if (sign_pubkey_load(pubkey_path, &pk) < 0)
		return NULL;
	key = sshsig_pubkey(pk.pk);
	line = xasprintf("%s namespaces=\"git\" %s\n", principal, key);
	free(key);
	return line;
}
