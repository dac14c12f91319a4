/* Messages, allocation and atomic files for the releaser (see common.h). */
#include "lib/common.h"
#include "lib/text.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int quiet;

/*
 * one line on stderr: names from outside in a message (paths, refs, commit
 * subjects) are shown through term_escape, so that none adds a line (a CI
 * log reads "::error::" at a line's start as a command) or drives the
 * terminal; plain when that cannot allocate (term_escape dies, and so here)
 */
static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
	static int busy;
	char *text = NULL, *shown;
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = busy ? -1 : vasprintf(&text, fmt, copy);
	va_end(copy);
	if (n < 0) {
		fprintf(stderr, "releaser: %s", prefix);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		return;
	}
	busy = 1;
	shown = term_escape(text);
	busy = 0;
	fprintf(stderr, "releaser: %s%s\n", prefix, shown);
	free(shown);
	free(text);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	exit(code);
}

void set_quiet(int q)
{
	quiet = q;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die(EXIT_FAIL, "out of memory");
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die(EXIT_FAIL, "out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die(EXIT_FAIL, "out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die(EXIT_FAIL, "out of memory");
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		die(EXIT_FAIL, "out of memory");
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	char *more;
	size_t n;

	va_start(ap, fmt);
	more = xvasprintf(fmt, ap);
	va_end(ap);
	n = strlen(more);
	t->s = xrealloc(t->s, t->len + n + 1);
	memcpy(t->s + t->len, more, n + 1);
	t->len += n;
	free(more);
}

int atomic_file_open(struct atomic_file *f, const char *path, int mode)
{
	char *copy = xstrdup(path), *dir = dirname(copy), *base;
	unsigned int attempt;

	base = strrchr(path, '/');
	base = base ? base + 1 : (char *)path;
	f->path = xstrdup(path);
	f->fd = -1;
	f->tmp = NULL;
	for (attempt = 0; attempt < 100 && f->fd < 0; attempt++) {
		free(f->tmp);
		f->tmp = xasprintf("%s/.%s.tmp.%ld.%u", dir, base, (long)getpid(), attempt);
		f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (f->fd < 0 && errno != EEXIST)
			break;
	}
	if (f->fd < 0) {
		error("cannot create a file in '%s': %s", dir, strerror(errno));
		free(copy);
		free(f->tmp);
		free(f->path);
		f->tmp = f->path = NULL;
		return -1;
	}
	free(copy);
	return 0;
}

int atomic_file_write(struct atomic_file *f, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(f->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return error("cannot write '%s': %s", f->path, n < 0 ? strerror(errno) : "short write");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void fsync_parent(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int atomic_file_commit(struct atomic_file *f)
{
	int ret = -1;

	if (fsync(f->fd) != 0) {
		error("cannot write '%s': %s", f->path, strerror(errno));
		goto cleanup;
	}
	if (close(f->fd) != 0) {
		f->fd = -1;
		error("cannot write '%s': %s", f->path, strerror(errno));
		goto cleanup;
	}
	f->fd = -1;
	if (rename(f->tmp, f->path) != 0) {
		error("cannot rename into '%s': %s", f->path, strerror(errno));
		goto cleanup;
	}
	free(f->tmp);
	f->tmp = NULL;
	fsync_parent(f->path);
	ret = 0;
cleanup:
	atomic_file_abort(f);
	return ret;
}

void atomic_file_abort(struct atomic_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
}

int write_file_atomic(const char *path, const void *buf, size_t len, int mode)
{
	struct atomic_file f;

	if (atomic_file_open(&f, path, mode) < 0)
		return -1;
	if (atomic_file_write(&f, buf, len) < 0) {
		atomic_file_abort(&f);
		return -1;
	}
	return atomic_file_commit(&f);
}

int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

char *read_file(const char *path, size_t max, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP)
			error("'%s' is a symbolic link, which is not followed: make it a file of its own", path);
		else
			error("cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		error("cannot read '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		error("cannot read '%s': not a regular file", path);
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		error("cannot read '%s': larger than %zu bytes", path, max);
		goto fail;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	if (read_all(fd, buf, (size_t)st.st_size) < 0) {
		error("cannot read '%s': %s", path, errno == EIO ? "file shrank while reading" : strerror(errno));
		goto fail;
	}
	buf[st.st_size] = '\0';
	if (len)
		*len = (size_t)st.st_size;
	close(fd);
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

int on_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *full;
	int found = 0;

	if (!path)
		return 0;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		full = xasprintf("%s/%s", *dir ? dir : ".", name);
		found = access(full, X_OK) == 0;
		free(full);
	}
	free(copy);
	return found;
}

