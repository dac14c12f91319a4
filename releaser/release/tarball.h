/*
 * Reproducible tarballs with libarchive, written in one pass.
 *
 * Every entry gets uid/gid 0 named root, a fixed mode and one mtime; the
 * format is restricted pax (plain ustar headers, no atime, ctime or xattrs)
 * and the gzip header carries no timestamp. Entries are sorted by name and
 * every parent directory gets its own entry. Each input file is read once,
 * and the compressed bytes are hashed with SHA-256 as they are written, so
 * the tarball itself is never read back.
 */
#ifndef RELEASER_TARBALL_H
#define RELEASER_TARBALL_H

#include <stddef.h>
#include <stdint.h>

#include "sign/hash.h"

enum tar_kind {
	TAR_FILE,
	TAR_SYMLINK,
	TAR_DIR,
};

struct tar_entry {
	char *name;          /* inside the top directory, e.g. "bin/profiling-agent" */
	enum tar_kind kind;
	int mode;            /* permission bits */
	char *src;           /* TAR_FILE: the file to read, or NULL for data */
	char *data;          /* TAR_FILE without src: the content */
	size_t len;
	char *link;          /* TAR_SYMLINK: the target */
};

struct tar_list {
	struct tar_entry *items;
	size_t n;
};

/* tar_add_file adds a file read from src (copied) with mode. */
void tar_add_file(struct tar_list *l, const char *name, const char *src, int mode);

/* tar_add_data adds a file holding a copy of data[len] with mode. */
void tar_add_data(struct tar_list *l, const char *name, const char *data, size_t len, int mode);

/* tar_add_symlink adds a symbolic link name -> target. */
void tar_add_symlink(struct tar_list *l, const char *name, const char *target);

/* tar_list_clear frees every entry. */
void tar_list_clear(struct tar_list *l);

struct tar_result {
	char sha256[SHA256_HEX_LEN + 1];
	uint64_t size;
};

/*
 * tarball_write writes the .tar.gz of l under the top directory top into
 * path through an atomic file (messages name display instead of the
 * path), with every mtime set to mtime, and fills out with the digest and
 * size of what it wrote. l is sorted and completed with its directories.
 * Returns 0, or -1 after one message (path is then left absent).
 */
int tarball_write(const char *path, const char *display, const char *top, struct tar_list *l,
		  long long mtime, struct tar_result *out);

/*
 * tarball_first_difference reads two tarballs side by side and returns the
 * name of the first entry whose header or content differs, or of the first
 * entry one has and the other lacks (caller frees); NULL when no entry
 * differs, or after a message when one cannot be read. For saying why two
 * builds differ; it reads both tarballs again.
 */
char *tarball_first_difference(const char *a, const char *b);

#endif /* RELEASER_TARBALL_H */
