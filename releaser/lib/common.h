/*
 * Shared by every releaser file: exit codes, messages, memory and the
 * atomic file writer. Messages go to stderr as one line, lower-case, naming
 * the thing that is wrong and, when it is not obvious, what to do.
 */
#ifndef RELEASER_COMMON_H
#define RELEASER_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* exit codes: stable, documented in `releaser --help` and RELEASING.md */
#define EXIT_OK 0    /* success */
#define EXIT_FAIL 1  /* the operation failed (verification failed, conflict, ...) */
#define EXIT_USAGE 2 /* bad usage, or a precondition is not met */

/* error prints "releaser: MSG" on stderr and returns -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* warning prints "releaser: warning: MSG" on stderr. */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* note prints "releaser: MSG" on stderr unless quiet mode is set. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* die prints like error() and exits with code; only at the command edge. */
void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* set_quiet(1) silences note(). */
void set_quiet(int quiet);

/* xmalloc, xcalloc, xrealloc, xstrdup: allocate or die(EXIT_FAIL). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* on_path returns whether an executable named name is in one of $PATH's directories. */
int on_path(const char *name);

/* xasprintf returns a newly allocated formatted string (caller frees) or dies. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* xvasprintf is xasprintf with a va_list (ap is consumed). */
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* text that grows: { NULL, 0 } is empty; s is the caller's to free */
struct text {
	char *s;
	size_t len;
};

/* text_add appends the formatted string to t (s stays NUL-terminated) or dies. */
void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * An output file written under a temporary name in the same directory and
 * renamed into place on commit, so a final name never holds a partial file.
 */
struct atomic_file {
	char *path;  /* final name */
	char *tmp;   /* temporary name, NULL once committed or aborted */
	int fd;
};

/*
 * atomic_file_open creates a temporary file beside path with mode (O_EXCL,
 * O_NOFOLLOW). Returns 0, or -1 after a message naming the directory.
 */
int atomic_file_open(struct atomic_file *f, const char *path, int mode);

/* atomic_file_write writes all of buf. Returns 0 or -1 after a message. */
int atomic_file_write(struct atomic_file *f, const void *buf, size_t len);

/*
 * atomic_file_commit fsyncs, closes and renames the file into place, then
 * fsyncs the directory. Returns 0, or -1 after a message (the temporary
 * file is removed). Frees the struct's strings either way.
 */
int atomic_file_commit(struct atomic_file *f);

/* atomic_file_abort removes the temporary file; safe to call twice. */
void atomic_file_abort(struct atomic_file *f);

/*
 * write_file_atomic writes buf to path through an atomic_file.
 * Returns 0 or -1 after a message.
 */
int write_file_atomic(const char *path, const void *buf, size_t len, int mode);

/* fsync_parent fsyncs the directory holding path (errors are ignored). */
void fsync_parent(const char *path);

/*
 * read_all reads exactly len bytes from fd into buf, retrying on EINTR.
 * Returns 0, or -1 with errno set (EIO when the file ended early).
 */
int read_all(int fd, void *buf, size_t len);

/*
 * read_file reads a whole file (at most max bytes; O_NOFOLLOW) into a
 * NUL-terminated buffer the caller frees; *len gets its length.
 * Returns NULL after a message naming the path.
 */
char *read_file(const char *path, size_t max, size_t *len);

#endif /* RELEASER_COMMON_H */
