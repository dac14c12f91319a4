/*
 * git's index file (.git/index), read without libgit2: libgit2 takes
 * 7-14 ms to load the index of a 5,000-file work tree, about what git
 * takes for the whole of `git status` (bench/release, part 3). status.c
 * reads it to tell a clean work tree from its stat data, as git does,
 * and leaves everything else to libgit2.
 *
 * The format (git's Documentation/gitformat-index.txt): a header "DIRC",
 * version 2, 3 or 4 and the entry count (32-bit big-endian each); the
 * entries sorted by path, then stage: ten 32-bit stat fields (ctime s,
 * ns; mtime s, ns; dev; ino; mode; uid; gid; size), the 20-byte object
 * id, 16 bits of flags (assume-valid 0x8000, extended 0x4000, stage
 * 0x3000, name length 0x0fff), in version 3 and later 16 more bits when
 * "extended" is set (skip-worktree 0x4000, intent-to-add 0x2000), then
 * the path: NUL-terminated and padded with NULs to a multiple of 8 bytes
 * (versions 2, 3), or prefix-compressed (version 4: a varint of how many
 * bytes of the previous path to drop, then the rest, NUL-terminated).
 * Extensions follow ("TREE" is the cache tree; a signature starting with
 * an upper-case letter is optional), then the file's 20-byte checksum,
 * which is not verified here.
 */
#ifndef RELEASER_INDEX_H
#define RELEASER_INDEX_H

#include <stddef.h>
#include <stdint.h>

#define INDEX_ID_LEN 20 /* SHA-1 */

enum {
	INDEX_ASSUME_VALID = 1 << 0,  /* git update-index --assume-unchanged */
	INDEX_SKIP_WORKTREE = 1 << 1, /* sparse checkout: the work tree is not looked at */
	INDEX_INTENT_TO_ADD = 1 << 2, /* git add -N */
};

struct index_entry {
	const char *path; /* NUL-terminated, owned by the struct index_file */
	uint32_t ctime_s, ctime_ns, mtime_s, mtime_ns, dev, ino, mode, uid, gid, size;
	unsigned char id[INDEX_ID_LEN];
	unsigned stage; /* 0, or 1-3 in a conflict */
	unsigned flags; /* INDEX_* */
};

struct index_file {
	struct index_entry *entries; /* sorted by path, then stage */
	size_t n;
	int tree_valid;                       /* the cache tree's root is valid: */
	long tree_entries;                    /* how many entries it covers */
	unsigned char tree_id[INDEX_ID_LEN]; /* and the tree they make */
	int foreign;                          /* a required extension not read here (split or sparse index) */
	char *paths;                          /* the paths' text */
};

/*
 * index_parse reads data[len], a whole index file, into *out (released
 * with index_file_release, also after a failure). Each path must be one
 * git accepts in an index: relative, no empty, ".", ".." or ".git"
 * component. Returns 0, or -1 with the reason in why (no message) when
 * the file is not what git writes.
 */
int index_parse(const unsigned char *data, size_t len, struct index_file *out, char *why, size_t why_len);

/* index_file_release frees what index_parse allocated and empties *ix. */
void index_file_release(struct index_file *ix);

#endif /* RELEASER_INDEX_H */
