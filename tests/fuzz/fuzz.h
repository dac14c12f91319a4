/*
 * Helpers the libFuzzer harnesses share (tests/fuzz/fuzz-<target>.c).
 * Each harness defines LLVMFuzzerTestOneInput() and feeds the input bytes
 * to one real parser of the project; a harness aborts when the parser
 * breaks one of its promises, so libFuzzer reports it like a crash.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the entry point libFuzzer calls once per input */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_expect aborts with a message when cond is false: a broken promise */
#define fuzz_expect(cond)                                                                    \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* fuzz_strndup returns a NUL-terminated copy of data[size] (caller frees) */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static char fuzz_tmpdir_path[64];

static int fuzz_remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void fuzz_tmpdir_remove(void)
{
	if (nftw(fuzz_tmpdir_path, fuzz_remove_one, 8, FTW_DEPTH | FTW_PHYS) != 0)
		perror(fuzz_tmpdir_path);
}

/*
 * fuzz_tmpdir returns a scratch directory made once per process (under
 * $TMPDIR or /tmp) and removed at exit.
 */
static inline const char *fuzz_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (fuzz_tmpdir_path[0])
		return fuzz_tmpdir_path;
	snprintf(fuzz_tmpdir_path, sizeof(fuzz_tmpdir_path), "%s/fuzz.XXXXXX",
		 base && *base && strlen(base) < 40 ? base : "/tmp");
	if (!mkdtemp(fuzz_tmpdir_path)) {
		perror("mkdtemp");
		abort();
	}
	atexit(fuzz_tmpdir_remove);
	return fuzz_tmpdir_path;
}

/* fuzz_write_file replaces path with data[size]; aborts when it cannot */
static inline void fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd) != 0) {
		perror(path);
		abort();
	}
}

#endif /* FUZZ_H */
