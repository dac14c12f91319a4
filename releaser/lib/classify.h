/*
 * What counts as a build output or a secret that must never be tracked:
 * decided from a file's name and its first bytes (no whole-file reads).
 */
#ifndef RELEASER_CLASSIFY_H
#define RELEASER_CLASSIFY_H

#include <stddef.h>

/* how many leading bytes classify_by_content looks at (a tar header's magic is at 257) */
#define CLASSIFY_HEAD_LEN 512

/*
 * classify_by_name returns why a tracked path is a build output or a key by
 * its name alone ("analyzer artifact name", "object file name", "archive
 * name", "key file name"), or NULL. The string is static.
 */
const char *classify_by_name(const char *path);

/*
 * classify_by_content returns why a file whose first len bytes (len may be
 * less than CLASSIFY_HEAD_LEN for a short file) are head is a build output
 * or a key ("ELF file", "BPF object", "ar archive", "gzip data", "tar
 * archive", "private key", ...), or NULL. The string is static.
 */
const char *classify_by_content(const unsigned char *head, size_t len);

#endif /* RELEASER_CLASSIFY_H */
