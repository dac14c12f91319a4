/*
 * SSH signatures: signing tags with the release key. A tag signature is an
 * SSH signature (OpenSSH's "sshsig" format, as ssh-keygen -Y sign makes it:
 * namespace "git", SHA-512) made with the key's Ed25519 secret, which
 * `git verify-tag` checks with gpg.format=ssh and an allowed-signers file
 * holding the key as "ssh-ed25519 <base64>", as OpenSSH writes it.
 */
#ifndef RELEASER_TAGSIGN_H
#define RELEASER_TAGSIGN_H

#include <stddef.h>

struct sign_key;

/*
 * tag_sign signs payload[0..len), the tag object without its signature,
 * with k (from sign.h's sign_key_load). Returns 0 with *armored set to the
 * "-----BEGIN SSH SIGNATURE-----" block to append to the tag (caller
 * frees), or -1 after a message.
 */
int tag_sign(const struct sign_key *k, const void *payload, size_t len, char **armored);

/*
 * tag_allowed_signer returns the allowed-signers line for the public key
 * file at pubkey_path ("PRINCIPAL namespaces="git" ssh-ed25519 <base64>\n",
 * caller frees), for git's gpg.ssh.allowedSignersFile, or NULL after a
 * message.
 */
char *tag_allowed_signer(const char *pubkey_path, const char *principal);

#endif /* RELEASER_TAGSIGN_H */
