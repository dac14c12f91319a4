/* Reproducible tarballs and Debian packages with libarchive (see tarball.h). */
#include "release/tarball.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/common.h"

#define READ_CHUNK (128 * 1024)

/*
 * archive_check is the libarchive checker: 0 when rc is ARCHIVE_OK,
 * otherwise "releaser: WHAT: archive_error_string()" and -1. Warnings are
 * errors here: a tarball that needed one would not be reproducible.
 */
static int archive_check(struct archive *a, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int archive_check(struct archive *a, int rc, const char *fmt, ...)
{
	const char *msg;
	va_list ap;

	if (rc == ARCHIVE_OK)
		return 0;
	msg = archive_error_string(a);
	fprintf(stderr, "releaser: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", msg ? msg : "unknown libarchive error");
	return -1;
}

static struct tar_entry *tar_add(struct tar_list *l, const char *name, enum tar_kind kind, int mode)
{
	struct tar_entry *e;

	l->items = xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
	e = &l->items[l->n++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	e->kind = kind;
	e->mode = mode;
	return e;
}

void tar_add_file(struct tar_list *l, const char *name, const char *src, int mode)
{
	tar_add(l, name, TAR_FILE, mode)->src = xstrdup(src);
}

void tar_add_data(struct tar_list *l, const char *name, const char *data, size_t len, int mode)
{
	struct tar_entry *e = tar_add(l, name, TAR_FILE, mode);

	e->data = xmalloc(len);
	memcpy(e->data, data, len);
	e->len = len;
}

void tar_add_symlink(struct tar_list *l, const char *name, const char *target)
{
	tar_add(l, name, TAR_SYMLINK, 0777)->link = xstrdup(target);
}

void tar_list_clear(struct tar_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->items[i].name);
		free(l->items[i].src);
		free(l->items[i].data);
		free(l->items[i].link);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

static int has_name(const struct tar_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].name, name))
			return 1;
	return 0;
}

/* every parent directory of every entry gets an entry of its own */
static void add_directories(struct tar_list *l)
{
	size_t i, n = l->n;
	char *dir, *slash;

	for (i = 0; i < n; i++) {
		dir = xstrdup(l->items[i].name);
		while ((slash = strrchr(dir, '/')) != NULL) {
			*slash = '\0';
			if (!has_name(l, dir))
				tar_add(l, dir, TAR_DIR, 0755);
		}
		free(dir);
	}
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tar_entry *)a)->name, ((const struct tar_entry *)b)->name);
}

/*
 * where the compressed bytes go: a file (the atomic file, or a member's
 * temporary file), through the hash when hashing is set, or memory
 */
struct sink {
	int fd;
	int hashing;
	struct sha256 hash;
	uint64_t bytes;       /* written so far */
	struct blob *mem;     /* not NULL: append here instead (no file, no hash) */
	const char *display;
};

static void blob_append(struct blob *b, const void *buf, size_t len)
{
	b->data = xrealloc(b->data, b->len + len + 1);
	memcpy(b->data + b->len, buf, len);
	b->len += len;
}

