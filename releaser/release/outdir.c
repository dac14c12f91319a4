/* The output directory: its lock, the stage and the set replacement (see outdir.h). */
#include "release/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/common.h"
#include "lib/json.h"
#include "lib/strlist.h"
#include "lib/sums.h"
#include "release/manifest.h"
#include "release/provenance.h"

#define STAGE_PREFIX ".releaser-stage-" /* an in-place stage, inside DIR */
#define WRAP_SUFFIX ".releaser-"        /* .NAME.releaser-<pid>-XXXXXX, beside DIR */
#define OWN_PREFIX ".releaser"          /* the lock, the journal, in-place stages */
#define STAGE_IGNORE ".gitignore"       /* in each wrapper: "*", and its liveness lock */
#define LOCK_POLL_MS 20

static int mkdir_parents(const char *dir)
{
	char *copy = xstrdup(dir), *p = copy;
	struct stat sb;
	int ret = -1, last = 0;

	if (*dir == '\0') {
		error("the output directory is an empty string: give a directory name");
		goto cleanup;
	}
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

/* cuts the last component off path in place ("a/b/" -> "a", "a" -> ".", "/a" -> "/") */
static void cut_last(char *path)
{
	char *slash;
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	slash = strrchr(path, '/');
	if (!slash)
		strcpy(path, ".");
	else if (slash == path)
		path[1] = '\0';
	else
		*slash = '\0';
}

char *outdir_problem(const char *dir)
{
	char *path = xstrdup(dir), *why = NULL;
	struct stat sb;

	if (*dir == '\0') {
		why = xstrdup("the output directory is an empty string: give a directory name");
		goto cleanup;
	}
	while (stat(path, &sb) != 0) {
		if ((errno != ENOENT && errno != ENOTDIR) || !strcmp(path, ".") || !strcmp(path, "/")) {
			why = xasprintf("cannot use '%s' as the output directory: %s", dir, strerror(errno));
			goto cleanup;
		}
		cut_last(path);
	}
	if (!S_ISDIR(sb.st_mode))
		why = xasprintf("cannot use '%s' as the output directory: '%s' is not a directory", dir, path);
	else if (access(path, W_OK | X_OK) != 0)
		why = xasprintf("cannot write into '%s': %s (give a writable output directory)", path, strerror(errno));
cleanup:
	free(path);
	return why;
}

int outdir_check(const char *dir)
{
	char *why = outdir_problem(dir);

	if (!why)
		return 0;
	error("%s", why);
	free(why);
	return -1;
}

/* the largest manifest outdir_held reads: a manifest lists a handful of files */
#define HELD_MANIFEST_MAX (1024 * 1024)

/* 1 when dir/name is a readable manifest of a release (fills *h), else 0 (no message) */
static int read_held(const char *dir, const char *name, struct outdir_held *h)
{
	char *path = xasprintf("%s/%s", dir, name), *text = NULL, why[128];
	json_t *doc = NULL, *version, *snapshot;
	struct stat sb;
	ssize_t len = -1;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > HELD_MANIFEST_MAX)
		goto cleanup;
	text = xmalloc((size_t)sb.st_size + 1);
	len = read(fd, text, (size_t)sb.st_size + 1);
	if (len < 0 || len > sb.st_size)
		goto cleanup;
	doc = json_parse(text, (size_t)len, why, sizeof(why));
	version = doc ? json_object_get(doc, "version") : NULL;
	snapshot = doc ? json_object_get(doc, "snapshot") : NULL;
	if (!json_is_string(version) || !json_is_boolean(snapshot) || !*json_string_value(version) ||
	    strlen(json_string_value(version)) >= sizeof(h->version))
		goto cleanup;
	snprintf(h->version, sizeof(h->version), "%s", json_string_value(version));
	snprintf(h->from, sizeof(h->from), "%s", name);
	h->snapshot = json_is_true(snapshot);
	ret = 1;
cleanup:
	if (fd >= 0)
		close(fd);
	json_decref(doc);
	free(text);
	free(path);
	return ret;
}

