/* minisign and signify signature files (see sigfile.h). */
#include "sign/sigfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "sign/key.h"
#include "sign/ossl.h"

#define UNTRUSTED "untrusted comment: "
#define TRUSTED "trusted comment: "
#define SIG_BLOCK_LEN (2 + SIGN_KEYNUM_LEN + ED25519_SIG_LEN)

struct line {
	const char *p;
	size_t len;
};

/*
 * Splits the first n lines off text (each ending in '\n'; the last may end
 * the text instead when last_may_end). Returns the offset after them, or
 * -1 when there are fewer lines or a NUL byte.
 */
static long take_lines(const char *text, size_t len, struct line *lines, int n, int last_may_end)
{
	const char *p = text, *end = text + len, *nl;
	int i;

	for (i = 0; i < n; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl && !(last_may_end && i == n - 1 && p < end))
			return -1;
		if (!nl)
			nl = end;
		if (memchr(p, '\0', (size_t)(nl - p)))
			return -1;
		lines[i].p = p;
		lines[i].len = (size_t)(nl - p);
		p = nl < end ? nl + 1 : end;
	}
	return p - text;
}

static int has_prefix(const struct line *l, const char *prefix)
{
	return l->len >= strlen(prefix) && !memcmp(l->p, prefix, strlen(prefix));
}

static int comment_ok(const char *c)
{
	return strlen(c) <= SIGFILE_COMMENT_MAX && !strpbrk(c, "\r\n");
}

/* the "alg | keynum | signature" block, base64 */
static char *sig_block(const char *alg, const struct sign_key *k, const unsigned char sig[ED25519_SIG_LEN])
{
	unsigned char block[SIG_BLOCK_LEN];

	memcpy(block, alg, 2);
	memcpy(block + 2, k->keynum, SIGN_KEYNUM_LEN);
	memcpy(block + 2 + SIGN_KEYNUM_LEN, sig, ED25519_SIG_LEN);
	return b64_encode(block, sizeof(block));
}

char *minisig_encode(const struct sign_key *k, const void *msg, size_t len, const char *untrusted,
		     const char *trusted)
{
	unsigned char hash[64], sig[ED25519_SIG_LEN], global[ED25519_SIG_LEN], *both = NULL;
	size_t trusted_len = strlen(trusted);
	char *block = NULL, *global64 = NULL, *text = NULL;

	if (!comment_ok(untrusted) || !comment_ok(trusted)) {
		error("a signature comment must be one line of at most %d bytes", SIGFILE_COMMENT_MAX);
		goto cleanup;
	}
	if (ossl_digest(EVP_blake2b512(), msg, len, hash) < 0 || ed25519_sign(k->seed, hash, sizeof(hash), sig) < 0)
		goto cleanup;
	both = xmalloc(sizeof(sig) + trusted_len);
	memcpy(both, sig, sizeof(sig));
	memcpy(both + sizeof(sig), trusted, trusted_len);
	if (ed25519_sign(k->seed, both, sizeof(sig) + trusted_len, global) < 0)
		goto cleanup;
	block = sig_block("ED", k, sig);
	global64 = b64_encode(global, sizeof(global));
	text = xasprintf(UNTRUSTED "%s\n%s\n" TRUSTED "%s\n%s\n", untrusted, block, trusted, global64);
cleanup:
	free(both);
	free(block);
	free(global64);
	return text;
}

/*
 * decodes a signature block line whose algorithm is alg, or legacy when
 * that is not NULL; 0 with the algorithm found in *found (alg or legacy),
 * or -1 with the reason in why
 */
static int parse_block(const struct line *l, const char *alg, const char *legacy, const struct sign_pubkey *pk,
		       const char **found, unsigned char sig[ED25519_SIG_LEN], char *why, size_t why_len)
{
	unsigned char block[SIG_BLOCK_LEN];
	struct sign_pubkey signer;
	char want[SIGN_KEY_ID_LEN + 1], got[SIGN_KEY_ID_LEN + 1];

	if (b64_decode(l->p, l->len, block, sizeof(block)) < 0) {
		snprintf(why, why_len, "corrupt: its signature line is not the base64 of a signature");
		return -1;
	}
	if (!memcmp(block, alg, 2)) {
		*found = alg;
	} else if (legacy && !memcmp(block, legacy, 2)) {
		*found = legacy;
	} else {
		snprintf(why, why_len, "unexpected signature algorithm '%.2s' (expected '%s'%s%s%s)",
			 (const char *)block, alg, legacy ? " or '" : "", legacy ? legacy : "", legacy ? "'" : "");
		return -1;
	}
	memcpy(signer.keynum, block + 2, SIGN_KEYNUM_LEN);
	if (memcmp(signer.keynum, pk->keynum, SIGN_KEYNUM_LEN) != 0) {
		sign_key_id(&signer, got);
		sign_key_id(pk, want);
		snprintf(why, why_len, "signed by key %s, not by the given key %s", got, want);
		return -1;
	}
	memcpy(sig, block + 2 + SIGN_KEYNUM_LEN, ED25519_SIG_LEN);
	return 0;
}

