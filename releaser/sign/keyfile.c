/*
 * Key files and key variables: loading a secret key (file or
 * $RELEASER_SIGNING_KEY), generating a pair, public key files (see sign.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "lib/common.h"
#include "sign/kdf.h"
#include "sign/key.h"
#include "sign/sign.h"

#define KEY_FILE_MAX 8192

static const char *key_password(void)
{
	return getenv("RELEASER_KEY_PASSWORD");
}

/* reads a secret key file that only its owner may read; NULL after a message */
static char *secret_file_read(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	int fd, ok = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			error("secret key '%s' does not exist: make one with 'releaser keygen' or pass another", path);
		else if (errno == ELOOP)
			error("secret key '%s' is a symbolic link: pass the file itself", path);
		else
			error("cannot read secret key '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		error("cannot read secret key '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		error("secret key '%s' is not a regular file", path);
		goto cleanup;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		error("secret key '%s' is accessible by group or others: run chmod 600 '%s'", path, path);
		goto cleanup;
	}
	if (st.st_size > KEY_FILE_MAX) {
		error("secret key '%s' is too large to be a minisign key", path);
		goto cleanup;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	if (read_all(fd, buf, (size_t)st.st_size) < 0) {
		error("cannot read secret key '%s': %s", path,
		      errno == EIO ? "it shrank while reading" : strerror(errno));
		goto cleanup;
	}
	buf[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	ok = 1;
cleanup:
	close(fd);
	if (!ok && buf) {
		OPENSSL_cleanse(buf, (size_t)st.st_size + 1);
		free(buf);
		buf = NULL;
	}
	return buf;
}

struct sign_key *sign_key_load(const char *path)
{
	struct sign_key *k = NULL;
	const char *env;
	char *text, *what;
	size_t len;

	if (!path) {
		env = getenv("RELEASER_SIGNING_KEY");
		if (!env || !*env) {
			error("no signing key: pass a secret key file or set RELEASER_SIGNING_KEY");
			return NULL;
		}
		return key_decode(env, strlen(env), key_password(), "the secret key in RELEASER_SIGNING_KEY");
	}
	text = secret_file_read(path, &len);
	if (!text)
		return NULL;
	what = xasprintf("secret key '%s'", path);
	k = key_decode(text, len, key_password(), what);
	OPENSSL_cleanse(text, len);
	free(text);
	free(what);
	return k;
}

static void fsync_parent(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/*
 * Like atomic_file_commit, but never replaces an existing file: the final
 * name is claimed with renameat2(RENAME_NOREPLACE), or link() where the
 * file system lacks it.
 */
static int commit_new(struct atomic_file *f)
{
	int ret = -1, rc;

	if (fsync(f->fd) != 0) {
		error("cannot write '%s': %s", f->path, strerror(errno));
		goto cleanup;
	}
	rc = close(f->fd);
	f->fd = -1;
	if (rc != 0) {
		error("cannot write '%s': %s", f->path, strerror(errno));
		goto cleanup;
	}
	rc = renameat2(AT_FDCWD, f->tmp, AT_FDCWD, f->path, RENAME_NOREPLACE);
	if (rc != 0 && (errno == EINVAL || errno == ENOSYS))
		rc = link(f->tmp, f->path); /* the temporary name goes in cleanup */
	else if (rc == 0) {
		free(f->tmp);
		f->tmp = NULL;
	}
	if (rc != 0) {
		if (errno == EEXIST)
			error("'%s' already exists: pass --force to replace the key pair", f->path);
		else
			error("cannot create '%s': %s", f->path, strerror(errno));
		goto cleanup;
	}
	fsync_parent(f->path);
	ret = 0;
cleanup:
	atomic_file_abort(f);
	return ret;
}

static int commit(struct atomic_file *f, int force)
{
	return force ? atomic_file_commit(f) : commit_new(f);
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 || errno != ENOENT;
}

int sign_key_generate(const char *prefix, int force)
{
	struct atomic_file kf = { .fd = -1 }, pf = { .fd = -1 };
	char *key_path = xasprintf("%s.key", prefix), *pub_path = xasprintf("%s.pub", prefix);
	char *key_text = NULL, *pub_text = NULL;
	struct sign_key *k = NULL;
	struct sign_pubkey pk;
	int ret = -1;

	if (!force && (exists(key_path) || exists(pub_path))) {
		error("'%s' already exists: pass --force to replace the key pair, or choose another prefix",
		      exists(key_path) ? key_path : pub_path);
		ret = -2;
		goto cleanup;
	}
	k = key_new();
	if (!k)
		goto cleanup;
	key_text = key_encode(k, key_password(), KDF_OPSLIMIT_DEFAULT, KDF_MEMLIMIT_DEFAULT);
	if (!key_text)
		goto cleanup;
	sign_key_public(k, &pk);
	pub_text = pubkey_encode(&pk);
	if (atomic_file_open(&kf, key_path, 0600) < 0 || atomic_file_write(&kf, key_text, strlen(key_text)) < 0 ||
	    atomic_file_open(&pf, pub_path, 0644) < 0 || atomic_file_write(&pf, pub_text, strlen(pub_text)) < 0)
		goto cleanup;
	if (commit(&kf, force) < 0)
		goto cleanup;
	if (commit(&pf, force) < 0) {
		if (!force)
			unlink(key_path); /* ours: commit_new made it; keep the pair whole */
		goto cleanup;
	}
	ret = 0;
cleanup:
	atomic_file_abort(&kf);
	atomic_file_abort(&pf);
	key_text_free(key_text);
	free(pub_text);
	sign_key_free(k);
	free(key_path);
	free(pub_path);
	return ret;
}

int sign_key_write_pubkey(const struct sign_key *k, const char *path)
{
	struct sign_pubkey pk;
	char *text;
	int ret;

	sign_key_public(k, &pk);
	text = pubkey_encode(&pk);
	ret = write_file_atomic(path, text, strlen(text), 0644);
	free(text);
	return ret;
}

/* $RELEASER_PUBKEY holds a key's text (the file's or its base64 line), not a path */
static int pubkey_env_is_text(const char *env)
{
	if (!strncmp(env, "untrusted comment:", strlen("untrusted comment:")))
		return 1;
	return strlen(env) == 4 * ((KEY_PUBLIC_LEN + 2) / 3) && !strchr(env, '.');
}

int sign_pubkey_load(const char *path, struct sign_pubkey *pk)
{
	const char *env;
	char *text, *what;
	size_t len;
	int ret;

	if (!path) {
		env = getenv("RELEASER_PUBKEY");
		if (!env || !*env)
			return error("no public key: pass a public key file or set RELEASER_PUBKEY");
		if (pubkey_env_is_text(env))
			return pubkey_decode(env, strlen(env), pk, "the public key in RELEASER_PUBKEY");
		path = env;
	}
	text = read_file(path, KEY_FILE_MAX, &len);
	if (!text)
		return -1;
	what = xasprintf("public key '%s'", path);
	ret = pubkey_decode(text, len, pk, what);
	free(what);
	free(text);
	return ret;
}
