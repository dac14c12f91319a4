/*
 * git's packed-refs file, read without libgit2: the tag listing of a
 * repository with thousands of tags is the larger part of what describe
 * costs through libgit2's reference iterator (bench/release, part 3).
 *
 * The file (git's refs/packed-backend.c): an optional first line
 * "# pack-refs with: TRAIT..." ("peeled", "fully-peeled", "sorted"), then
 * one line "HEX40 SP REFNAME" per ref, each optionally followed by a line
 * "^HEX40": the commit (or other object) an annotated tag peels to. With
 * the trait "fully-peeled" a ref without a "^" line is known not to be an
 * annotated tag; with "peeled", a ref under refs/tags/. Lines end with LF.
 */
#ifndef RELEASER_PACKED_H
#define RELEASER_PACKED_H

#include <stddef.h>

#define PACKED_ID_LEN 20 /* SHA-1; a SHA-256 repository's file is refused */

struct packed_ref {
	const char *name;    /* the full ref name, name_len bytes (points into the caller's text, not NUL-terminated) */
	size_t name_len;
	unsigned char id[PACKED_ID_LEN];
	unsigned char peeled[PACKED_ID_LEN];
	int has_peeled;      /* a "^" line followed */
	int known_unpeeled;  /* no "^" line, and the file's traits say the ref is no annotated tag */
};

/*
 * packed_refs_parse reads text[len] (left as it is: a mapped file will
 * do) and calls fn for each ref whose name starts with prefix, in the
 * file's order; fn returns 0 to go on, anything else
 * stops the parse with that value. A ref name must be printable ASCII
 * without spaces or any of "~^:?*[\\". Returns 0 when the whole file
 * was read, fn's value when it stopped, or -1 with the reason in why (no
 * message) when a line is not what git writes (a file git would refuse, or
 * one with SHA-256 ids).
 */
int packed_refs_parse(const char *text, size_t len, const char *prefix,
		      int (*fn)(const struct packed_ref *ref, void *ctx), void *ctx, char *why, size_t why_len);

/*
 * packed_hex_id parses the 40 hex digits at s (either case) into id.
 * Returns 0, or -1 when one is not a hex digit.
 */
int packed_hex_id(const char *s, unsigned char id[PACKED_ID_LEN]);

/* packed_ref_name_ok returns 1 when name[len] is a ref name packed_refs_parse accepts. */
int packed_ref_name_ok(const char *name, size_t len);

#endif /* RELEASER_PACKED_H */