int minisig_check(const struct sign_pubkey *pk, const char *text, size_t text_len, const void *msg,
		  size_t msg_len, const char *msg_name, char **trusted, char *why, size_t why_len)
{
	unsigned char hash[64], sig[ED25519_SIG_LEN], global[ED25519_SIG_LEN], *both = NULL;
	const char *alg = NULL;
	struct line l[4];
	size_t comment_len;
	long end;
	int ret = 0, rc;

	*trusted = NULL;
	end = take_lines(text, text_len, l, 4, 1);
	if (end < 0 || (size_t)end != text_len || !has_prefix(&l[0], UNTRUSTED) || !has_prefix(&l[2], TRUSTED)) {
		snprintf(why, why_len, "not a minisign signature (4 lines: untrusted comment, signature, "
				       "trusted comment, comment signature)");
		goto cleanup;
	}
	if (parse_block(&l[1], "ED", "Ed", pk, &alg, sig, why, why_len) < 0)
		goto cleanup;
	if (b64_decode(l[3].p, l[3].len, global, sizeof(global)) < 0) {
		snprintf(why, why_len, "corrupt: its last line is not the base64 of a signature");
		goto cleanup;
	}
	if (!strcmp(alg, "Ed")) {
		/* legacy: the message itself is signed, not its hash */
		rc = ed25519_verify(pk->pk, msg, msg_len, sig);
	} else if (ossl_digest(EVP_blake2b512(), msg, msg_len, hash) < 0) {
		ret = -1;
		goto cleanup;
	} else {
		rc = ed25519_verify(pk->pk, hash, sizeof(hash), sig);
	}
	if (rc <= 0) {
		ret = rc;
		snprintf(why, why_len, "the signature does not match %s", msg_name);
		goto cleanup;
	}
	comment_len = l[2].len - strlen(TRUSTED);
	both = xmalloc(sizeof(sig) + comment_len);
	memcpy(both, sig, sizeof(sig));
	memcpy(both + sizeof(sig), l[2].p + strlen(TRUSTED), comment_len);
	rc = ed25519_verify(pk->pk, both, sizeof(sig) + comment_len, global);
	if (rc <= 0) {
		ret = rc;
		snprintf(why, why_len, "the trusted comment does not match its signature");
		goto cleanup;
	}
	*trusted = xmalloc(comment_len + 1);
	memcpy(*trusted, l[2].p + strlen(TRUSTED), comment_len);
	(*trusted)[comment_len] = '\0';
	ret = 1;
cleanup:
	free(both);
	return ret;
}

char *signify_encode(const struct sign_key *k, const void *msg, size_t len, const char *untrusted,
		     size_t *out_len)
{
	unsigned char sig[ED25519_SIG_LEN];
	char *block = NULL, *head = NULL, *text = NULL;
	size_t head_len;

	if (!comment_ok(untrusted) || !*untrusted) {
		error("a signature comment must be one line of 1 to %d bytes", SIGFILE_COMMENT_MAX);
		goto cleanup;
	}
	if (ed25519_sign(k->seed, msg, len, sig) < 0)
		goto cleanup;
	block = sig_block("Ed", k, sig);
	head = xasprintf(UNTRUSTED "%s\n%s\n", untrusted, block);
	head_len = strlen(head);
	text = xmalloc(head_len + len + 1);
	memcpy(text, head, head_len);
	memcpy(text + head_len, msg, len);
	text[head_len + len] = '\0';
	*out_len = head_len + len;
cleanup:
	free(block);
	free(head);
	return text;
}

int signify_check(const struct sign_pubkey *pk, const char *text, size_t text_len, size_t *msg_off, char *why,
		  size_t why_len)
{
	unsigned char sig[ED25519_SIG_LEN];
	const char *alg;
	struct line l[2];
	long end;
	int rc;

	end = take_lines(text, text_len, l, 2, 0);
	if (end < 0 || !has_prefix(&l[0], UNTRUSTED) || l[0].len == strlen(UNTRUSTED)) {
		snprintf(why, why_len, "not a signify signature (an untrusted comment, a signature, the message)");
		return 0;
	}
	if (parse_block(&l[1], "Ed", NULL, pk, &alg, sig, why, why_len) < 0)
		return 0;
	rc = ed25519_verify(pk->pk, text + end, text_len - (size_t)end, sig);
	if (rc == 0)
		snprintf(why, why_len, "the signature does not match its embedded list");
	*msg_off = (size_t)end;
	return rc;
}
