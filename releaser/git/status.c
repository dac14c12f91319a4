/* Work tree status (see status.h). */
#include "git/status.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git/graph.h"
#include "git/index.h"
#include "git/internal.h"
#include "lib/common.h"

/* the largest index read by the quick check (larger ones are libgit2's) */
#define INDEX_MAX (256 * 1024 * 1024)

/*
 * HEAD's tree id, found through the commit's raw header: libgit2's status
 * peels HEAD by parsing the commit, which fails on an author line it
 * refuses. Returns 0 with *tree set, 1 when HEAD is unborn, -1 after a
 * message.
 */
static int head_tree_id(git_repository *repo, git_oid *tree)
{
	struct graph g;
	git_oid id;
	size_t i;
	int rc, ret = -1;

	if (git_repository_head_unborn(repo) == 1)
		return 1;
	git_error_clear();
	rc = commit_resolve_oid(repo, "HEAD", &id);
	if (rc != 0)
		return rc > 0 ? 1 : -1;
	if (graph_init(&g, repo) < 0)
		goto cleanup;
	i = graph_node(&g, &id);
	if (graph_load(&g, i) == 0) {
		git_oid_cpy(tree, &g.nodes[i].tree);
		ret = 0;
	}
cleanup:
	graph_release(&g);
	return ret;
}

/* the state of the quick check (below): the index read, and a path being built */
struct quick {
	git_repository *repo;
	const struct index_file *ix;
	struct timespec written; /* the index file's mtime */
	int untracked;           /* STATUS_UNTRACKED */
	char *buf;               /* a directory's path (of an entry) and a name in it */
};

/*
 * whether the work tree's file st is the index entry e unchanged, from
 * their stat data alone (git's ie_match_stat, stricter): same type and
 * executable bit, size, mtime, ctime, inode, owner; an entry not older
 * than the index file is "racily clean" (git's racy-git rule: it may have
 * changed in the same instant) and counts as changed
 */
static int stat_clean(const struct quick *q, const struct index_entry *e, const struct stat *st)
{
	if (e->stage || e->flags)
		return 0;
	if (e->mode == 0100644 || e->mode == 0100755) {
		if (!S_ISREG(st->st_mode) || !(st->st_mode & S_IXUSR) != (e->mode == 0100644))
			return 0;
	} else if (e->mode != 0120000 || !S_ISLNK(st->st_mode)) {
		return 0; /* a submodule, or not what the index says */
	}
	if (e->size != (uint32_t)st->st_size || e->mtime_s != (uint32_t)st->st_mtim.tv_sec ||
	    e->mtime_ns != (uint32_t)st->st_mtim.tv_nsec || e->ctime_s != (uint32_t)st->st_ctim.tv_sec ||
	    e->ctime_ns != (uint32_t)st->st_ctim.tv_nsec || e->ino != (uint32_t)st->st_ino ||
	    e->uid != (uint32_t)st->st_uid || e->gid != (uint32_t)st->st_gid)
		return 0;
	return (long long)e->mtime_s < (long long)q->written.tv_sec ||
	       ((long long)e->mtime_s == (long long)q->written.tv_sec && e->mtime_ns < q->written.tv_nsec);
}

