/*
 * Signing tags with the release key: an SSH signature (the "sshsig" format,
 * namespace "git", SHA-512) made with the key's Ed25519 secret, which
 * `git verify-tag` checks with gpg.format=ssh and an allowed-signers file
 * holding the key as "ssh-ed25519 <base64>".
 */
#ifndef RELEASER_TAGSIGN_H
#define RELEASER_TAGSIGN_H

#include <stddef.h>

/*
 * tag_sign loads the secret key at key_path (see sign.h's sign_key_load)
 * and signs payload[0..len), the tag object without its signature. Returns
 * 0 with *armored set to the "-----BEGIN SSH SIGNATURE-----" block to
 * append to the tag (caller frees), or -1 after a message.
 */
int tag_sign(const char *key_path, const void *payload, size_t len, char **armored);

#endif /* RELEASER_TAGSIGN_H */
