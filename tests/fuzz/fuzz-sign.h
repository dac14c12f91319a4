/*
 * The fixed release the signature harnesses check against: a SHA256SUMS
 * text and the public key that signed the seed signatures in
 * tests/fuzz/corpus/minisig and tests/fuzz/corpus/signify (its secret
 * half was thrown away).
 */
#ifndef FUZZ_SIGN_H
#define FUZZ_SIGN_H

#include "fuzz.h"

#include "sign/key.h"
#include "sign/sign.h"

#define FUZZ_SUMS                                                                                   \
	"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb  "                        \
	"profiling-agent-v1.0.0-amd64.tar.gz\n"                                                     \
	"3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  "                        \
	"profiling-agent-v1.0.0-arm64.tar.gz\n"

#define FUZZ_PUBKEY                                                                                 \
	"untrusted comment: minisign public key F34347D7838189F9\n"                                 \
	"RWT5iYGD10dD82qIP0seSnAF+AZEH46BQR3gOdZUMsHTvG7qId4kMhDg\n"

/* fuzz_pubkey returns the fixed public key, decoded once */
static inline const struct sign_pubkey *fuzz_pubkey(void)
{
	static struct sign_pubkey pk;
	static int loaded;

	if (!loaded) {
		fuzz_expect(pubkey_decode(FUZZ_PUBKEY, strlen(FUZZ_PUBKEY), &pk, "the fixed public key") == 0);
		loaded = 1;
	}
	return &pk;
}

#endif /* FUZZ_SIGN_H */
