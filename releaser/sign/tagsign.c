/* Tag signatures with the release key (see tagsign.h). */
#include "sign/tagsign.h"

#include <stdlib.h>

#include "lib/common.h"
#include "sign/key.h"
#include "sign/sign.h"
#include "sign/sshsig.h"

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
