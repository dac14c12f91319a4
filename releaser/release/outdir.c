/* The output directory and its stage (see outdir.h). */
#include "release/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/common.h"

#define STAGE_PREFIX ".releaser-stage-"

static int mkdir_parents(const char *dir)
{
	char *copy = xstrdup(dir), *p = copy;
	struct stat sb;
	int ret = -1, last = 0;

	while (!last) {
		p += 1 + strcspn(p + 1, "/");
		last = *p == '\0';
		*p = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
			error("cannot create '%s': %s", copy, strerror(errno));
			goto cleanup;
		}
		if (!last)
			*p = '/';
	}
	if (stat(dir, &sb) != 0) {
		error("cannot use '%s' as the output directory: %s", dir, strerror(errno));
		goto cleanup;
	}
	if (!S_ISDIR(sb.st_mode)) {
		error("cannot use '%s' as the output directory: not a directory", dir);
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(copy);
	return ret;
}

/* removes a stage directory (flat: only files inside) */
static void remove_stage(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	char *f;

	if (d) {
		while ((de = readdir(d)) != NULL) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			f = xasprintf("%s/%s", path, de->d_name);
			unlink(f);
			free(f);
		}
		closedir(d);
	}
	rmdir(path);
}

/* stages of runs that died (their pid is gone) */
static void remove_dead_stages(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	char *path;
	long pid;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)))
			continue;
		pid = strtol(de->d_name + strlen(STAGE_PREFIX), NULL, 10);
		if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
			path = xasprintf("%s/%s", dir, de->d_name);
			remove_stage(path);
			free(path);
		}
	}
	closedir(d);
}

int outdir_open(struct outdir *o, const char *dir, int force)
{
	memset(o, 0, sizeof(*o));
	o->force = force;
	o->dir = xstrdup(dir);
	if (mkdir_parents(dir) < 0)
		return -1;
	remove_dead_stages(dir);
	o->stage = xasprintf("%s/" STAGE_PREFIX "%ld-XXXXXX", dir, (long)getpid());
	if (!mkdtemp(o->stage)) {
		error("cannot write into '%s': %s", dir, strerror(errno));
		free(o->stage);
		o->stage = NULL;
		return -1;
	}
	return 0;
}

char *outdir_stage_path(const struct outdir *o, const char *name)
{
	return xasprintf("%s/%s", o->stage, name);
}

char *outdir_final_path(const struct outdir *o, const char *name)
{
	return xasprintf("%s/%s", o->dir, name);
}

void outdir_add(struct outdir *o, const char *name, const char *sha256, uint64_t size)
{
	struct staged_file *f;

	o->files = xrealloc(o->files, (o->n + 1) * sizeof(*o->files));
	f = &o->files[o->n++];
	f->name = xstrdup(name);
	snprintf(f->sha256, sizeof(f->sha256), "%s", sha256);
	f->size = size;
}

int outdir_write(struct outdir *o, const char *name, const void *buf, size_t len)
{
	char hex[SHA256_HEX_LEN + 1];
	struct sha256 h;
	char *path = outdir_stage_path(o, name);
	int ret = -1;

	if (sha256_init(&h) < 0)
		goto cleanup;
	if (sha256_update(&h, buf, len) < 0 || sha256_final(&h, hex) < 0) {
		sha256_abort(&h);
		goto cleanup;
	}
	if (write_file_atomic(path, buf, len, 0644) < 0)
		goto cleanup;
	outdir_add(o, name, hex, len);
	ret = 0;
cleanup:
	free(path);
	return ret;
}

enum fate { MOVE, SAME, CONFLICT };

/* what happens to staged file f: the final name is free, equal, or taken */
static int fate_of(const struct outdir *o, const struct staged_file *f, enum fate *out)
{
	char hex[SHA256_HEX_LEN + 1];
	char *final = outdir_final_path(o, f->name);
	struct stat sb;
	uint64_t size;
	int ret = -1;

	*out = MOVE;
	if (lstat(final, &sb) != 0) {
		if (errno == ENOENT)
			ret = 0;
		else
			error("cannot read '%s': %s", final, strerror(errno));
		goto cleanup;
	}
	*out = CONFLICT;
	if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size != f->size) {
		ret = 0;
		goto cleanup;
	}
	if (sha256_file(final, hex, &size) < 0)
		goto cleanup;
	if (size == f->size && !strcmp(hex, f->sha256))
		*out = SAME;
	ret = 0;
cleanup:
	free(final);
	return ret;
}

static void fsync_path(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int outdir_commit(struct outdir *o)
{
	enum fate *fates = xcalloc(o->n ? o->n : 1, sizeof(*fates));
	size_t i, conflicts = 0, first = 0;
	char *from = NULL, *to = NULL;
	int ret = -1;

	for (i = 0; i < o->n; i++) {
		if (fate_of(o, &o->files[i], &fates[i]) < 0)
			goto cleanup;
		if (fates[i] == CONFLICT && conflicts++ == 0)
			first = i;
	}
	if (conflicts && !o->force) {
		if (conflicts == 1)
			error("'%s/%s' exists with other contents: remove it, or use --force to replace it", o->dir,
			      o->files[first].name);
		else
			error("'%s/%s' and %zu more exist with other contents: remove them, or use --force to "
			      "replace them", o->dir, o->files[first].name, conflicts - 1);
		goto cleanup;
	}
	for (i = 0; i < o->n; i++) {
		if (fates[i] == SAME)
			continue;
		from = outdir_stage_path(o, o->files[i].name);
		to = outdir_final_path(o, o->files[i].name);
		if (rename(from, to) != 0) {
			error("cannot rename into '%s': %s", to, strerror(errno));
			goto cleanup;
		}
		free(from);
		free(to);
		from = to = NULL;
	}
	fsync_path(o->dir);
	ret = 0;
cleanup:
	free(from);
	free(to);
	free(fates);
	return ret;
}

void outdir_close(struct outdir *o)
{
	size_t i;

	if (o->stage)
		remove_stage(o->stage);
	for (i = 0; i < o->n; i++)
		free(o->files[i].name);
	free(o->files);
	free(o->stage);
	free(o->dir);
	memset(o, 0, sizeof(*o));
}
