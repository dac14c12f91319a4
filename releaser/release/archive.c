/*
 * libarchive, loaded when a command first writes or reads an archive:
 * the library and the dozen it needs (libxml2, ICU, libstdc++, nettle,
 * the compressors) cost each start of the releaser about as much as all
 * of `releaser info`'s tag listing, and most commands never make an
 * archive. This file defines the libarchive functions tarball.c calls,
 * with the prototypes of <archive.h>, each forwarding to the library
 * opened with dlopen on the first call (every function is looked up
 * then, once, under pthread_once: the .deb is written in a thread of its
 * own). A library that cannot be loaded stops the run with one message,
 * as the dynamic loader would have stopped it at start.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "lib/common.h"

/* the SONAME of the libarchive <archive.h> describes (ARCHIVE_VERSION_NUMBER 3.x) */
#define ARCHIVE_SONAME "libarchive.so.13"

#define FUNCTIONS(X)                                                                                           \
	X(archive_entry_clear) X(archive_entry_free) X(archive_entry_gid) X(archive_entry_gname)               \
	X(archive_entry_mode) X(archive_entry_mtime) X(archive_entry_new) X(archive_entry_pathname)            \
	X(archive_entry_set_filetype) X(archive_entry_set_gid) X(archive_entry_set_gname)                      \
	X(archive_entry_set_mtime) X(archive_entry_set_pathname) X(archive_entry_set_perm)                     \
	X(archive_entry_set_size) X(archive_entry_set_symlink) X(archive_entry_set_uid)                        \
	X(archive_entry_set_uname) X(archive_entry_symlink) X(archive_entry_uid) X(archive_entry_uname)        \
	X(archive_error_string) X(archive_read_data) X(archive_read_free) X(archive_read_new)                  \
	X(archive_read_next_header) X(archive_read_open_filename) X(archive_read_support_filter_gzip)          \
	X(archive_read_support_format_tar) X(archive_set_error) X(archive_write_add_filter_gzip)               \
	X(archive_write_close) X(archive_write_data) X(archive_write_free) X(archive_write_header)             \
	X(archive_write_new) X(archive_write_open2) X(archive_write_set_bytes_in_last_block)                   \
	X(archive_write_set_bytes_per_block) X(archive_write_set_format_ar_bsd)                                \
	X(archive_write_set_format_pax_restricted) X(archive_write_set_format_raw) X(archive_write_set_options)

