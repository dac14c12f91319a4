/* Sigstore bundles of DSSE envelopes (see sigstore.h). */
#include "sign/sigstore.h"

#include <stdlib.h>

#include "lib/json.h"
#include "sign/dsse.h"

/* the envelope: type, payload and the one signature (key id, then signature) */
static json_t *envelope(const char *type, const void *body, size_t len, const unsigned char *sig, const char *id)
{
	json_t *env = json_object(), *sigs = json_array(), *one = json_object();
	char *payload = dsse_base64(body, len), *sig64 = dsse_base64(sig, ED25519_SIG_LEN);

	jset(env, "payloadType", jstr(type));
	jset(env, "payload", jstr(payload));
	jset(one, "keyid", jstr(id));
	jset(one, "sig", jstr(sig64));
	jpush(sigs, one);
	jset(env, "signatures", sigs);
	free(sig64);
	free(payload);
	return env;
}

json_t *sigstore_bundle(const struct sign_key *k, const char *type, const void *body, size_t len)
{
	unsigned char sig[ED25519_SIG_LEN];
	char id[SIGN_KEY_ID_LEN + 1];
	struct sign_pubkey pk;
	json_t *bundle, *material, *hint;

	if (sign_dsse(k, type, body, len, sig) < 0)
		return NULL;
	sign_key_public(k, &pk);
	sign_key_id(&pk, id);
	bundle = json_object();
	material = json_object();
	hint = json_object();
	jset(hint, "hint", jstr(id));
	jset(material, "publicKey", hint);
	jset(material, "tlogEntries", json_array());
	jset(bundle, "mediaType", jstr(SIGSTORE_BUNDLE_MEDIA_TYPE));
	jset(bundle, "verificationMaterial", material);
	jset(bundle, "dsseEnvelope", envelope(type, body, len, sig, id));
	return bundle;
}