int outdir_held(const char *dir, struct outdir_held *h)
{
	static const char *const arches[] = { "amd64", "arm64" };
	char *name;
	size_t i;
	int rc;

	memset(h, 0, sizeof(*h));
	rc = read_held(dir, MANIFEST_FILE, h);
	for (i = 0; rc == 0 && i < sizeof(arches) / sizeof(arches[0]); i++) {
		name = meta_partial_name(arches[i]);
		rc = read_held(dir, name, h);
		free(name);
	}
	return rc;
}

struct set;
static size_t clear_stage(const char *wrap, const char *real, const struct outdir *o, const struct set *s);

/* an open file description lock (shared by nothing else, even in this process) */
static int ofd_lock(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	return fcntl(fd, F_OFD_SETLK, &fl);
}

/* a wrapper whose run died: its ignore file is unlocked (or missing) and its pid gone */
static int wrap_is_dead(const char *wrap, const char *pid_text)
{
	char *ignore = xasprintf("%s/" STAGE_IGNORE, wrap);
	long pid = strtol(pid_text, NULL, 10);
	int fd = open(ignore, O_RDWR | O_NOFOLLOW | O_CLOEXEC), alive = 0;

	if (fd >= 0 && ofd_lock(fd) != 0)
		alive = 1;
	if (!alive && pid > 0 && pid != getpid() && !(kill((pid_t)pid, 0) != 0 && errno == ESRCH))
		alive = 1;
	if (fd >= 0)
		close(fd);
	free(ignore);
	return !alive;
}

/* whether name is prefix, digits, '-' and six characters: a name mkdtemp gave a stage */
static int stage_name(const char *name, const char *prefix)
{
	size_t n = strlen(prefix), digits;

	if (strncmp(name, prefix, n))
		return 0;
	digits = strspn(name + n, "0123456789");
	return digits > 0 && name[n + digits] == '-' && strlen(name + n + digits + 1) == 6;
}

/*
 * the stages of dead runs in parent: directories named prefix<pid>-XXXXXX,
 * emptied (a directory in one goes back into real) and removed
 */
static void remove_dead_stages(const char *parent, const char *prefix, const char *real)
{
	struct dirent *de;
	DIR *d = opendir(parent);
	struct stat sb;
	char *path;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!stage_name(de->d_name, prefix) || fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(sb.st_mode))
			continue;
		path = xasprintf("%s/%s", parent, de->d_name);
		if (wrap_is_dead(path, de->d_name + strlen(prefix)))
			clear_stage(path, real, NULL, NULL);
		free(path);
	}
	closedir(d);
}

/* the directory containing real ("/" for "/x") (caller frees) */
static char *parent_of(const char *real)
{
	char *p = xstrdup(real);

	cut_last(p);
	return p;
}

