/* DSSE signatures (see dsse.h). */
#include "sign/dsse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "sign/ossl.h"

unsigned char *dsse_pae(const char *type, const void *body, size_t len, size_t *pae_len)
{
	char *head = xasprintf("DSSEv1 %zu %s %zu ", strlen(type), type, len);
	size_t head_len = strlen(head);
	unsigned char *pae = xmalloc(head_len + len + 1);

	memcpy(pae, head, head_len);
	if (len)
		memcpy(pae + head_len, body, len);
	*pae_len = head_len + len;
	free(head);
	return pae;
}

int sign_dsse(const struct sign_key *k, const char *type, const void *body, size_t len,
	      unsigned char sig[ED25519_SIG_LEN])
{
	size_t pae_len;
	unsigned char *pae = dsse_pae(type, body, len, &pae_len);
	int ret = ed25519_sign(k->seed, pae, pae_len, sig);

	free(pae);
	return ret;
}

char *dsse_base64(const void *buf, size_t len)
{
	return b64_encode(buf, len);
}
