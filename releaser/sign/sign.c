/* Signing and checking SHA256SUMS with both signature formats, in memory (see sign.h). */
#include "sign/sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "sign/key.h"
#include "sign/sigfile.h"
#include "lib/sums.h"

void sign_check_release(struct sign_check *c)
{
	free(c->trusted_comment);
	c->trusted_comment = NULL;
}

/* the .sig's embedded list must be SHA256SUMS's, in BSD style */
static void check_embedded(const char *sums, size_t sums_len, const char *list, size_t list_len, struct sign_check *c)
{
	struct sums s;
	char why[200], *bsd;
	size_t bsd_len;

	if (sums_parse(sums, sums_len, &s, why, sizeof(why)) < 0) {
		snprintf(c->sig_why, sizeof(c->sig_why), "cannot compare with " SUMS_FILE ": %s", why);
		return;
	}
	bsd = sums_bsd(&s, &bsd_len);
	if (bsd_len == list_len && !memcmp(bsd, list, list_len))
		c->sig_ok = 1;
	else
		snprintf(c->sig_why, sizeof(c->sig_why), "its embedded list differs from " SUMS_FILE);
	free(bsd);
	sums_release(&s);
}

int sign_check_sums(const struct sign_pubkey *pk, const char *sums, size_t sums_len, const char *minisig,
		    size_t minisig_len, const char *sig, size_t sig_len, struct sign_check *c)
{
	size_t off = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!minisig) {
		snprintf(c->minisig_why, sizeof(c->minisig_why), "missing");
	} else {
		rc = minisig_check(pk, minisig, minisig_len, sums, sums_len, SUMS_FILE, &c->trusted_comment,
				   c->minisig_why, sizeof(c->minisig_why));
		if (rc < 0)
			return -1;
		c->minisig_ok = rc;
	}
	if (!sig) {
		snprintf(c->sig_why, sizeof(c->sig_why), "missing");
	} else {
		rc = signify_check(pk, sig, sig_len, &off, c->sig_why, sizeof(c->sig_why));
		if (rc < 0) {
			sign_check_release(c);
			return -1;
		}
		if (rc)
			check_embedded(sums, sums_len, sig + off, sig_len - off, c);
	}
	return c->minisig_ok && c->sig_ok ? 0 : 1;
}

void sign_output_release(struct sign_output *out)
{
	free(out->minisig);
	free(out->sig);
	memset(out, 0, sizeof(*out));
}

/* both signatures of out verify with k's public key; -1 after a message */
static int check_made(const struct sign_key *k, const char *gnu, size_t gnu_len, const struct sign_output *out)
{
	struct sign_pubkey pk;
	struct sign_check c;
	int rc;

	sign_key_public(k, &pk);
	rc = sign_check_sums(&pk, gnu, gnu_len, out->minisig, out->minisig_len, out->sig, out->sig_len, &c);
	if (rc > 0)
		error("the new signatures of " SUMS_FILE " do not verify (%s): check the checksum lists given",
		      c.minisig_ok ? c.sig_why : c.minisig_why);
	sign_check_release(&c);
	return rc == 0 ? 0 : -1;
}

int sign_sums_text(const struct sign_key *k, const char *gnu, size_t gnu_len, const char *bsd, size_t bsd_len,
		   const char *trusted_comment, struct sign_output *out)
{
	struct sign_pubkey pk;
	char id[SIGN_KEY_ID_LEN + 1], *untrusted;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	sign_key_public(k, &pk);
	sign_key_id(&pk, id);
	untrusted = xasprintf("signature from releaser secret key %s", id);
	if (!trusted_comment) {
		error("no trusted comment for the signature of " SUMS_FILE);
		goto cleanup;
	}
	out->minisig = minisig_encode(k, gnu, gnu_len, untrusted, trusted_comment);
	if (!out->minisig)
		goto cleanup;
	out->minisig_len = strlen(out->minisig);
	out->sig = signify_encode(k, bsd, bsd_len, untrusted, &out->sig_len);
	if (!out->sig || check_made(k, gnu, gnu_len, out) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	if (ret < 0)
		sign_output_release(out);
	free(untrusted);
	return ret;
}