/* whether DIR can be swapped as a whole: not a mount point, its parent writable */
static int can_swap(const char *real)
{
	char *parent = parent_of(real);
	struct statx sx;
	struct stat d, p;
	int ok = 0;

	if (statx(AT_FDCWD, real, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0 &&
	    (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		goto cleanup;
	if (stat(real, &d) != 0 || stat(parent, &p) != 0 || d.st_dev != p.st_dev || d.st_ino == p.st_ino)
		goto cleanup;
	ok = access(parent, W_OK | X_OK) == 0;
cleanup:
	free(parent);
	return ok;
}

/* the wrapper (mkdtemp template in o->wrap) with its locked ignore file and new/ */
static int make_stage(struct outdir *o)
{
	static const char ignore[] = "# a releaser run's private directory, removed when it ends\n*\n";
	char *path = NULL;
	int ret = -1;

	if (!mkdtemp(o->wrap)) {
		error("cannot write into '%s': %s", o->dir, strerror(errno));
		free(o->wrap);
		o->wrap = NULL;
		goto cleanup;
	}
	path = xasprintf("%s/" STAGE_IGNORE, o->wrap);
	o->wrap_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (o->wrap_fd < 0 || ofd_lock(o->wrap_fd) != 0 ||
	    write(o->wrap_fd, ignore, sizeof(ignore) - 1) != (ssize_t)(sizeof(ignore) - 1)) {
		error("cannot write '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	o->stage = xasprintf("%s/new", o->wrap);
	if (mkdir(o->stage, 0755) != 0) {
		error("cannot create '%s': %s", o->stage, strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(path);
	return ret;
}

int outdir_open(struct outdir *o, const char *dir, int flags)
{
	char *parent = NULL, *base, *prefix = NULL;
	int ret = -1;

	memset(o, 0, sizeof(*o));
	o->flags = flags;
	o->dir = xstrdup(dir);
	o->wrap_fd = o->lock_fd = -1;
	o->lock_wait_ms = OUTDIR_LOCK_WAIT_MS;
	if (mkdir_parents(dir) < 0)
		goto cleanup;
	o->real = realpath(dir, NULL);
	if (!o->real) {
		error("cannot use '%s' as the output directory: %s", dir, strerror(errno));
		goto cleanup;
	}
	if (!(o->flags & OUTDIR_IN_PLACE) && !can_swap(o->real))
		o->flags |= OUTDIR_IN_PLACE;
	if (o->flags & OUTDIR_IN_PLACE) {
		parent = xstrdup(o->real);
		prefix = xstrdup(STAGE_PREFIX);
	} else {
		parent = parent_of(o->real);
		base = strrchr(o->real, '/') + 1;
		prefix = xasprintf(".%s" WRAP_SUFFIX, base);
	}
	remove_dead_stages(o->real, STAGE_PREFIX, o->real);
	if (!(o->flags & OUTDIR_IN_PLACE))
		remove_dead_stages(parent, prefix, o->real);
	o->wrap = xasprintf("%s/%s%ld-XXXXXX", strcmp(parent, "/") ? parent : "", prefix, (long)getpid());
	ret = make_stage(o);
cleanup:
	free(prefix);
	free(parent);
	return ret;
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

void outdir_drop(struct outdir *o, const char *name)
{
	o->drop = xrealloc(o->drop, (o->n_drop + 1) * sizeof(*o->drop));
	o->drop[o->n_drop++] = xstrdup(name);
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

/* --- the commit --- */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* the pid holding the lock on fd, or 0 when unknown */
static long lock_holder(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK)
		return 0;
	return fl.l_pid > 0 ? (long)fl.l_pid : 0;
}

/*
 * locks DIR/.releaser.lock (a process lock, so that the holder's pid can
 * be named), waiting up to o->lock_wait_ms; the locked file must still be
 * the one DIR holds
 */
static int lock_dir(struct outdir *o)
{
	char *path = xasprintf("%s/" OUTDIR_LOCK_FILE, o->real);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct stat a, b;
	long waited = 0, pid;
	int fd = -1, ret = -1;

	for (;;) {
		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0) {
			error("cannot create '%s': %s", path, strerror(errno));
			goto cleanup;
		}
		if (fcntl(fd, F_SETLK, &fl) == 0) {
			if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
				break;
		} else if (errno != EAGAIN && errno != EACCES) {
			error("cannot lock '%s': %s", path, strerror(errno));
			goto cleanup;
		} else if (waited >= o->lock_wait_ms) {
			pid = lock_holder(fd);
			if (pid)
				error("'%s' is being written by another releaser run (pid %ld): run again when it is done",
				      o->dir, pid);
			else
				error("'%s' is being written by another releaser run: run again when it is done", o->dir);
			goto cleanup;
		} else if (waited == 0) {
			note("waiting for another releaser run to finish writing '%s'", o->dir);
		}
		close(fd);
		fd = -1;
		sleep_ms(LOCK_POLL_MS);
		waited += LOCK_POLL_MS;
	}
	o->lock_fd = fd;
	fd = -1;
	ret = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	free(path);
	return ret;
}

enum fate { MOVE, SAME, CONFLICT, DIRECTORY };

/* what the commit does, read under the lock */
struct set {
	struct sums old;   /* what the previous release's SHA256SUMS lists */
	struct strlist journal; /* what an interrupted commit's journal lists */
	int has_journal;   /* DIR holds a journal */
	enum fate *fates;  /* of o->files */
	char **carry;      /* entries of DIR carried into the new set */
	size_t n_carry;
	char **gone;       /* entries of DIR not in the new set */
	size_t n_gone;
};

static void set_release(struct set *s)
{
	size_t i;

	for (i = 0; i < s->n_carry; i++)
		free(s->carry[i]);
	for (i = 0; i < s->n_gone; i++)
		free(s->gone[i]);
	free(s->carry);
	free(s->gone);
	free(s->fates);
	strlist_clear(&s->journal);
	sums_release(&s->old);
}

static void push(char ***v, size_t *n, const char *name)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(name);
}

/* what the staged file f meets in DIR: nothing, the same bytes, or others */
static int fate_of(const struct outdir *o, const struct staged_file *f, enum fate *out)
{
	char hex[SHA256_HEX_LEN + 1];
	char *final = xasprintf("%s/%s", o->real, f->name);
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
	*out = S_ISDIR(sb.st_mode) ? DIRECTORY : CONFLICT;
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

/* the previous release's list, when DIR holds one that can be read */
static void read_old_sums(const struct outdir *o, struct sums *old)
{
	char *path = xasprintf("%s/" SUMS_FILE, o->real), *text = NULL, why[128];
	struct stat sb;
	size_t len;

	if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
		text = read_file(path, SUMS_MAX_SIZE, &len);
		if (text && sums_parse(text, len, old, why, sizeof(why)) < 0)
			warning("'%s' cannot be read (%s): the files it lists are kept", path, why);
	}
	free(text);
	free(path);
}

int outdir_journal_parse(const char *text, size_t len, struct strlist *names)
{
	size_t head = strlen(OUTDIR_JOURNAL_HEAD);
	const char *line, *end = text + len, *eol;
	char *name;

	if (len < head || memcmp(text, OUTDIR_JOURNAL_HEAD, head) || memchr(text, '\0', len))
		return -1;
	for (line = text + head; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		name = xasprintf("%.*s", (int)(eol - line), line);
		/* never the releaser's own entries, never a path */
		if (*name && strncmp(name, OWN_PREFIX, strlen(OWN_PREFIX)) && !strchr(name, '/') &&
		    strcmp(name, ".") && strcmp(name, ".."))
			strlist_add(names, name);
		free(name);
	}
	return 0;
}

/*
 * DIR/.releaser-journal, when there: an interrupted commit's list of the
 * files it was replacing and placing (see outdir.h); 0 or -1 after a message
 */
static int read_journal(const struct outdir *o, struct set *s)
{
	char *path = xasprintf("%s/" OUTDIR_JOURNAL_FILE, o->real), *text = NULL;
	struct stat sb;
	size_t len;
	int ret = -1;

	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT)
			ret = 0;
		else
			error("cannot read '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	text = read_file(path, OUTDIR_JOURNAL_MAX, &len);
	if (!text)
		goto cleanup;
	s->has_journal = 1;
	ret = 0;
	if (outdir_journal_parse(text, len, &s->journal) < 0)
		warning("'%s' is not a journal this releaser wrote: the files it names are kept", path);
cleanup:
	free(text);
	free(path);
	return ret;
}

/*
 * a name of the previous release: listed in its SHA256SUMS, one of the
 * names that seal a release, or listed by an interrupted commit's journal
 */
static int old_release_file(const struct set *s, const char *name)
{
	static const char *const seal[] = { SUMS_FILE, SUMS_MINISIG_FILE, SUMS_SIG_FILE, MANIFEST_FILE,
					    PROVENANCE_FILE };
	size_t i;

	for (i = 0; i < sizeof(seal) / sizeof(seal[0]); i++)
		if (!strcmp(name, seal[i]))
			return 1;
	return sums_find(&s->old, name) != NULL || strlist_has(&s->journal, name);
}

static const struct staged_file *staged(const struct outdir *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (!strcmp(o->files[i].name, name))
			return &o->files[i];
	return NULL;
}

static int dropped(const struct outdir *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->n_drop; i++)
		if (!strcmp(o->drop[i], name))
			return 1;
	return 0;
}

/*
 * sorts DIR's entries into carried (the user's) and gone (the releaser's
 * files not in the new set: only regular files are); the journal is neither
 */
static int read_entries(const struct outdir *o, struct set *s)
{
	struct dirent *de;
	struct stat sb;
	DIR *d = opendir(o->real);

	if (!d)
		return error("cannot list '%s': %s", o->dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, OUTDIR_JOURNAL_FILE) ||
		    !strncmp(de->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)) || staged(o, de->d_name))
			continue;
		if ((old_release_file(s, de->d_name) || dropped(o, de->d_name)) &&
		    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode))
			push(&s->gone, &s->n_gone, de->d_name);
		else
			push(&s->carry, &s->n_carry, de->d_name);
	}
	closedir(d);
	return 0;
}

/* the fates of the staged files; a conflict is refused unless forced */
static int read_fates(const struct outdir *o, struct set *s)
{
	size_t i, conflicts = 0, first = 0;

	s->fates = xcalloc(o->n ? o->n : 1, sizeof(*s->fates));
	for (i = 0; i < o->n; i++) {
		if (fate_of(o, &o->files[i], &s->fates[i]) < 0)
			return -1;
		if (s->fates[i] == DIRECTORY)
			return error("'%s/%s' is a directory, which the release cannot replace: move it away",
				     o->dir, o->files[i].name);
		if (s->fates[i] != CONFLICT || (o->flags & OUTDIR_FORCE) ||
		    strlist_has(&s->journal, o->files[i].name) ||
		    ((o->flags & OUTDIR_REPLACE) && old_release_file(s, o->files[i].name)))
			continue;
		if (conflicts++ == 0)
			first = i;
	}
	if (conflicts == 1)
		return error("'%s/%s' exists with other contents: remove it, or use --force to replace it", o->dir,
			     o->files[first].name);
	if (conflicts)
		return error("'%s/%s' and %zu more exist with other contents: remove them, or use --force to "
			     "replace them", o->dir, o->files[first].name, conflicts - 1);
	return 0;
}

static int changes(const struct outdir *o, const struct set *s)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (s->fates[i] != SAME)
			return 1;
	return s->n_gone > 0 || s->has_journal;
}

