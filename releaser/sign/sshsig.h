/*
 * SSH signatures ("sshsig", as ssh-keygen -Y sign makes and -Y verify and
 * git verify-tag check) with an Ed25519 key, and the public key in the
 * form an allowed-signers file holds.
 */
#ifndef RELEASER_SSHSIG_H
#define RELEASER_SSHSIG_H

#include <stddef.h>

#include "sign/ossl.h"

/*
 * sshsig_sign signs msg[0..len) for namespace ns ("git" for tags) with the
 * Ed25519 key of seed (public half pk), hashing it with SHA-512. Returns 0
 * with *armored set to the "-----BEGIN SSH SIGNATURE-----" block (ending
 * in a newline; caller frees), or -1 after a message.
 */
int sshsig_sign(const unsigned char seed[ED25519_SEED_LEN], const unsigned char pk[ED25519_PK_LEN],
		const char *ns, const void *msg, size_t len, char **armored);

/*
 * sshsig_pubkey returns "ssh-ed25519 <base64>" for pk (caller frees), the
 * key as OpenSSH writes it.
 */
char *sshsig_pubkey(const unsigned char pk[ED25519_PK_LEN]);

#endif /* RELEASER_SSHSIG_H */
