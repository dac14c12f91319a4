/* Continuous mode's destinations: rotated files and OTLP (see sink.h). */
#include "sink.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "folded.h"
#include "log.h"
#include "otlp.h"
#include "pprof.h"

#define NFORMATS 3

static const char *const extensions[NFORMATS] = {
	[FORMAT_FOLDED] = "folded",
	[FORMAT_JSON] = "json",
	[FORMAT_PPROF] = "pb.gz",
};

struct sink {
	const char *dir;          /* --output-dir, NULL when none */
	int dirfd;
	unsigned int formats;
	unsigned int keep;
	int demangle;
	unsigned long windows;    /* flushed */
	unsigned long written;    /* files written */
	unsigned long failed;     /* files not written */
	unsigned long seq;        /* temporary names */
	struct otlp *otlp;        /* --otlp-endpoint, NULL when none */
};

int export_write(FILE *f, enum output_format format, const struct aggregate *ag, struct symbolizer *s,
		 const struct profile_meta *meta, int demangle)
{
	if (format == FORMAT_JSON)
		return json_write(f, ag, s, meta);
	if (format == FORMAT_PPROF)
		return pprof_write(f, ag, s, meta, demangle);
	return folded_write(f, ag, s);
}

/* the directory, opened and checked writable; -1 after printing why */
static int open_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return log_error("cannot use --output-dir '%s': %s: create it first", dir, strerror(errno));
	if (faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) < 0) {
		log_error("cannot use --output-dir '%s': %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int sink_open(struct sink **out, const struct agent_options *o)
{
	struct sink *sk = calloc(1, sizeof(*sk));

	*out = NULL;
	if (!sk)
		return log_error("out of memory");
	sk->dirfd = -1;
	sk->formats = o->formats;
	sk->keep = o->keep;
	sk->demangle = !o->no_demangle;
	if (o->output_dir) {
		sk->dir = o->output_dir;
		sk->dirfd = open_dir(o->output_dir);
		if (sk->dirfd < 0) {
			free(sk);
			return -1;
		}
	}
	if (o->otlp_endpoint && otlp_open(&sk->otlp, o) < 0) {
		sink_close(sk);
		return -1;
	}
	*out = sk;
	return 0;
}

/* "profile-20261207T165200.123Z" for the window's start */
static void window_name(long long start_ns, char *buf, size_t len)
{
	time_t secs = (time_t)(start_ns / 1000000000);
	struct tm tm;
	char stamp[32];

	gmtime_r(&secs, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	snprintf(buf, len, "profile-%s.%03dZ", stamp, (int)(start_ns / 1000000 % 1000));
}

/* writes one file: a temporary name, fsync, then renamed into place */
static int write_file(struct sink *sk, const char *name, enum output_format format, const struct aggregate *ag,
		      struct symbolizer *s, const struct profile_meta *meta)
{
	char tmp[128];
	FILE *f = NULL;
	int fd, e = 0;

	snprintf(tmp, sizeof(tmp), ".%s.%ld.%lu.tmp", name, (long)getpid(), sk->seq++);
	fd = openat(sk->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		e = errno;
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	if (export_write(f, format, ag, s, meta, sk->demangle) < 0) {
		fclose(f);
		unlinkat(sk->dirfd, tmp, 0);
		return -1;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		e = errno;
	if (fclose(f) != 0 && !e)
		e = errno;
	if (!e && renameat(sk->dirfd, tmp, sk->dirfd, name) != 0)
		e = errno;
	if (!e)
		return 0;
	unlinkat(sk->dirfd, tmp, 0);
fail:
	log_error("cannot write '%s/%s': %s", sk->dir, name, strerror(e));
	return -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* a file this sink writes: profile-<stamp>.<ext> */
static int ours(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	/* "profile-" 8, "YYYYMMDDTHHMMSS.mmmZ" 20, "." 1 */
	return !strncmp(name, "profile-", 8) && n == 29 + e && name[27] == 'Z' && name[28] == '.' &&
	       !strcmp(name + 29, ext);
}

/* removes all but the newest sk->keep files of the format with ext */
static void rotate(struct sink *sk, const char *ext)
{
	char **names = NULL, **tmp;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;
	int fd = openat(sk->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		if (!ours(de->d_name, ext))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			tmp = realloc(names, cap * sizeof(*names));
			if (!tmp)
				break;
			names = tmp;
		}
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n > sk->keep) {
		qsort(names, n, sizeof(*names), by_name);
		for (i = 0; i < n - sk->keep; i++)
			if (unlinkat(sk->dirfd, names[i], 0) < 0 && errno != ENOENT)
				log_error("cannot remove '%s/%s': %s", sk->dir, names[i], strerror(errno));
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void flush_files(struct sink *sk, const struct aggregate *ag, struct symbolizer *s,
			const struct profile_meta *meta, long long start_ns)
{
	char base[64], name[80];
	int fmt;

	window_name(start_ns, base, sizeof(base));
	for (fmt = 0; fmt < NFORMATS; fmt++) {
		if (!(sk->formats & (1u << fmt)))
			continue;
		snprintf(name, sizeof(name), "%s.%s", base, extensions[fmt]);
		if (write_file(sk, name, (enum output_format)fmt, ag, s, meta) < 0) {
			sk->failed++;
			continue;
		}
		sk->written++;
		log_info("wrote '%s/%s': %llu samples", sk->dir, name, (unsigned long long)ag->samples);
		if (sk->keep)
			rotate(sk, extensions[fmt]);
	}
}

int sink_flush(struct sink *sk, const struct aggregate *ag, struct symbolizer *s, const struct profile_meta *meta,
	       long long start_unix_ns)
{
	struct symbolizer_stats st;

	sk->windows++;
	if (sk->dirfd >= 0)
		flush_files(sk, ag, s, meta, start_unix_ns);
	if (sk->otlp)
		otlp_submit(sk->otlp, ag, s, meta, start_unix_ns);
	/* the window is symbolized: what exited before it can go */
	symbolizer_sweep(s);
	symbolizer_read_stats(s, &st);
	log_info("symbolizer: %zu processes kept, %lu forgotten as exited; %d files, %d with symbols read, "
		 "%lu freed",
		 st.processes, st.forgotten, st.files, st.files_loaded, st.unloaded);
	return 0;
}

void sink_reopen(struct sink *sk)
{
	int fd;

	if (!sk->dir)
		return;
	fd = open_dir(sk->dir);
	if (fd < 0)
		return; /* keep writing where it wrote */
	close(sk->dirfd);
	sk->dirfd = fd;
	log_info("SIGHUP: opened '%s' again", sk->dir);
}

int sink_close(struct sink *sk)
{
	int ret = 0;

	if (!sk)
		return 0;
	if (sk->dir) {
		log_info("%lu windows: %lu files written to '%s'", sk->windows, sk->written, sk->dir);
		if (sk->failed) {
			log_error("%lu of %lu files could not be written to '%s' (see above)", sk->failed,
				  sk->failed + sk->written, sk->dir);
			ret = -1;
		}
	}
	if (otlp_close(sk->otlp) < 0)
		ret = -1;
	if (sk->dirfd >= 0)
		close(sk->dirfd);
	free(sk);
	return ret;
}
