/*
 * Checksum lists: SHA256SUMS in GNU format ("hex  name", as sha256sum
 * writes it) and the same list in BSD style ("SHA256 (name) = hex", as
 * `sha256sum --tag` writes it and signify -C reads it): both made from a
 * list of (name, digest) pairs, and the GNU list read back into memory.
 */
#ifndef RELEASER_SUMS_H
#define RELEASER_SUMS_H

#include <stddef.h>

#define SUMS_FILE "SHA256SUMS"
#define SUMS_MINISIG_FILE "SHA256SUMS.minisig"
#define SUMS_SIG_FILE "SHA256SUMS.sig"
#define SUMS_MAX_SIZE (1 << 20) /* far more than a release lists */

struct sums_entry {
	char *name;
	char hex[65]; /* lower-case */
};

struct sums {
	struct sums_entry *v;
	size_t n;
};

/* both lists of the same files, in the same order, NUL-terminated */
struct sums_lists {
	char *gnu;      /* "hex  name\n" lines: the text of SHA256SUMS */
	size_t gnu_len;
	char *bsd;      /* "SHA256 (name) = hex\n" lines: what SHA256SUMS.sig embeds */
	size_t bsd_len;
};

/*
 * sums_lists_add appends name with its lower-case hex SHA-256 to both
 * lists of l (zeroed before the first call; release with
 * sums_lists_release). The caller gives names in the order to list them.
 */
void sums_lists_add(struct sums_lists *l, const char *name, const char *hex);

/* sums_lists_release frees both lists and empties l; accepts an empty l. */
void sums_lists_release(struct sums_lists *l);

/*
 * sums_parse reads a GNU-format list: one "hex  name" (or "hex *name")
 * line per file, at least one, names without slashes, backslashes,
 * spaces or control characters, not starting with a dot, each named once.
 * Fills s (release with sums_release). Returns 0, or -1 with the reason
 * in why ("line 3: ...", no message).
 */
int sums_parse(const char *text, size_t len, struct sums *s, char *why, size_t why_len);

/*
 * sums_bsd returns the list in BSD style, one "SHA256 (name) = hex\n" line
 * per entry in the same order, NUL-terminated (caller frees); *len gets
 * its length.
 */
char *sums_bsd(const struct sums *s, size_t *len);

/* sums_find returns the entry for name, or NULL. */
const struct sums_entry *sums_find(const struct sums *s, const char *name);

/* sums_release frees what sums_parse allocated. */
void sums_release(struct sums *s);

#endif /* RELEASER_SUMS_H */
