/* Writes the profile to stdout or atomically to a file (see output.h). */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* "dir/.name.XXXXXX" beside path */
static char *temp_name(const char *path)
{
	char *d = strdup(path), *b = strdup(path), *t = NULL;

	if (d && b && asprintf(&t, "%s/.%s.XXXXXX", dirname(d), basename(b)) < 0)
		t = NULL;
	free(d);
	free(b);
	return t;
}

int output_open(struct output *out, const char *path)
{
	struct stat st;
	mode_t mask;
	int fd;

	memset(out, 0, sizeof(*out));
	if (!path || !strcmp(path, "-")) {
		out->f = stdout;
		return 0;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return log_error("cannot write '%s': it is a directory: name a file", path);
	out->path = strdup(path);
	out->tmp = temp_name(path);
	if (!out->path || !out->tmp) {
		output_abort(out);
		return log_error("cannot write '%s': out of memory", path);
	}
	fd = mkostemp(out->tmp, O_CLOEXEC);
	if (fd < 0) {
		log_error("cannot write '%s': %s", path, strerror(errno));
		free(out->tmp);
		out->tmp = NULL;
		output_abort(out);
		return -1;
	}
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask); /* what a plain create would give; mkostemp makes 0600 */
	out->f = fdopen(fd, "w");
	if (!out->f) {
		log_error("cannot write '%s': %s", path, strerror(errno));
		close(fd);
		output_abort(out);
		return -1;
	}
	return 0;
}

int output_commit(struct output *out)
{
	int e = 0;

	if (!out->path) {
		if (fflush(out->f) != 0)
			return log_error("cannot write the profile to stdout: %s", strerror(errno));
		return 0;
	}
	if (fflush(out->f) != 0 || fsync(fileno(out->f)) != 0)
		e = errno;
	if (fclose(out->f) != 0 && !e)
		e = errno;
	out->f = NULL;
	if (!e && rename(out->tmp, out->path) != 0)
		e = errno;
	if (e) {
		log_error("cannot write '%s': %s", out->path, strerror(e));
		output_abort(out);
		return -1;
	}
	free(out->tmp);
	free(out->path);
	memset(out, 0, sizeof(*out));
	return 0;
}

void output_abort(struct output *out)
{
	if (out->f && out->f != stdout)
		fclose(out->f);
	if (out->tmp)
		unlink(out->tmp);
	free(out->tmp);
	free(out->path);
	memset(out, 0, sizeof(*out));
}