static void fsync_path(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* links DIR's name into the stage (replacing a staged file of the same bytes) */
static int link_in(const struct outdir *o, const char *name)
{
	char *from = xasprintf("%s/%s", o->real, name), *to = outdir_stage_path(o, name);
	int ret = 0;

	if ((unlink(to) != 0 && errno != ENOENT) || link(from, to) != 0)
		ret = error("cannot link '%s' into the new release: %s", from, strerror(errno));
	free(from);
	free(to);
	return ret;
}

/* moves DIR's directories among the carried entries into the stage, or (back) out of it */
static int move_dirs(const struct outdir *o, const struct set *s, int back)
{
	char *in_dir, *in_stage;
	struct stat sb;
	size_t i;
	int ret = 0;

	for (i = 0; i < s->n_carry && ret == 0; i++) {
		in_dir = xasprintf("%s/%s", o->real, s->carry[i]);
		in_stage = outdir_stage_path(o, s->carry[i]);
		if (lstat(back ? in_stage : in_dir, &sb) == 0 && S_ISDIR(sb.st_mode) &&
		    rename(back ? in_stage : in_dir, back ? in_dir : in_stage) != 0)
			ret = error("cannot move '%s' into the new release: %s", in_dir, strerror(errno));
		free(in_stage);
		free(in_dir);
	}
	return ret;
}

/* the stage made into the complete new DIR, swapped with DIR, the old set removed */
static int commit_swap(struct outdir *o, const struct set *s)
{
	char *parent = parent_of(o->real), *from = NULL;
	struct stat sb;
	size_t i;
	int ret = -1;

	for (i = 0; i < o->n; i++)
		if (s->fates[i] == SAME && link_in(o, o->files[i].name) < 0)
			goto cleanup;
	for (i = 0; i < s->n_carry; i++) {
		free(from);
		from = xasprintf("%s/%s", o->real, s->carry[i]);
		if (lstat(from, &sb) == 0 && !S_ISDIR(sb.st_mode) && link_in(o, s->carry[i]) < 0)
			goto cleanup;
	}
	if (stat(o->real, &sb) != 0 || chmod(o->stage, sb.st_mode & 07777) != 0) {
		error("cannot give '%s' the mode of '%s': %s", o->stage, o->dir, strerror(errno));
		goto cleanup;
	}
	fsync_path(o->stage);
	/* directories cannot be linked: they move, just before the swap (and back when it fails) */
	if (move_dirs(o, s, 0) < 0) {
		move_dirs(o, s, 1);
		goto cleanup;
	}
	if (renameat2(AT_FDCWD, o->stage, AT_FDCWD, o->real, RENAME_EXCHANGE) != 0) {
		error("cannot swap '%s' with its new release: %s", o->dir, strerror(errno));
		move_dirs(o, s, 1);
		goto cleanup;
	}
	fsync_path(parent);
	fsync_path(o->wrap);
	/* the stage is now the old set */
	if (clear_stage(o->wrap, o->real, o, s) > 0)
		o->keep_wrap = 1;
	ret = 0;
cleanup:
	free(from);
	free(parent);
	return ret;
}

/* adds name to the journal's text t[*len]; -1 when it holds a newline */
static int journal_add(char **t, size_t *len, const char *name)
{
	size_t n = strlen(name);

	if (strchr(name, '\n'))
		return -1;
	*t = xrealloc(*t, *len + n + 2);
	memcpy(*t + *len, name, n);
	(*t)[*len + n] = '\n';
	*len += n + 1;
	(*t)[*len] = '\0';
	return 0;
}

/*
 * DIR/.releaser-journal: every file of DIR the commit replaces or removes
 * and every file it places, written in the stage and renamed into DIR
 */
static int write_journal(const struct outdir *o, const struct set *s)
{
	char *text = xstrdup(OUTDIR_JOURNAL_HEAD), *tmp = outdir_stage_path(o, OUTDIR_JOURNAL_FILE);
	char *path = xasprintf("%s/" OUTDIR_JOURNAL_FILE, o->real);
	size_t i, len = strlen(text);
	int ret = -1;

	for (i = 0; i < s->n_gone + o->n; i++) {
		if (journal_add(&text, &len, i < s->n_gone ? s->gone[i] : o->files[i - s->n_gone].name) < 0) {
			error("cannot replace the release in '%s' in place: a file name of it holds a newline", o->dir);
			goto cleanup;
		}
	}
	if (write_file_atomic(tmp, text, len, 0644) < 0)
		goto cleanup;
	if (rename(tmp, path) != 0) {
		error("cannot rename into '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	fsync_path(o->real);
	ret = 0;
cleanup:
	free(path);
	free(tmp);
	free(text);
	return ret;
}

/*
 * the journal written, the new files renamed into DIR (in their order: the
 * seal last), the old ones removed, then the journal
 */
static int commit_in_place(const struct outdir *o, const struct set *s)
{
	char *from = NULL, *to = NULL;
	size_t i;
	int ret = -1;

	if (write_journal(o, s) < 0)
		goto cleanup;
	for (i = 0; i < o->n; i++) {
		if (s->fates[i] == SAME)
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
	for (i = 0; i < s->n_gone; i++) {
		to = outdir_final_path(o, s->gone[i]);
		if (unlink(to) != 0 && errno != ENOENT) {
			error("cannot remove '%s' of the previous release: %s", to, strerror(errno));
			goto cleanup;
		}
		free(to);
		to = NULL;
	}
	fsync_path(o->real);
	to = xasprintf("%s/" OUTDIR_JOURNAL_FILE, o->real);
	if (unlink(to) != 0) {
		error("cannot remove '%s': %s", to, strerror(errno));
		goto cleanup;
	}
	fsync_path(o->real);
	ret = 0;
cleanup:
	free(from);
	free(to);
	return ret;
}

static int in_list(char *const *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return 1;
	return 0;
}

/*
 * whether the entry name (not a directory) of a stage is the releaser's to
 * remove: anything without s; with s (the old set after the swap), a
 * staged or gone name, the journal, or a file DIR holds too (hard linked)
 */
static int removable(const char *real, const struct outdir *o, const struct set *s, const char *name,
		     const struct stat *sb)
{
	char *path;
	struct stat d;
	int same;

	if (!s || staged(o, name) || in_list(s->gone, s->n_gone, name) || !strcmp(name, OUTDIR_JOURNAL_FILE))
		return 1;
	path = xasprintf("%s/%s", real, name);
	same = lstat(path, &d) == 0 && d.st_ino == sb->st_ino && d.st_dev == sb->st_dev;
	free(path);
	return same;
}

/*
 * empties dir: what is the releaser's (see removable)
 * is removed; a directory (a stage has none of its own: it is DIR's,
 * carried across a swap) or another entry is moved back into real; what
 * cannot be (real holds that name) is left, with a warning. Returns the
 * number of entries left.
 */
static size_t clear_entries(const char *dir, const char *real, const struct outdir *o, const struct set *s)
{
	struct dirent *de;
	struct stat sb;
	size_t left = 0;
	DIR *d = opendir(dir);
	char *to;

	while (d && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (!S_ISDIR(sb.st_mode) && removable(real, o, s, de->d_name, &sb)) {
			unlinkat(dirfd(d), de->d_name, 0);
			continue;
		}
		to = xasprintf("%s/%s", real, de->d_name);
		if (renameat2(dirfd(d), de->d_name, AT_FDCWD, to, RENAME_NOREPLACE) != 0) {
			warning("'%s' is left in '%s' (cannot move it back: %s): move it yourself", de->d_name, dir,
				strerror(errno));
			left++;
		}
		free(to);
	}
	if (d)
		closedir(d);
	return left;
}

/*
 * empties and removes the stage WRAP/new (see clear_entries), then WRAP
 * (its ignore file); a stage that still holds something is left whole.
 * Returns the number of entries left.
 */
static size_t clear_stage(const char *wrap, const char *real, const struct outdir *o, const struct set *s)
{
	char *new = xasprintf("%s/new", wrap);
	size_t left = clear_entries(new, real, o, s);

	/* a stage left whole keeps its ignore file: the work tree stays clean */
	if (left == 0 && (rmdir(new) == 0 || errno == ENOENT))
		left = clear_entries(wrap, real, o, NULL);
	if (left == 0)
		rmdir(wrap);
	free(new);
	return left;
}

int outdir_commit(struct outdir *o)
{
	struct set s;
	int ret = -1;

	memset(&s, 0, sizeof(s));
	if (lock_dir(o) < 0)
		goto cleanup;
	if (o->flags & OUTDIR_REPLACE) {
		struct outdir_held h;
		if (outdir_held(o->real, &h) == 1 && !h.snapshot)
			o->flags &= ~OUTDIR_REPLACE;
	}
	read_old_sums(o, &s.old);
	if (read_journal(o, &s) < 0 || read_fates(o, &s) < 0 || read_entries(o, &s) < 0)
		goto cleanup;
	if (!changes(o, &s)) {
		ret = 0;
		goto cleanup;
	}
	ret = o->flags & OUTDIR_IN_PLACE ? commit_in_place(o, &s) : commit_swap(o, &s);
cleanup:
	set_release(&s);
	return ret;
}

void outdir_close(struct outdir *o)
{
	size_t i;

	if (o->wrap && !o->keep_wrap)
		clear_stage(o->wrap, o->real, NULL, NULL);
	/* the descriptors are set only by outdir_open, which sets dir */
	if (o->dir && o->wrap_fd >= 0)
		close(o->wrap_fd);
	if (o->dir && o->lock_fd >= 0)
		close(o->lock_fd);
	for (i = 0; i < o->n; i++)
		free(o->files[i].name);
	for (i = 0; i < o->n_drop; i++)
		free(o->drop[i]);
	free(o->files);
	free(o->drop);
	free(o->stage);
	free(o->wrap);
	free(o->real);
	free(o->dir);
	memset(o, 0, sizeof(*o));
}
