/*
 * A test driver for the signing contract (releaser/sign/sign.h): loads a secret
 * key and signs DIR/SHA256SUMS with sign_sums(), as the packaging commands
 * do.
 *
 *   sign-sums [--key FILE] [--comment TEXT] [--write-pubkey FILE] DIR
 *
 * Without --key the key comes from $RELEASER_SIGNING_KEY. Exit codes: 0
 * signed, 1 signing or writing failed, 2 bad usage or the key did not load.
 */
#include <getopt.h>
#include <stdio.h>

#include "lib/common.h"
#include "sign/sign.h"

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "comment", required_argument, NULL, 'c' },
		{ "write-pubkey", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *comment = NULL, *pubkey = NULL;
	struct sign_key *k;
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
	if (sign_sums(k, argv[optind], comment) < 0)
		goto cleanup;
	ret = EXIT_OK;
cleanup:
	sign_key_free(k);
	return ret;
}