/* one pointer per function, of the function's own type */
#define POINTER(name) static __typeof__(&name) p_##name;
FUNCTIONS(POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *lib = dlopen(ARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

	if (!lib)
		die(EXIT_FAIL, "cannot load '%s': %s (install libarchive13)", ARCHIVE_SONAME, dlerror());
#define LOOKUP(name) \
	if (!(p_##name = (__typeof__(p_##name))dlsym(lib, #name)) && !missing) \
		missing = #name;
	FUNCTIONS(LOOKUP)
	if (missing)
		die(EXIT_FAIL, "'%s' has no function '%s': install libarchive13 3.6 or later", ARCHIVE_SONAME, missing);
}

#define L() pthread_once(&once, load)

struct archive_entry *archive_entry_clear(struct archive_entry *e) { L(); return p_archive_entry_clear(e); }
void archive_entry_free(struct archive_entry *e) { L(); p_archive_entry_free(e); }
la_int64_t archive_entry_gid(struct archive_entry *e) { L(); return p_archive_entry_gid(e); }
const char *archive_entry_gname(struct archive_entry *e) { L(); return p_archive_entry_gname(e); }
__LA_MODE_T archive_entry_mode(struct archive_entry *e) { L(); return p_archive_entry_mode(e); }
time_t archive_entry_mtime(struct archive_entry *e) { L(); return p_archive_entry_mtime(e); }
struct archive_entry *archive_entry_new(void) { L(); return p_archive_entry_new(); }
const char *archive_entry_pathname(struct archive_entry *e) { L(); return p_archive_entry_pathname(e); }
void archive_entry_set_filetype(struct archive_entry *e, unsigned int t) { L(); p_archive_entry_set_filetype(e, t); }
void archive_entry_set_gid(struct archive_entry *e, la_int64_t g) { L(); p_archive_entry_set_gid(e, g); }
void archive_entry_set_gname(struct archive_entry *e, const char *s) { L(); p_archive_entry_set_gname(e, s); }
void archive_entry_set_mtime(struct archive_entry *e, time_t t, long ns) { L(); p_archive_entry_set_mtime(e, t, ns); }
void archive_entry_set_pathname(struct archive_entry *e, const char *s) { L(); p_archive_entry_set_pathname(e, s); }
void archive_entry_set_perm(struct archive_entry *e, __LA_MODE_T m) { L(); p_archive_entry_set_perm(e, m); }
void archive_entry_set_size(struct archive_entry *e, la_int64_t n) { L(); p_archive_entry_set_size(e, n); }
void archive_entry_set_symlink(struct archive_entry *e, const char *s) { L(); p_archive_entry_set_symlink(e, s); }
void archive_entry_set_uid(struct archive_entry *e, la_int64_t u) { L(); p_archive_entry_set_uid(e, u); }
void archive_entry_set_uname(struct archive_entry *e, const char *s) { L(); p_archive_entry_set_uname(e, s); }
const char *archive_entry_symlink(struct archive_entry *e) { L(); return p_archive_entry_symlink(e); }
la_int64_t archive_entry_uid(struct archive_entry *e) { L(); return p_archive_entry_uid(e); }
const char *archive_entry_uname(struct archive_entry *e) { L(); return p_archive_entry_uname(e); }
const char *archive_error_string(struct archive *a) { L(); return p_archive_error_string(a); }
la_ssize_t archive_read_data(struct archive *a, void *buf, size_t n) { L(); return p_archive_read_data(a, buf, n); }
int archive_read_free(struct archive *a) { L(); return p_archive_read_free(a); }
struct archive *archive_read_new(void) { L(); return p_archive_read_new(); }
int archive_read_next_header(struct archive *a, struct archive_entry **e) { L(); return p_archive_read_next_header(a, e); }
int archive_read_open_filename(struct archive *a, const char *f, size_t n) { L(); return p_archive_read_open_filename(a, f, n); }
int archive_read_support_filter_gzip(struct archive *a) { L(); return p_archive_read_support_filter_gzip(a); }
int archive_read_support_format_tar(struct archive *a) { L(); return p_archive_read_support_format_tar(a); }
int archive_write_add_filter_gzip(struct archive *a) { L(); return p_archive_write_add_filter_gzip(a); }
int archive_write_close(struct archive *a) { L(); return p_archive_write_close(a); }
la_ssize_t archive_write_data(struct archive *a, const void *buf, size_t n) { L(); return p_archive_write_data(a, buf, n); }
int archive_write_free(struct archive *a) { L(); return p_archive_write_free(a); }
int archive_write_header(struct archive *a, struct archive_entry *e) { L(); return p_archive_write_header(a, e); }
struct archive *archive_write_new(void) { L(); return p_archive_write_new(); }
int archive_write_set_bytes_in_last_block(struct archive *a, int n) { L(); return p_archive_write_set_bytes_in_last_block(a, n); }
int archive_write_set_bytes_per_block(struct archive *a, int n) { L(); return p_archive_write_set_bytes_per_block(a, n); }
int archive_write_set_format_ar_bsd(struct archive *a) { L(); return p_archive_write_set_format_ar_bsd(a); }
int archive_write_set_format_pax_restricted(struct archive *a) { L(); return p_archive_write_set_format_pax_restricted(a); }
int archive_write_set_format_raw(struct archive *a) { L(); return p_archive_write_set_format_raw(a); }
int archive_write_set_options(struct archive *a, const char *o) { L(); return p_archive_write_set_options(a, o); }

int archive_write_open2(struct archive *a, void *data, archive_open_callback *open_cb,
			archive_write_callback *write_cb, archive_close_callback *close_cb,
			archive_free_callback *free_cb)
{
	L();
	return p_archive_write_open2(a, data, open_cb, write_cb, close_cb, free_cb);
}

void archive_set_error(struct archive *a, int err, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	L();
	p_archive_set_error(a, err, "%s", text);
}
