/*
 * Reproducible tarballs and Debian packages with libarchive, written in
 * one pass; the only code that includes libarchive.
 *
 * Every entry gets uid/gid 0 named root, a fixed mode and one mtime; the
 * format is restricted pax (plain ustar headers, no atime, ctime or xattrs)
 * and the gzip header carries no timestamp. Entries are sorted by name and
 * every parent directory gets its own entry. Each input file is read once,
 * and the compressed bytes are hashed with SHA-256 as they are written, so
 * the tarball itself is never read back.
 *
 * A Debian package is an ar archive (BSD/common format, as dpkg-deb writes
 * it: member names without a trailing '/', mode 100644, owner 0/0, the
 * same mtime) of debian-binary ("2.0\n"), control.tar.gz and
 * data.tar.gz, in that order. Both members are tars made the same way as
 * the tarballs, under "./", compressed with gzip like them (as `dpkg-deb
 * -Zgzip -z6` does; the bytes depend on the input only; see RELEASING.md,
 * Compression, for why gzip). An ar member's size comes before its bytes,
 * so each member is first streamed into an unnamed temporary file beside
 * the package, then copied into it: memory stays bounded by a few buffers
 * whatever the payload. The package's own code (release/deb.h) decides
 * what goes into them.
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
	uint64_t size;       /* TAR_FILE: set when written: the size */
	char md5[MD5_HEX_LEN + 1]; /* TAR_FILE: set by deb_member_write: the content's MD5 */
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

/* bytes in memory (caller frees with blob_release) */
struct blob {
	char *data;
	size_t len;
};

/* blob_release frees b's bytes; safe on a zeroed struct. */
void blob_release(struct blob *b);

/* a member of a Debian package, compressed, in an unnamed temporary file */
struct deb_member {
	char name[32];       /* "control.tar.gz", "data.tar.gz" */
	int fd;
	uint64_t size;       /* its compressed size */
};

/*
 * deb_member_write writes the tar of l, compressed, into m (zeroed first):
 * the member "<base>.tar.gz" (base "control" or "data") held in an
 * unnamed temporary file in the directory of path (the package's, so that
 * no byte lands outside the output directory and nothing is left behind),
 * every name under "./" (the first entry "./" itself), every mtime set to
 * mtime. l is sorted and completed with its directories; each file entry
 * gets its size and MD5 (read once). Messages name display. Returns 0, or
 * -1 after one message (m then holds nothing). Free m with
 * deb_member_release.
 */
int deb_member_write(struct deb_member *m, const char *base, const char *path, const char *display,
		     struct tar_list *l, long long mtime);

/* deb_member_release closes m's temporary file (which removes it); safe on a zeroed struct and twice. */
void deb_member_release(struct deb_member *m);

/*
 * gzip_memory writes data[len] gzip-compressed at level 9 into out (zeroed
 * first), with no name and no timestamp in the header (gzip -9n).
 * Returns 0, or -1 after one message naming display (out empty).
 */
int gzip_memory(const char *display, const char *data, size_t len, struct blob *out);

/*
 * deb_write writes the Debian package of the members control and data
 * (deb_member_write's) into path through an atomic file, streaming each
 * member from its temporary file and hashing on the way, every mtime set
 * to mtime, and fills out with its digest and size. Returns 0, or -1 after
 * one message naming display (path is then left absent).
 */
int deb_write(const char *path, const char *display, const struct deb_member *control,
	      const struct deb_member *data, long long mtime, struct tar_result *out);

/*
 * tarball_first_difference reads two tarballs side by side and returns the
 * name of the first entry whose header or content differs, or of the first
 * entry one has and the other lacks (caller frees); NULL when no entry
 * differs, or after a message when one cannot be read. For saying why two
 * builds differ; it reads both tarballs again.
 */
char *tarball_first_difference(const char *a, const char *b);

#endif /* RELEASER_TARBALL_H */