/* the first entry in [lo, hi) not sorting before key */
static size_t lower_bound(const struct index_file *ix, size_t lo, size_t hi, const char *key)
{
	size_t mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(ix->entries[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* whether q->buf (klen bytes) is a tracked file or a directory holding one, among [lo, hi) */
static int tracked(const struct quick *q, size_t lo, size_t hi, size_t klen)
{
	size_t i = lower_bound(q->ix, lo, hi, q->buf);
	int found;

	if (i < hi && !strcmp(q->ix->entries[i].path, q->buf))
		return 1;
	q->buf[klen] = '/';
	q->buf[klen + 1] = '\0';
	i = lower_bound(q->ix, i, hi, q->buf);
	found = i < hi && !strncmp(q->ix->entries[i].path, q->buf, klen + 1);
	q->buf[klen] = '\0';
	return found;
}

/*
 * the directory fd (closed here) whose entries in the index are [lo, hi),
 * their paths starting with the plen bytes of its path: 1 when every
 * tracked file under it is stat-clean and every other name in it is
 * ignored (or untracked files do not count); 0 when unsure
 */
static int scan_dir(struct quick *q, int fd, size_t plen, size_t lo, size_t hi)
{
	const struct index_entry *es = q->ix->entries;
	const char *rest, *slash;
	struct dirent *de;
	struct stat st;
	size_t i = lo, j, n;
	int ok = 1, sub, ignored;
	char *name;
	DIR *d;

	/* the tracked files, each directory holding some in turn */
	while (ok && i < hi) {
		rest = es[i].path + plen;
		slash = strchr(rest, '/');
		if (!slash) {
			ok = fstatat(fd, rest, &st, AT_SYMLINK_NOFOLLOW) == 0 && stat_clean(q, &es[i], &st);
			i++;
			continue;
		}
		n = (size_t)(slash - rest) + 1;
		for (j = i + 1; j < hi && !strncmp(es[j].path + plen, rest, n); j++)
			;
		name = xasprintf("%.*s", (int)(n - 1), rest);
		sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		free(name);
		ok = sub >= 0 && scan_dir(q, sub, plen + n, i, j);
		i = j;
	}
	d = ok ? fdopendir(fd) : NULL;
	if (!d) {
		close(fd);
		return 0;
	}
	/* every other name: untracked, unless ignored */
	while (ok && (errno = 0, de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || (plen == 0 && !strcmp(de->d_name, ".git")))
			continue;
		if (plen)
			memcpy(q->buf, es[lo].path, plen); /* [lo, hi) is empty only at the top */
		memcpy(q->buf + plen, de->d_name, n + 1);
		if (tracked(q, lo, hi, plen + n) || !q->untracked)
			continue;
		ok = git_ignore_path_is_ignored(&ignored, q->repo, q->buf) == 0 && ignored;
	}
	if (ok && errno)
		ok = 0;
	closedir(d);
	return ok;
}

/*
 * git status's quick answer for a clean work tree, without libgit2's
 * index: 1 when the index (read by git/index.c) holds no conflict and its
 * cache tree is HEAD's tree (nothing staged), every tracked file is
 * stat-clean and no untracked name is left unignored (when they count);
 * 0 when anything is otherwise or unusual (a submodule, a sparse or split
 * index, core.ignorecase, flags such as assume-unchanged): libgit2's
 * status decides then. Never fails: an error is an "unsure".
 */
static int quick_clean(git_repository *repo, const git_oid *head_tree, int flags)
{
	struct quick q = { .repo = repo, .untracked = flags & STATUS_UNTRACKED };
	struct index_file ix = { 0 };
	const char *workdir = git_repository_workdir(repo);
	unsigned char *data = MAP_FAILED;
	git_config *cfg = NULL;
	git_buf path = { 0 };
	struct stat st;
	char why[128];
	int fd = -1, ok = 0, icase = 0;

	if (!workdir || git_repository_config_snapshot(&cfg, repo) < 0)
		goto cleanup;
	if (git_config_get_bool(&icase, cfg, "core.ignorecase") < 0)
		icase = 0;
	if (icase || git_repository_item_path(&path, repo, GIT_REPOSITORY_ITEM_INDEX) < 0)
		goto cleanup;
	fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > INDEX_MAX)
		goto cleanup;
	/* mapped, not read: its pages come from the page cache, not copied into fresh ones */
	data = st.st_size ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (data == MAP_FAILED || index_parse(data, (size_t)st.st_size, &ix, why, sizeof(why)) < 0)
		goto cleanup;
	close(fd);
	fd = -1;
	if (ix.foreign || !ix.tree_valid || ix.tree_entries < 0 || (size_t)ix.tree_entries != ix.n ||
	    memcmp(ix.tree_id, head_tree->id, INDEX_ID_LEN))
		goto cleanup;
	q.ix = &ix;
	q.written = st.st_mtim;
	q.buf = xmalloc(2 * PATH_MAX + 2);
	fd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		ok = scan_dir(&q, fd, 0, 0, ix.n);
	fd = -1;
cleanup:
	if (fd >= 0)
		close(fd);
	git_error_clear();
	free(q.buf);
	if (data != MAP_FAILED)
		munmap(data, (size_t)st.st_size);
	index_file_release(&ix);
	git_buf_dispose(&path);
	git_config_free(cfg);
	return ok;
}

static char status_char(unsigned int s, int index)
{
	if (index) {
		if (s & GIT_STATUS_INDEX_NEW) return 'A';
		if (s & GIT_STATUS_INDEX_MODIFIED) return 'M';
		if (s & GIT_STATUS_INDEX_DELETED) return 'D';
		if (s & GIT_STATUS_INDEX_RENAMED) return 'R';
		if (s & GIT_STATUS_INDEX_TYPECHANGE) return 'T';
		return ' ';
	}
	if (s & GIT_STATUS_WT_NEW) return '?';
	if (s & GIT_STATUS_WT_MODIFIED) return 'M';
	if (s & GIT_STATUS_WT_DELETED) return 'D';
	if (s & GIT_STATUS_WT_RENAMED) return 'R';
	if (s & GIT_STATUS_WT_TYPECHANGE) return 'T';
	if (s & GIT_STATUS_CONFLICTED) return 'U';
	return ' ';
}

int status_list(git_repository *repo, int flags, struct strlist *out)
{
	git_status_options opts;
	git_status_list *list = NULL;
	git_tree *baseline = NULL;
	git_oid tree;
	size_t i, n;
	int count = 0, rc;

	if (git_repository_is_bare(repo))
		return 0;
	if (git_check(git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION),
		      "cannot read the work tree status") < 0)
		return -1;
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (flags & STATUS_UNTRACKED)
		opts.flags |= GIT_STATUS_OPT_INCLUDE_UNTRACKED;
	rc = head_tree_id(repo, &tree);
	if (rc < 0)
		return -1;
	if (rc == 0 && quick_clean(repo, &tree, flags))
		return 0;
	if (rc == 0 && git_check(git_tree_lookup(&baseline, repo, &tree), "cannot read HEAD's tree") < 0)
		return -1;
	opts.baseline = baseline;
	if (git_check(git_status_list_new(&list, repo, &opts), "cannot read the work tree status") < 0) {
		git_tree_free(baseline);
		return -1;
	}
	n = git_status_list_entrycount(list);
	for (i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
		char *line;

		if (!d || e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED))
			continue;
		count++;
		if (!out)
			continue;
		line = xasprintf("%c%c %s", e->status & GIT_STATUS_WT_NEW ? '?' : status_char(e->status, 1),
				 status_char(e->status, 0), d->new_file.path ? d->new_file.path : d->old_file.path);
		strlist_add(out, line);
		free(line);
	}
	git_status_list_free(list);
	git_tree_free(baseline);
	return count;
}
