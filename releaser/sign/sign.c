/* Signing and checking SHA256SUMS with both signature formats (see sign.h). */
#include "sign/sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* minisign's default comment, with a reproducible time when asked for */
static char *default_comment(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	unsigned long long t;
	char *end;

	if (!sde || !*sde)
		return xasprintf("timestamp:%lld\tfile:" SUMS_FILE "\thashed", (long long)time(NULL));
	errno = 0;
	t = strtoull(sde, &end, 10);
	if (errno || *end || sde[0] < '0' || sde[0] > '9') {
		error("SOURCE_DATE_EPOCH='%s' is not a number of seconds: fix or unset it", sde);
		return NULL;
	}
	return xasprintf("timestamp:%llu\tfile:" SUMS_FILE "\thashed", t);
}

/* reads back what f holds so far, through its temporary name */
static char *read_back(const struct atomic_file *f, size_t *len)
{
	return read_file(f->tmp, SUMS_MAX_SIZE * 4, len);
}

/* builds both signature texts; -1 after a message */
static int make_signatures(const struct sign_key *k, const char *sums_path, const char *sums, size_t sums_len,
			   const char *comment, char **minisig, char **sig, size_t *sig_len)
{
	struct sign_pubkey pk;
	struct sums s;
	char why[200], id[SIGN_KEY_ID_LEN + 1], *bsd, *untrusted;
	size_t bsd_len;

	if (sums_parse(sums, sums_len, &s, why, sizeof(why)) < 0)
		return error("'%s' is not a sha256sum list: %s", sums_path, why);
	bsd = sums_bsd(&s, &bsd_len);
	sums_release(&s);
	sign_key_public(k, &pk);
	sign_key_id(&pk, id);
	untrusted = xasprintf("signature from releaser secret key %s", id);
	*minisig = minisig_encode(k, sums, sums_len, untrusted, comment);
	*sig = *minisig ? signify_encode(k, bsd, bsd_len, untrusted, sig_len) : NULL;
	free(untrusted);
	free(bsd);
	return *sig ? 0 : -1;
}

/* both temporary files verify with k's public key; -1 after a message */
static int check_written(const struct sign_key *k, const char *dir, const char *sums, size_t sums_len,
			 const struct atomic_file *m, const struct atomic_file *s)
{
	char *minisig = NULL, *sig = NULL;
	size_t minisig_len, sig_len;
	struct sign_pubkey pk;
	struct sign_check c;
	int ret = -1, rc;

	minisig = read_back(m, &minisig_len);
	sig = minisig ? read_back(s, &sig_len) : NULL;
	if (!sig)
		goto cleanup;
	sign_key_public(k, &pk);
	rc = sign_check_sums(&pk, sums, sums_len, minisig, minisig_len, sig, sig_len, &c);
	if (rc > 0)
		error("the signatures written in '%s' do not verify: %s", dir,
		      c.minisig_ok ? c.sig_why : c.minisig_why);
	if (rc == 0)
		ret = 0;
	sign_check_release(&c);
cleanup:
	free(minisig);
	free(sig);
	return ret;
}

int sign_sums(const struct sign_key *k, const char *dir, const char *trusted_comment)
{
	struct atomic_file m = { .fd = -1 }, s = { .fd = -1 };
	char *sums_path = xasprintf("%s/" SUMS_FILE, dir), *minisig_path = xasprintf("%s/" SUMS_MINISIG_FILE, dir);
	char *sig_path = xasprintf("%s/" SUMS_SIG_FILE, dir);
	char *sums = NULL, *comment = NULL, *minisig = NULL, *sig = NULL;
	size_t sums_len, sig_len;
	int ret = -1;

	sums = read_file(sums_path, SUMS_MAX_SIZE, &sums_len);
	if (!sums)
		goto cleanup;
	comment = trusted_comment ? xstrdup(trusted_comment) : default_comment();
	if (!comment || make_signatures(k, sums_path, sums, sums_len, comment, &minisig, &sig, &sig_len) < 0)
		goto cleanup;
	if (atomic_file_open(&m, minisig_path, 0644) < 0 || atomic_file_write(&m, minisig, strlen(minisig)) < 0 ||
	    atomic_file_open(&s, sig_path, 0644) < 0 || atomic_file_write(&s, sig, sig_len) < 0 ||
	    check_written(k, dir, sums, sums_len, &m, &s) < 0)
		goto cleanup;
	if (atomic_file_commit(&m) < 0)
		goto cleanup;
	if (atomic_file_commit(&s) < 0) {
		unlink(minisig_path); /* never one new signature without the other */
		goto cleanup;
	}
	ret = 0;
cleanup:
	atomic_file_abort(&m);
	atomic_file_abort(&s);
	free(sums_path);
	free(minisig_path);
	free(sig_path);
	free(sums);
	free(comment);
	free(minisig);
	free(sig);
	return ret;
}
