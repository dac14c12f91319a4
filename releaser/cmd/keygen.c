/* releaser keygen: a new Ed25519 key pair in minisign's format. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "lib/json.h"
#include "sign/sign.h"

static const char keygen_usage[] =
	"usage: releaser keygen [--out PREFIX] [--force] [--json]\n"
	"\n"
	"Makes an Ed25519 key pair in minisign's format: PREFIX.key, the secret\n"
	"key (mode 0600, encrypted with $RELEASER_KEY_PASSWORD when it is set and\n"
	"not empty), and PREFIX.pub, the public key that minisign, signify and\n"
	"`releaser verify` read. Prints the public key's path and the key id.\n"
	"\n"
	"options:\n"
	"  --out PREFIX  write PREFIX.key and PREFIX.pub (default: releaser)\n"
	"  --force       replace an existing key pair\n"
	"  --json        print one JSON object instead: secret_key, public_key (the\n"
	"                paths written), key_id, encrypted\n"
	"  --help        this text\n"
	"\n"
	"exit codes:\n"
	"  0  the key pair was written\n"
	"  1  writing it failed (nothing is left half-written)\n"
	"  2  bad usage, or PREFIX.key or PREFIX.pub exists without --force\n";

int cmd_keygen(int argc, char **argv, struct context *ctx)
{
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prefix = "releaser", *password = getenv("RELEASER_KEY_PASSWORD");
	char id[SIGN_KEY_ID_LEN + 1], *pub_path = NULL;
	struct sign_pubkey pk;
	int force = 0, json = 0, c, rc, ret = EXIT_FAIL;

	(void)ctx;
	while ((c = getopt_long(argc, argv, "+:", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			prefix = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(keygen_usage, stdout);
			return EXIT_OK;
		default:
			return cmd_bad_option(c, argv);
		}
	}
	if (optind < argc) {
		error("unexpected argument '%s' (see releaser keygen --help)", argv[optind]);
		return EXIT_USAGE;
	}
	if (!*prefix) {
		error("--out needs a non-empty prefix (see releaser keygen --help)");
		return EXIT_USAGE;
	}
	rc = sign_key_generate(prefix, force);
	if (rc < 0)
		return rc == -2 ? EXIT_USAGE : EXIT_FAIL;
	pub_path = xasprintf("%s.pub", prefix);
	if (sign_pubkey_load(pub_path, &pk) < 0)
		goto cleanup;
	sign_key_id(&pk, id);
	if (password && *password)
		note("secret key written to '%s.key', encrypted with RELEASER_KEY_PASSWORD", prefix);
	else
		note("secret key written to '%s.key', not encrypted (set RELEASER_KEY_PASSWORD to encrypt it)", prefix);
	if (json) {
		json_t *doc = json_object();
		char *sec_path = xasprintf("%s.key", prefix);

		jset(doc, "secret_key", jstr(sec_path));
		jset(doc, "public_key", jstr(pub_path));
		jset(doc, "key_id", jstr(id));
		jset(doc, "encrypted", json_boolean(password && *password));
		rc = json_print(doc);
		json_decref(doc);
		free(sec_path);
		if (rc < 0)
			goto cleanup;
	} else {
		printf("public key: %s\nkey id: %s\n", pub_path, id);
	}
	ret = EXIT_OK;
cleanup:
	free(pub_path);
	return ret;
}
