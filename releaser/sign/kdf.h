/*
 * minisign's key derivation: scrypt (through OpenSSL) with the N, r, p
 * that libsodium's crypto_pwhash_scryptsalsa208sha256 picks from an
 * opslimit and a memlimit, the two numbers a minisign secret key stores.
 */
#ifndef RELEASER_KDF_H
#define RELEASER_KDF_H

#include <stddef.h>
#include <stdint.h>

/* minisign's defaults (libsodium's "sensitive" limits): about 1 GiB, seconds */
#define KDF_OPSLIMIT_DEFAULT 33554432ULL
#define KDF_MEMLIMIT_DEFAULT 1073741824ULL

/* the most memory a key may ask for; more means a corrupt or hostile key */
#define KDF_MEMORY_MAX (4ULL << 30)

/*
 * the most work a key may ask for, N * r * p: what minisign's defaults
 * pick (N = 2^20, r = 8, p = 1; seconds and 1 GiB). It bounds both time
 * and memory of the mixing; r * p alone, the bytes PBKDF2 makes and hashes
 * (128 r p), is bounded by KDF_RP_MAX (libsodium's presets all pick p = 1).
 */
#define KDF_WORK_MAX (KDF_MEMLIMIT_DEFAULT / 128)
#define KDF_RP_MAX 8192ULL

struct scrypt_params {
	uint64_t n; /* cost, a power of two */
	uint32_t r; /* block size */
	uint32_t p; /* parallelism */
};

/*
 * scrypt_pick_params computes libsodium's scrypt parameters for opslimit
 * and memlimit (r = 8; p = 1 and N from opslimit when opslimit is below
 * memlimit / 32, else N from memlimit and p from opslimit).
 */
void scrypt_pick_params(uint64_t opslimit, uint64_t memlimit, struct scrypt_params *sp);

/*
 * scrypt_memory returns the bytes scrypt needs for sp (OpenSSL's count).
 */
uint64_t scrypt_memory(const struct scrypt_params *sp);

/*
 * scrypt_derive fills out (outlen bytes) with scrypt(password, salt) for
 * the parameters sp. Refuses parameters needing more than KDF_MEMORY_MAX
 * or more work than KDF_WORK_MAX and KDF_RP_MAX.
 * Returns 0 or -1 after a message naming what (e.g. the key file).
 */
int scrypt_derive(const char *password, const unsigned char *salt, size_t salt_len,
		  const struct scrypt_params *sp, unsigned char *out, size_t outlen, const char *what);

/*
 * kdf_derive is scrypt_derive with the parameters picked from opslimit
 * and memlimit. Returns 0 or -1 after a message naming what.
 */
int kdf_derive(const char *password, const unsigned char *salt, size_t salt_len, uint64_t opslimit,
	       uint64_t memlimit, unsigned char *out, size_t outlen, const char *what);

#endif /* RELEASER_KDF_H */