void blob_release(struct blob *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

static la_ssize_t sink_write(struct archive *a, void *data, const void *buf, size_t len)
{
	struct sink *s = data;
	const char *p = buf;
	size_t left = len;
	ssize_t n;

	if (s->mem) {
		blob_append(s->mem, buf, len);
		return (la_ssize_t)len;
	}
	if (s->hashing && sha256_update(&s->hash, buf, len) < 0) {
		archive_set_error(a, EIO, "hashing failed");
		return -1;
	}
	while (left > 0) {
		n = write(s->fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			archive_set_error(a, n < 0 ? errno : EIO, "%s", n < 0 ? strerror(errno) : "short write");
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	s->bytes += len;
	return (la_ssize_t)len;
}

static void entry_header(struct archive_entry *ae, const char *path, mode_t type, int mode, long long mtime)
{
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, path);
	archive_entry_set_filetype(ae, type);
	archive_entry_set_perm(ae, (mode_t)mode);
	archive_entry_set_mtime(ae, (time_t)mtime, 0);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_uname(ae, "root");
	archive_entry_set_gname(ae, "root");
}

/* streams src into the archive (and md5 when not NULL), checking it is the size it had */
static int write_file_data(struct archive *a, int fd, const char *src, int64_t size, const char *display,
			   struct md5 *md5)
{
	char *buf = xmalloc(READ_CHUNK);
	int64_t done = 0;
	ssize_t n;
	int ret = -1;

	for (;;) {
		n = read(fd, buf, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error("cannot read '%s': %s", src, strerror(errno));
			goto cleanup;
		}
		if (n == 0)
			break;
		done += n;
		if (done > size)
			break;
		if (md5 && md5_update(md5, buf, (size_t)n) < 0)
			goto cleanup;
		if (archive_check(a, archive_write_data(a, buf, (size_t)n) < 0 ? ARCHIVE_FATAL : ARCHIVE_OK,
				  "cannot write '%s'", display) < 0)
			goto cleanup;
	}
	if (done != size) {
		error("'%s' changed while it was packaged: build again, then package", src);
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(buf);
	return ret;
}

/* the content of file entry e, from src or data; its md5 into e when md5 is set */
static int write_entry_data(struct archive *a, int fd, struct tar_entry *e, int64_t size, const char *display,
			    int md5)
{
	struct md5 h = { 0 };
	int ret = -1;

	if (md5 && md5_init(&h) < 0)
		return -1;
	if (fd >= 0) {
		if (write_file_data(a, fd, e->src, size, display, md5 ? &h : NULL) < 0)
			goto cleanup;
	} else if (e->len > 0) {
		if ((md5 && md5_update(&h, e->data, e->len) < 0) ||
		    archive_check(a, archive_write_data(a, e->data, e->len) < 0 ? ARCHIVE_FATAL : ARCHIVE_OK,
				  "cannot write '%s'", display) < 0)
			goto cleanup;
	}
	e->size = (uint64_t)size;
	ret = md5 ? md5_final(&h, e->md5) : 0;
cleanup:
	md5_abort(&h);
	return ret;
}

static int write_entry(struct archive *a, struct archive_entry *ae, const char *top, struct tar_entry *e,
		       long long mtime, const char *display, int md5)
{
	char *path = xasprintf("%s/%s", top, e->name);
	struct stat sb;
	int64_t size = (int64_t)e->len;
	int fd = -1, ret = -1;

	if (e->kind == TAR_DIR) {
		entry_header(ae, path, AE_IFDIR, e->mode, mtime);
	} else if (e->kind == TAR_SYMLINK) {
		entry_header(ae, path, AE_IFLNK, e->mode, mtime);
		archive_entry_set_symlink(ae, e->link);
	} else {
		entry_header(ae, path, AE_IFREG, e->mode, mtime);
		if (e->src) {
			fd = open(e->src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 || fstat(fd, &sb) != 0) {
				error("cannot read '%s': %s", e->src, strerror(errno));
				goto cleanup;
			}
			if (!S_ISREG(sb.st_mode)) {
				error("cannot package '%s': not a regular file", e->src);
				goto cleanup;
			}
			size = sb.st_size;
		}
		archive_entry_set_size(ae, (la_int64_t)size);
	}
	if (archive_check(a, archive_write_header(a, ae), "cannot write '%s'", display) < 0)
		goto cleanup;
	ret = e->kind == TAR_FILE ? write_entry_data(a, fd, e, size, display, md5) : 0;
cleanup:
	if (fd >= 0)
		close(fd);
	free(path);
	return ret;
}

/*
 * gzip at level 6 without a timestamp, for the tarballs and the members
 * of a .deb alike (RELEASING.md, Compression: every dpkg and lintian
 * read it, at the speed of the tarball written beside it)
 */
static int set_filter(struct archive *a, const char *display)
{
	return archive_check(a, archive_write_add_filter_gzip(a), "cannot write '%s'", display) < 0 ||
	       archive_check(a, archive_write_set_options(a, "gzip:!timestamp"),
			     "cannot write '%s'", display);
}

static struct archive *open_writer(struct sink *s)
{
	struct archive *a = archive_write_new();

	if (!a)
		die(EXIT_FAIL, "out of memory");
	if (archive_check(a, archive_write_set_format_pax_restricted(a), "cannot write '%s'", s->display) < 0 ||
	    set_filter(a, s->display) != 0 ||
	    archive_check(a, archive_write_set_bytes_in_last_block(a, 1), "cannot write '%s'", s->display) < 0 ||
	    archive_check(a, archive_write_open2(a, s, NULL, sink_write, NULL, NULL), "cannot write '%s'",
			  s->display) < 0) {
		archive_write_free(a);
		return NULL;
	}
	return a;
}

/* the sink's digest and size into out, then file f under its final name (the file is gone on failure) */
static int sink_commit(struct sink *s, struct atomic_file *f, struct tar_result *out)
{
	out->size = s->bytes;
	if (sha256_final(&s->hash, out->sha256) < 0) {
		atomic_file_abort(f);
		return -1;
	}
	return atomic_file_commit(f);
}

/* the entries of l under top (itself an entry first) into the open sink s */
static int write_tar(struct sink *s, const char *top, struct tar_list *l, long long mtime, int md5)
{
	struct archive_entry *ae = NULL;
	struct archive *a = NULL;
	size_t i;
	int ret = -1;

	add_directories(l);
	qsort(l->items, l->n, sizeof(*l->items), entry_cmp);
	a = open_writer(s);
	ae = archive_entry_new();
	if (!a || !ae)
		goto cleanup;
	entry_header(ae, top, AE_IFDIR, 0755, mtime);
	if (archive_check(a, archive_write_header(a, ae), "cannot write '%s'", s->display) < 0)
		goto cleanup;
	for (i = 0; i < l->n; i++)
		if (write_entry(a, ae, top, &l->items[i], mtime, s->display, md5) < 0)
			goto cleanup;
	if (archive_check(a, archive_write_close(a), "cannot write '%s'", s->display) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	archive_entry_free(ae);
	if (a)
		archive_write_free(a);
	return ret;
}

int tarball_write(const char *path, const char *display, const char *top, struct tar_list *l,
		  long long mtime, struct tar_result *out)
{
	struct sink s = { .display = display, .hashing = 1 };
	struct atomic_file f;
	int ret = -1, opened = 0;

	if (atomic_file_open(&f, path, 0644) < 0)
		return -1;
	opened = 1;
	s.fd = f.fd;
	if (sha256_init(&s.hash) < 0 || write_tar(&s, top, l, mtime, 0) < 0)
		goto cleanup;
	opened = 0;
	if (sink_commit(&s, &f, out) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	sha256_abort(&s.hash);
	if (opened)
		atomic_file_abort(&f);
	return ret;
}

/* an unnamed temporary file in the directory of path (O_TMPFILE, or a name removed at once) */
static int open_temp_beside(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *tmp;
	int fd;

	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	else
		strcpy(dir, ".");
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		tmp = xasprintf("%s/.member.XXXXXX", dir);
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd >= 0)
			unlink(tmp);
		free(tmp);
	}
	if (fd < 0)
		error("cannot create a temporary file in '%s': %s", dir, strerror(errno));
	free(dir);
	return fd;
}

int deb_member_write(struct deb_member *m, const char *base, const char *path, const char *display,
		     struct tar_list *l, long long mtime)
{
	struct sink s = { .display = display };

	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s.tar.gz", base);
	m->fd = s.fd = open_temp_beside(path);
	if (m->fd < 0 || write_tar(&s, ".", l, mtime, 1) < 0) {
		deb_member_release(m);
		return -1;
	}
	m->size = s.bytes;
	return 0;
}

void deb_member_release(struct deb_member *m)
{
	if (m->name[0] && m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	m->name[0] = '\0';
}

int gzip_memory(const char *display, const char *data, size_t len, struct blob *out)
{
	struct sink s = { .display = display, .mem = out };
	struct archive_entry *ae = archive_entry_new();
	struct archive *a = archive_write_new();
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (!a || !ae)
		die(EXIT_FAIL, "out of memory");
	archive_entry_set_pathname(ae, "data");
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_size(ae, (la_int64_t)len);
	if (archive_check(a, archive_write_set_format_raw(a), "cannot write '%s'", display) < 0 ||
	    archive_check(a, archive_write_add_filter_gzip(a), "cannot write '%s'", display) < 0 ||
	    archive_check(a, archive_write_set_options(a, "gzip:!timestamp,gzip:compression-level=9"),
			  "cannot write '%s'", display) < 0 ||
	    archive_check(a, archive_write_set_bytes_per_block(a, 0), "cannot write '%s'", display) < 0 ||
	    archive_check(a, archive_write_open2(a, &s, NULL, sink_write, NULL, NULL), "cannot write '%s'",
			  display) < 0 ||
	    archive_check(a, archive_write_header(a, ae), "cannot write '%s'", display) < 0 ||
	    archive_check(a, archive_write_data(a, data, len) < 0 ? ARCHIVE_FATAL : ARCHIVE_OK, "cannot write '%s'",
			  display) < 0 ||
	    archive_check(a, archive_write_close(a), "cannot write '%s'", display) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	archive_entry_free(ae);
	archive_write_free(a);
	if (ret)
		blob_release(out);
	return ret;
}

/* one member of the .deb from memory: a file of the ar archive */
static int write_member(struct archive *a, struct archive_entry *ae, const char *name, const void *data, size_t len,
			long long mtime, const char *display)
{
	entry_header(ae, name, AE_IFREG, 0644, mtime);
	archive_entry_set_size(ae, (la_int64_t)len);
	if (archive_check(a, archive_write_header(a, ae), "cannot write '%s'", display) < 0)
		return -1;
	return archive_check(a, archive_write_data(a, data, len) < 0 ? ARCHIVE_FATAL : ARCHIVE_OK,
			     "cannot write '%s'", display);
}

/* one member of the .deb streamed from its temporary file, which must still hold m->size bytes */
static int copy_member(struct archive *a, struct archive_entry *ae, const struct deb_member *m, long long mtime,
		       const char *display)
{
	char *buf = xmalloc(READ_CHUNK);
	uint64_t done = 0;
	ssize_t n;
	int ret = -1;

	entry_header(ae, m->name, AE_IFREG, 0644, mtime);
	archive_entry_set_size(ae, (la_int64_t)m->size);
	if (archive_check(a, archive_write_header(a, ae), "cannot write '%s'", display) < 0)
		goto cleanup;
	while (done < m->size) {
		n = pread(m->fd, buf, READ_CHUNK, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error("cannot read back the %s of '%s': %s", m->name, display,
			      n < 0 ? strerror(errno) : "it is shorter than written");
			goto cleanup;
		}
		if ((uint64_t)n > m->size - done)
			n = (ssize_t)(m->size - done);
		if (archive_check(a, archive_write_data(a, buf, (size_t)n) < 0 ? ARCHIVE_FATAL : ARCHIVE_OK,
				  "cannot write '%s'", display) < 0)
			goto cleanup;
		done += (uint64_t)n;
	}
	ret = 0;
cleanup:
	free(buf);
	return ret;
}

int deb_write(const char *path, const char *display, const struct deb_member *control,
	      const struct deb_member *data, long long mtime, struct tar_result *out)
{
	struct sink s = { .display = display, .hashing = 1 };
	struct archive_entry *ae = archive_entry_new();
	struct archive *a = archive_write_new();
	struct atomic_file f;
	int ret = -1, opened = 0;

	if (!a || !ae)
		die(EXIT_FAIL, "out of memory");
	if (atomic_file_open(&f, path, 0644) < 0)
		goto cleanup;
	opened = 1;
	s.fd = f.fd;
	if (sha256_init(&s.hash) < 0 ||
	    archive_check(a, archive_write_set_format_ar_bsd(a), "cannot write '%s'", display) < 0 ||
	    archive_check(a, archive_write_set_bytes_per_block(a, 0), "cannot write '%s'", display) < 0 ||
	    archive_check(a, archive_write_open2(a, &s, NULL, sink_write, NULL, NULL), "cannot write '%s'",
			  display) < 0 ||
	    write_member(a, ae, "debian-binary", "2.0\n", 4, mtime, display) < 0 ||
	    copy_member(a, ae, control, mtime, display) < 0 || copy_member(a, ae, data, mtime, display) < 0 ||
	    archive_check(a, archive_write_close(a), "cannot write '%s'", display) < 0)
		goto cleanup;
	opened = 0;
	if (sink_commit(&s, &f, out) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	archive_entry_free(ae);
	archive_write_free(a);
	sha256_abort(&s.hash);
	if (opened)
		atomic_file_abort(&f);
	return ret;
}

static struct archive *open_reader(const char *path)
{
	struct archive *r = archive_read_new();

	if (!r)
		die(EXIT_FAIL, "out of memory");
	if (archive_check(r, archive_read_support_filter_gzip(r), "cannot read '%s'", path) < 0 ||
	    archive_check(r, archive_read_support_format_tar(r), "cannot read '%s'", path) < 0 ||
	    archive_check(r, archive_read_open_filename(r, path, READ_CHUNK), "cannot read '%s'", path) < 0) {
		archive_read_free(r);
		return NULL;
	}
	return r;
}

/* the next entry's name and a digest of its header and data; 0, 1 at the end, -1 after a message */
static int next_entry(struct archive *r, const char *path, char **name, char hex[SHA256_HEX_LEN + 1])
{
	static char buf[READ_CHUNK];
	struct archive_entry *e;
	struct sha256 h;
	char *header;
	la_ssize_t n;
	int rc = archive_read_next_header(r, &e);

	if (rc == ARCHIVE_EOF)
		return 1;
	if (archive_check(r, rc, "cannot read '%s'", path) < 0 || sha256_init(&h) < 0)
		return -1;
	*name = xstrdup(archive_entry_pathname(e));
	header = xasprintf("%o %lld %lld %s %s %lld %s", (unsigned)archive_entry_mode(e),
			   (long long)archive_entry_uid(e), (long long)archive_entry_gid(e),
			   archive_entry_uname(e) ? archive_entry_uname(e) : "",
			   archive_entry_gname(e) ? archive_entry_gname(e) : "", (long long)archive_entry_mtime(e),
			   archive_entry_symlink(e) ? archive_entry_symlink(e) : "");
	rc = sha256_update(&h, header, strlen(header));
	free(header);
	while (rc == 0 && (n = archive_read_data(r, buf, sizeof(buf))) > 0)
		rc = sha256_update(&h, buf, (size_t)n);
	if (rc == 0 && n < 0)
		rc = archive_check(r, ARCHIVE_FATAL, "cannot read '%s'", path);
	if (rc < 0) {
		sha256_abort(&h);
		free(*name);
		*name = NULL;
		return -1;
	}
	return sha256_final(&h, hex);
}

char *tarball_first_difference(const char *a, const char *b)
{
	char ha[SHA256_HEX_LEN + 1], hb[SHA256_HEX_LEN + 1];
	char *na = NULL, *nb = NULL, *diff = NULL;
	struct archive *ra = open_reader(a), *rb = ra ? open_reader(b) : NULL;
	int ea, eb;

	while (ra && rb && !diff) {
		ea = next_entry(ra, a, &na, ha);
		eb = ea < 0 ? -1 : next_entry(rb, b, &nb, hb);
		if (ea < 0 || eb < 0 || (ea == 1 && eb == 1))
			break;
		if (ea != eb || strcmp(na, nb) || strcmp(ha, hb))
			diff = xstrdup(ea == 1 ? nb : na);
		free(na);
		free(nb);
		na = nb = NULL;
	}
	free(na);
	free(nb);
	if (ra)
		archive_read_free(ra);
	if (rb)
		archive_read_free(rb);
	return diff;
}
