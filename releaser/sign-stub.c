/*
 * Weak stand-ins for the signing contract (sign.h) until sign.c is part of
 * the build: every call fails with one message. sign.c's definitions
 * replace these at link time.
 */
#include "sign.h"

#include "common.h"

#define NO_SIGNING "this releaser was built without signing support: use --no-sign"

__attribute__((weak)) struct sign_key *sign_key_load(const char *path)
{
	(void)path;
	error(NO_SIGNING);
	return NULL;
}

__attribute__((weak)) int sign_key_generate(const char *prefix, int force)
{
	(void)prefix;
	(void)force;
	return error(NO_SIGNING);
}

__attribute__((weak)) int sign_key_write_pubkey(const struct sign_key *k, const char *path)
{
	(void)k;
	(void)path;
	return error(NO_SIGNING);
}

__attribute__((weak)) void sign_key_free(struct sign_key *k)
{
	(void)k;
}

__attribute__((weak)) int sign_sums(const struct sign_key *k, const char *dir, const char *trusted_comment)
{
	(void)k;
	(void)dir;
	(void)trusted_comment;
	return error(NO_SIGNING);
}
