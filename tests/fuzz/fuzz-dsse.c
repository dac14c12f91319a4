/*
 * The DSSE envelope of provenance (provenance_envelope): the input is the
 * statement's bytes, whatever they hold. The envelope must be one JSON
 * line whose payload decodes back to exactly the input and whose
 * signature verifies, with the release key, over the PAE that dsse_pae
 * makes, and that PAE must split back into the type and the body.
 */
#include "fuzz.h"

#include "lib/json.h"
#include "release/provenance.h"
#include "sign/dsse.h"
#include "sign/key.h"
#include "sign/ossl.h"

static struct sign_key *fuzz_key(void)
{
	static struct sign_key *k;

	if (!k)
		k = key_new();
	fuzz_expect(k);
	return k;
}

/* pae_number reads the decimal length at pae[*off] and the one space after it */
static size_t pae_number(const unsigned char *pae, size_t pae_len, size_t *off)
{
	size_t v = 0, start = *off;

	while (*off < pae_len && pae[*off] >= '0' && pae[*off] <= '9')
		v = v * 10 + (size_t)(pae[(*off)++] - '0');
	fuzz_expect(*off > start && *off < pae_len && pae[*off] == ' ');
	(*off)++;
	return v;
}

/* pae_check splits pae back into its type and body and compares */
static void pae_check(const unsigned char *pae, size_t pae_len, const char *type,
		      const uint8_t *body, size_t len)
{
	size_t tlen, blen, off = 7;

	fuzz_expect(pae_len > 7 && memcmp(pae, "DSSEv1 ", 7) == 0);
	tlen = pae_number(pae, pae_len, &off);
	fuzz_expect(tlen == strlen(type) && off + tlen < pae_len);
	fuzz_expect(memcmp(pae + off, type, tlen) == 0 && pae[off + tlen] == ' ');
	off += tlen + 1;
	blen = pae_number(pae, pae_len, &off);
	fuzz_expect(blen == len && off + blen == pae_len);
	fuzz_expect(len == 0 || memcmp(pae + off, body, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sign_key *k = fuzz_key();
	struct sign_pubkey pk;
	unsigned char sig[ED25519_SIG_LEN], *payload, *pae;
	const char *p64, *s64;
	char *line, why[128];
	size_t pae_len;
	json_t *doc, *one;

	line = provenance_envelope((const char *)data, size, k);
	fuzz_expect(line);
	fuzz_expect(strchr(line, '\n') == line + strlen(line) - 1);
	doc = json_parse(line, strlen(line), why, sizeof(why));
	fuzz_expect(doc);
	fuzz_expect(strcmp(json_string_value(json_object_get(doc, "payloadType")), INTOTO_PAYLOAD_TYPE) == 0);
	p64 = json_string_value(json_object_get(doc, "payload"));
	one = json_array_get(json_object_get(doc, "signatures"), 0);
	s64 = json_string_value(json_object_get(one, "sig"));
	fuzz_expect(p64 && s64);

	payload = malloc(size + 1);
	fuzz_expect(payload);
	if (size == 0) /* b64_decode wants at least one byte */
		fuzz_expect(*p64 == '\0');
	else
		fuzz_expect(b64_decode(p64, strlen(p64), payload, size) == 0 &&
			    memcmp(payload, data, size) == 0);
	fuzz_expect(b64_decode(s64, strlen(s64), sig, sizeof(sig)) == 0);

	pae = dsse_pae(INTOTO_PAYLOAD_TYPE, data, size, &pae_len);
	pae_check(pae, pae_len, INTOTO_PAYLOAD_TYPE, data, size);
	sign_key_public(k, &pk);
	fuzz_expect(ed25519_verify(pk.pk, pae, pae_len, sig) == 1);

	free(pae);
	free(payload);
	json_decref(doc);
	free(line);
	return 0;
}
