/*
 * A test driver for the signing contract (releaser/sign/sign.h): loads a
 * secret key, reads DIR/SHA256SUMS, makes its BSD-style twin, signs both
 * in memory with sign_sums_text() and writes DIR/SHA256SUMS.minisig and
 * DIR/SHA256SUMS.sig, both or neither, each through a temporary file.
 *
 *   sign-sums [--key FILE] [--comment TEXT] [--write-pubkey FILE] DIR
 *
 * Without --key the key comes from $RELEASER_SIGNING_KEY. Without
 * --comment the trusted comment is minisign's default,
 * "timestamp:T<TAB>file:SHA256SUMS<TAB>hashed", T from $SOURCE_DATE_EPOCH
 * or the clock. Exit codes: 0 signed, 1 signing or writing failed, 2 bad
 * usage or the key did not load.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/common.h"
#include "lib/sums.h"
#include "sign/sign.h"

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

/* signs DIR/SHA256SUMS and its BSD twin in memory; -1 after a message */
static int sign_dir(const struct sign_key *k, const char *dir, const char *comment, struct sign_output *out)
{
	char *path = xasprintf("%s/" SUMS_FILE, dir), *gnu = NULL, *bsd = NULL, why[200];
	struct sums s = { NULL, 0 };
	size_t gnu_len, bsd_len;
	int ret = -1;

	gnu = read_file(path, SUMS_MAX_SIZE, &gnu_len);
	if (!gnu)
		goto cleanup;
	if (sums_parse(gnu, gnu_len, &s, why, sizeof(why)) < 0) {
		error("'%s' is not a sha256sum list: %s", path, why);
		goto cleanup;
	}
	bsd = sums_bsd(&s, &bsd_len);
	ret = sign_sums_text(k, gnu, gnu_len, bsd, bsd_len, comment, out);
cleanup:
	sums_release(&s);
	free(path);
	free(gnu);
	free(bsd);
	return ret;
}

/* writes both signature files, never one new file without the other */
static int write_both(const char *dir, const struct sign_output *out)
{
	struct atomic_file m = { .fd = -1 }, s = { .fd = -1 };
	char *minisig_path = xasprintf("%s/" SUMS_MINISIG_FILE, dir), *sig_path = xasprintf("%s/" SUMS_SIG_FILE, dir);
	int ret = -1;

	if (atomic_file_open(&m, minisig_path, 0644) < 0 || atomic_file_write(&m, out->minisig, out->minisig_len) < 0 ||
	    atomic_file_open(&s, sig_path, 0644) < 0 || atomic_file_write(&s, out->sig, out->sig_len) < 0)
		goto cleanup;
	if (atomic_file_commit(&m) < 0)
		goto cleanup;
	if (atomic_file_commit(&s) < 0) {
		unlink(minisig_path);
		goto cleanup;
	}
	ret = 0;
cleanup:
	atomic_file_abort(&m);
	atomic_file_abort(&s);
	free(minisig_path);
	free(sig_path);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "comment", required_argument, NULL, 'c' },
		{ "write-pubkey", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *comment = NULL, *pubkey = NULL;
	struct sign_output out = { 0 };
	struct sign_key *k;
	char *made = NULL;
	int c, ret = EXIT_FAIL;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = optarg;
			break;
		case 'c':
			comment = optarg;
			break;
		case 'p':
			pubkey = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: sign-sums [--key FILE] [--comment TEXT] [--write-pubkey FILE] DIR\n");
		return EXIT_USAGE;
	}
	k = sign_key_load(key);
	if (!k)
		return EXIT_USAGE;
	if (pubkey && sign_key_write_pubkey(k, pubkey) < 0)
		goto cleanup;
	if (!comment) {
		made = default_comment();
		if (!made)
			goto cleanup;
		comment = made;
	}
	if (sign_dir(k, argv[optind], comment, &out) < 0 || write_both(argv[optind], &out) < 0)
		goto cleanup;
	ret = EXIT_OK;
cleanup:
	sign_output_release(&out);
	free(made);
	sign_key_free(k);
	return ret;
}
